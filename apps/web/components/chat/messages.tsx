"use client";
/** The conversation: messages, tool cards, the "thinking" indicator and errors shown in place. */
import { useEffect, useLayoutEffect, useRef } from "react";
import type { ChatStatus } from "ai";
import { AlertCircle, Bot, CircleStop, RotateCcw } from "lucide-react";
import type { ChatMessage } from "@/lib/chat-messages";
import type { ApiError } from "@/lib/api.client";
import { chatErrorKind as errorKind, type ChatErrorKind as ErrorKind } from "@/lib/chat-errors";
import { cn } from "@/lib/cn";
import { Button } from "@/components/ui/button";
import { ToolCard } from "./tool-card";

const SUGGESTIONS = ["Add buy milk tomorrow, high priority", "What's left?", "Show done tasks", "What can you do?"];

export function Messages({
  messages,
  status,
  error,
  onRetry,
  onSuggestion,
  older,
  stopped,
}: {
  /** Present when the person stopped the last reply: its note offers to send the message again. */
  stopped?: { onResend: () => void };
  messages: ChatMessage[];
  status: ChatStatus;
  error: ApiError | undefined;
  onRetry: () => void;
  onSuggestion: (text: string) => void;
  /** Present while older stored messages exist: `load` puts the previous page above. */
  older?: { load: () => Promise<void>; loading: boolean };
}) {
  const scroller = useRef<HTMLElement>(null);
  const end = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const heightBefore = useRef<number | null>(null);
  const firstId = messages[0]?.id;

  // Older messages arrive above: keep what the person was reading where it was.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && heightBefore.current !== null) el.scrollTop += el.scrollHeight - heightBefore.current;
    heightBefore.current = null;
  }, [firstId]);

  const loadOlder = older?.load;
  useEffect(() => {
    const sentinel = top.current;
    if (!sentinel || !loadOlder) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        heightBefore.current = scroller.current?.scrollHeight ?? null;
        void loadOlder();
      },
      { root: scroller.current, rootMargin: "200px 0px 0px 0px" },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [loadOlder, firstId]);

  // Follow the reply as it streams, unless the person scrolled up to read.
  useEffect(() => {
    if (pinned.current) end.current?.scrollIntoView({ block: "end" });
  }, [messages, status, error]);

  const last = messages[messages.length - 1];
  const thinking = status === "submitted" || (status === "streaming" && last?.role === "assistant" && last.parts.length === 0);

  return (
    // A landmark with a heading, and focusable so the keyboard can scroll it (arrows, Page Up/Down).
    <section
      ref={scroller}
      aria-labelledby="conversation-heading"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to be scrolled (WCAG 2.1.1).
      tabIndex={0}
      className="min-h-0 flex-1 overflow-y-auto focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-ring"
      data-testid="conversation"
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
    >
      <h2 id="conversation-heading" className="sr-only">
        Conversation
      </h2>
      <div className="mx-auto flex max-w-3xl flex-col gap-6 px-3 py-6 sm:px-4" role="log" aria-label="Messages" aria-busy={status === "streaming"}>
        {older && (
          <div ref={top} className="flex justify-center">
            <Button
              variant="ghost"
              size="sm"
              disabled={older.loading}
              onClick={() => {
                heightBefore.current = scroller.current?.scrollHeight ?? null;
                void older.load();
              }}
            >
              {older.loading ? "Loading earlier messages…" : "Load earlier messages"}
            </Button>
          </div>
        )}
        {messages.length === 0 && <Greeting onSuggestion={onSuggestion} />}
        {messages.map((message) => (
          <MessageView key={message.id} message={message} />
        ))}
        {thinking && (
          <div className="flex items-center gap-3 text-sm text-muted-foreground" data-testid="thinking">
            <Avatar />
            <span className="animate-pulse">Thinking…</span>
          </div>
        )}
        {stopped && (
          <div className="flex items-center gap-3 pl-11 text-sm text-muted-foreground" data-testid="stopped-note" role="status">
            <CircleStop className="size-4" aria-hidden />
            <span>You stopped this reply.</span>
            <Button variant="outline" size="sm" onClick={stopped.onResend}>
              <RotateCcw aria-hidden /> Resend
            </Button>
          </div>
        )}
        {error && status === "error" && (
          <div role="alert" className="flex gap-3" data-testid="chat-error">
            <Avatar />
            <div className="flex-1 rounded-lg border border-destructive/40 bg-destructive/10 p-3 text-sm">
              <p className="flex items-center gap-2 font-medium text-destructive">
                <AlertCircle className="size-4" aria-hidden />
                {errorTitle(error)}
              </p>
              <p className="mt-1 text-foreground">{errorDetail(error)}</p>
              <Button variant="outline" size="sm" className="mt-3" onClick={onRetry}>
                <RotateCcw aria-hidden /> Retry
              </Button>
            </div>
          </div>
        )}
        <div ref={end} />
      </div>
    </section>
  );
}

