"use client";
/**
 * One conversation with the assistant. The reply streams in over the AI SDK UI message stream
 * (lib/chat-stream.ts); the server keeps the history, so each request carries only the new
 * message, the conversation id and the person's time zone.
 */
import { useRef, useState } from "react";
import type { Conversation } from "@todo/contracts";
import { MUTATING_TOOLS, succeeded, toUIMessages, type ChatMessage } from "@/lib/chat-messages";
import { useChatStream } from "@/lib/chat-stream";
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

function changedTasks(message: ChatMessage): boolean {
  return message.parts.some((p) => p.type === "dynamic-tool" && succeeded(p) && MUTATING_TOOLS.has(p.toolName));
}

export function Chat({
  conversationId: initialConversationId,
  initialMessages,
  initialHasOlder = false,
  messageMax,
}: {
  /** From @todo/contracts, passed by the server page so zod's schemas stay off the client. */
  messageMax: number;
  conversationId: string | null;
  /** The latest stored messages (a page); `initialHasOlder` says whether there are older ones. */
  initialMessages: ChatMessage[];
  initialHasOlder?: boolean;
}) {
  const { refresh } = useConversations();
  const conversationId = useRef<string | null>(initialConversationId);
  /** Named by the response before the reply is done; adopted only once the turn was stored. */
  const offeredConversationId = useRef<string | null>(null);
  const [input, setInput] = useState("");

  const adoptConversation = (id: string | undefined | null) => {
    if (!id || conversationId.current === id) return;
    conversationId.current = id;
    // Like vercel/ai-chatbot: the URL follows the new conversation without a navigation.
    window.history.replaceState(null, "", `/chat/${id}`);
  };

  const { messages, sendMessage, status, error, regenerate, stop, clearError, prependMessages } = useChatStream({
    initialMessages,
    request: async (messages, signal) => {
      const res = await fetch("/api/chat/stream", {
        method: "POST",
        headers: { "content-type": "application/json" },
        credentials: "same-origin",
        signal,
        body: JSON.stringify({
          message: lastUserText(messages),
          ...(conversationId.current ? { conversationId: conversationId.current } : {}),
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        }),
      });
      offeredConversationId.current = res.headers.get("x-conversation-id");
      return res;
    },
    onFinish: ({ message }) => {
      if (changedTasks(message)) announceTasksChanged();
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
    setInput("");
    void sendMessage(message);
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
        older={hasOlder ? { load: loadOlder, loading: loadingOlder } : undefined}
      />
      <div className="mx-auto w-full max-w-3xl px-3 pb-3 sm:px-4 sm:pb-4">
        <ChatInput value={input} onChange={setInput} onSubmit={() => send(input)} onStop={stop} busy={busy} maxLength={messageMax} />
      </div>
    </div>
  );
}
