"use client";
/** The message box: Enter sends, Shift+Enter adds a line, the box grows with its text. */
import { useEffect, useRef, type RefObject } from "react";
import { ArrowUp, Square } from "lucide-react";
import { Button } from "@/components/ui/button";

export function ChatInput({
  value,
  onChange,
  onSubmit,
  onStop,
  busy,
  maxLength,
  inputRef,
}: {
  /** The text box, so the chat can keep the cursor in it (after Stop, after a suggestion). */
  inputRef?: RefObject<HTMLTextAreaElement | null>;
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  onStop: () => void;
  busy: boolean;
  maxLength: number;
}) {
  const ownRef = useRef<HTMLTextAreaElement>(null);
  const ref = inputRef ?? ownRef;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the box grows with its text; the ref is stable.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [value]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on arrival.
  useEffect(() => {
    ref.current?.focus();
  }, []);

  return (
    <form
      className="relative flex items-end gap-2 rounded-xl border border-input bg-background p-2 shadow-sm focus-within:ring-2 focus-within:ring-ring"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <label htmlFor="chat-input" className="sr-only">
        Message the assistant
      </label>
      <textarea
        id="chat-input"
        ref={ref}
        rows={1}
        value={value}
        maxLength={maxLength}
        placeholder="Ask me to add, find or finish a task…"
        aria-describedby="chat-input-hint"
        className="max-h-[200px] min-h-10 flex-1 resize-none bg-transparent px-2 py-2 text-base text-foreground placeholder:text-muted-foreground focus:outline-none sm:text-sm"
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            onSubmit();
          }
        }}
      />
      <span id="chat-input-hint" className="sr-only">
        Enter sends, Shift+Enter starts a new line.
      </span>
      {busy ? (
        <Button type="button" size="icon" variant="outline" className="rounded-full" onClick={onStop} aria-label="Stop the reply">
          <Square className="fill-current" aria-hidden />
        </Button>
      ) : (
        <Button type="submit" size="icon" className="rounded-full" disabled={!value.trim()} aria-label="Send message">
          <ArrowUp aria-hidden />
        </Button>
      )}
    </form>
  );
}