const ERROR_TEXT: Record<ErrorKind, { title: string; detail?: string }> = {
  interrupted: {
    title: "The reply was interrupted",
    detail: "The server writing it stopped before it finished. Retry to ask again; your message is kept.",
  },
  "model-slow": { title: "The assistant took too long", detail: "Its language model didn't finish in time. Retry in a moment." },
  "rate-limited": { title: "Slow down a little", detail: "You're sending messages faster than the assistant can answer." },
  busy: { title: "The assistant is busy" },
  "model-busy": { title: "The assistant is busy", detail: "Its language model is rate-limited right now. Wait a moment, then retry." },
  "model-down": { title: "The assistant is unavailable", detail: "Its language model isn't answering. Your tasks are safe; retry in a moment." },
  offline: { title: "Can't reach the server", detail: "Check your connection, then retry." },
  "signed-out": { title: "You're signed out", detail: "Your session ended. Sign in again to keep chatting." },
  other: { title: "The reply didn't come through" },
};

function errorTitle(error: ApiError): string {
  return ERROR_TEXT[errorKind(error)].title;
}

function errorDetail(error: ApiError): string {
  const kind = errorKind(error);
  const base = ERROR_TEXT[kind].detail ?? error.message;
  if (kind === "rate-limited" && error.retryAfter) return `${base} Try again in ${error.retryAfter} seconds.`;
  return base;
}

function Avatar() {
  return (
    <span className="flex size-8 shrink-0 items-center justify-center rounded-full border bg-background" aria-hidden>
      <Bot className="size-4" />
    </span>
  );
}

function MessageView({ message }: { message: ChatMessage }) {
  if (message.role === "user") {
    const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
    return (
      <div className="flex justify-end" data-role="user">
        <p className="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl bg-primary px-4 py-2 text-sm text-primary-foreground">
          <span className="sr-only">You said: </span>
          {text}
        </p>
      </div>
    );
  }
  // A reply that failed before saying anything leaves an empty message; the error speaks for it.
  const visible = message.parts.some((p) => (p.type === "text" && p.text) || p.type === "dynamic-tool");
  if (!visible) return null;
  return (
    <div className="flex gap-3" data-role="assistant">
      <Avatar />
      <div className="flex min-w-0 flex-1 flex-col gap-2 pt-1">
        <span className="sr-only">Assistant:</span>
        {message.parts.map((part, i) => {
          if (part.type === "text") {
            return part.text ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: a message's parts only grow at the end, so a part's index is its identity.
              <div key={i} className="whitespace-pre-wrap break-words text-sm leading-relaxed" data-testid="assistant-text">
                <RichText text={part.text} />
              </div>
            ) : null;
          }
          if (part.type === "dynamic-tool") return <ToolCard key={part.toolCallId} part={part} />;
          return null;
        })}
      </div>
    </div>
  );
}

/** Just enough markdown for the assistant's replies: **bold** and `code`. */
function RichText({ text }: { text: string }) {
  const pieces = text.split(/(\*\*[^*]+\*\*|`[^`]+`)/g);
  return (
    <>
      {pieces.map((piece, i) =>
        piece.startsWith("**") && piece.endsWith("**") && piece.length > 4 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one fixed text have no identity but their place.
          <strong key={i}>{piece.slice(2, -2)}</strong>
        ) : piece.startsWith("`") && piece.endsWith("`") && piece.length > 2 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above, a piece's place is its identity.
          <code key={i} className={cn("rounded bg-muted px-1 py-0.5 font-mono text-[0.85em]")}>
            {piece.slice(1, -1)}
          </code>
        ) : (
          piece
        ),
      )}
    </>
  );
}

function Greeting({ onSuggestion }: { onSuggestion: (text: string) => void }) {
  return (
    <div className="mt-4 flex flex-col gap-4 sm:mt-12">
      <div>
        <h1 className="text-2xl font-semibold">What needs doing?</h1>
        <p className="mt-1 text-muted-foreground">Tell the assistant in your own words. It adds, lists, completes and updates your tasks.</p>
      </div>
      <div className="grid gap-2 sm:grid-cols-2">
        {SUGGESTIONS.map((s) => (
          <Button key={s} variant="outline" className="h-auto justify-start whitespace-normal py-3 text-left" onClick={() => onSuggestion(s)}>
            {s}
          </Button>
        ))}
      </div>
    </div>
  );
}
