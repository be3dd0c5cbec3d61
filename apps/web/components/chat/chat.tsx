"use client";
/**
 * One conversation with the assistant. The reply streams in over the AI SDK UI message stream
 * (lib/chat-stream.ts); the server keeps the history, so each request carries only the new
 * message, the conversation id and the person's time zone.
 */
import { useRef, useState } from "react";
import type { Conversation } from "@todo/contracts";
import { MUTATING_TOOLS, succeeded, toUIMessages, type ChatMessage } from "@/lib/chat-messages";
import { useChatStream, type TurnInfo } from "@/lib/chat-stream";
import { announceTasksChanged } from "@/lib/tasks-sync";
import { useConversations } from "./chat-shell";
import { ChatInput } from "./chat-input";
import { Messages } from "./messages";

function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === "user") return m.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
  }
  return "";
}

/** The code of an error response (read from a copy, so the body stays readable). */
async function errorCodeOf(res: Response): Promise<string | undefined> {
  try {
    return ((await res.clone().json()) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

function changedTasks(message: ChatMessage): boolean {
  return message.parts.some((p) => p.type === "dynamic-tool" && succeeded(p) && MUTATING_TOOLS.has(p.toolName));
}

export function Chat({
  conversationId: initialConversationId,
  initialMessages,
  initialHasOlder = false,
  initialTurn = null,
  messageMax,
}: {
  /** From @todo/contracts, passed by the server page so zod's schemas stay off the client. */
  messageMax: number;
  conversationId: string | null;
  /** The latest stored messages (a page); `initialHasOlder` says whether there are older ones. */
  initialMessages: ChatMessage[];
  initialHasOlder?: boolean;
  /** The conversation's latest turn: a running one is picked up where it is. */
  initialTurn?: TurnInfo | null;
}) {
  const { refresh } = useConversations();
  const conversationId = useRef<string | null>(initialConversationId);
  /** Named by the response before the reply is done. */
  const offeredConversationId = useRef<string | null>(null);
  const activeConversationId = () => offeredConversationId.current ?? conversationId.current;
  const [input, setInput] = useState("");
  const inputRef = useRef<HTMLTextAreaElement>(null);
  /** The reply the person stopped (its partial text stays, with a note and Resend); also one stopped before a reload. */
  const [stopped, setStopped] = useState(initialTurn?.state === "stopped");

  const adoptConversation = (id: string | undefined | null) => {
    if (!id || conversationId.current === id) return;
    conversationId.current = id;
    // Like vercel/ai-chatbot: the URL follows the new conversation without a navigation.
    window.history.replaceState(null, "", `/chat/${id}`);
  };

  /** Whether the turn now running goes on from an approval: the tasks it changed are in an earlier message. */
  const approvedChange = useRef(false);

  /** POST /api/chat/stream for this conversation: the person's message, or their answers to approvals. */
  async function post(body: { message: string; retry?: boolean } | { approvals: { id: string; approved: boolean; reason?: string }[] }, signal: AbortSignal) {
    const send = () =>
      fetch("/api/chat/stream", {
        method: "POST",
        headers: { "content-type": "application/json" },
        credentials: "same-origin",
        signal,
        body: JSON.stringify({
          ...body,
          ...(conversationId.current ? { conversationId: conversationId.current } : {}),
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        }),
      });
    let res = await send();
    // A replica that is shutting down refused the turn before storing anything (503 draining):
    // the next try lands on one that stays.
    for (let i = 0; i < 3 && res.status === 503 && (await errorCodeOf(res)) === "draining"; i++) {
      await new Promise((r) => setTimeout(r, (Number(res.headers.get("retry-after")) || 1) * 1000));
      res = await send();
    }
    offeredConversationId.current = res.headers.get("x-conversation-id");
    // A stream is offered only once the person's message and the turn are stored: the turn is the
    // server's from here, so the URL names it at once (a reload mid-reply comes back to it).
    if (res.ok) adoptConversation(offeredConversationId.current);
    return res;
  }

  const { messages, sendMessage, status, error, regenerate, stop, clearError, prependMessages, addToolApprovalResponse } = useChatStream({
    initialMessages,
    initialTurn,
    // A retry names itself: the server answers the message it stored rather than storing it twice.
    request: (messages, signal, options) => post({ message: lastUserText(messages), ...(options?.retry ? { retry: true } : {}) }, signal),
    respond: (approvals, signal) => {
      if (approvals.some((a) => a.approved)) approvedChange.current = true;
      return post({ approvals }, signal);
    },
    resume: (after, signal) => {
      const id = activeConversationId();
      if (!id) return undefined;
      return fetch(`/api/chat/${encodeURIComponent(id)}/stream?after=${after}`, { credentials: "same-origin", cache: "no-store", signal });
    },
    reload: async () => {
      const id = activeConversationId();
      if (!id) return undefined;
      const res = await fetch(`/api/conversations/${encodeURIComponent(id)}`, { credentials: "same-origin", cache: "no-store" });
      if (!res.ok) return undefined;
      const stored = (await res.json()) as Conversation;
      return { messages: toUIMessages(stored.messages), turn: stored.turn };
    },
    onFinish: ({ message, isAbort }) => {
      if (isAbort) setStopped(true);
      if (changedTasks(message) || approvedChange.current) announceTasksChanged();
      approvedChange.current = false;
      // A stream is offered only once the person's message is stored: even a turn that failed then
      // belongs to that conversation, and a retry continues it.
      adoptConversation(message.metadata?.conversationId ?? offeredConversationId.current);
      offeredConversationId.current = null;
      void refresh();
    },
  });

  const busy = status === "submitted" || status === "streaming";

  // Older messages, a page at a time, when the person scrolls to the top.
  const [hasOlder, setHasOlder] = useState(initialHasOlder);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const oldestStoredId = useRef<string | undefined>(initialMessages[0]?.id);
  async function loadOlder() {
    const id = conversationId.current;
    if (!id || !hasOlder || loadingOlder || !oldestStoredId.current) return;
    setLoadingOlder(true);
    try {
      const res = await fetch(`/api/conversations/${encodeURIComponent(id)}?before=${encodeURIComponent(oldestStoredId.current)}`, {
        credentials: "same-origin",
      });
      if (!res.ok) return;
      const page = (await res.json()) as Conversation;
      oldestStoredId.current = page.messages[0]?.id ?? oldestStoredId.current;
      prependMessages(toUIMessages(page.messages));
      setHasOlder(page.hasOlder);
    } finally {
      setLoadingOlder(false);
    }
  }

  function send(text: string) {
    const message = text.trim();
    if (!message || busy) return;
    if (error) clearError();
    setStopped(false);
    setInput("");
    void sendMessage(message);
    // The cursor stays in the box (also after a suggestion chip took the click).
    inputRef.current?.focus();
  }

  function resend() {
    if (busy) return;
    setStopped(false);
    void regenerate();
    inputRef.current?.focus();
  }

  /** Stop ends the turn where it runs (whichever replica), not just this page's reading of it. */
  function stopTurn() {
    stop();
    setStopped(true);
    // The Stop button goes away under the cursor: the box keeps it, ready for the next message.
    inputRef.current?.focus();
    const id = activeConversationId();
    if (id) void fetch(`/api/chat/${encodeURIComponent(id)}/stop`, { method: "POST", credentials: "same-origin" }).catch(() => undefined);
  }

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <Messages
        messages={messages}
        status={status}
        error={error}
        onRetry={() => {
          clearError();
          void regenerate();
        }}
        onSuggestion={send}
        stopped={stopped && !busy ? { onResend: resend } : undefined}
        onApproval={busy ? undefined : (answer) => void addToolApprovalResponse(answer)}
        older={hasOlder ? { load: loadOlder, loading: loadingOlder } : undefined}
      />
      <div className="mx-auto w-full max-w-3xl px-3 pb-3 sm:px-4 sm:pb-4">
        <ChatInput value={input} onChange={setInput} onSubmit={() => send(input)} onStop={stopTurn} busy={busy} maxLength={messageMax} inputRef={inputRef} />
      </div>
    </div>
  );
}
