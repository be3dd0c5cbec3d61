/**
 * The browser's side of the chat stream: posts a turn and folds the AI SDK UI message stream (SSE)
 * the API answers with into UI messages. It stands in for @ai-sdk/react's useChat, whose runtime
 * (the `ai` package's chat class, its chunk validation and zod with it) was about 65 KB gzip of the
 * chat page's first load; the stream comes from our own API, so its chunks are trusted as typed.
 * The chunk types come from `ai`, so a protocol change fails to compile here. Errors are ApiErrors
 * with a code from the contracts: an HTTP error body's, or a stream error part's (its message is the
 * part's text, its code the message metadata that follows it).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatStatus, DynamicToolUIPart, UIMessageChunk } from "ai";
import { ApiError, networkError, toApiError } from "./api.client";
import type { ChatMessage } from "./chat-messages";

type Part = ChatMessage["parts"][number];
type TextPart = Extract<Part, { type: "text" | "reasoning" }>;

/** Parses a server-sent-events body into the JSON of each `data:` event ("[DONE]" ends it). */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<UIMessageChunk> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      if (line === "") {
        const payload = data.join("\n");
        data = [];
        if (payload === "[DONE]") return;
        if (payload) yield JSON.parse(payload) as UIMessageChunk;
      } else if (line.startsWith("data:")) {
        data.push(line.slice(5).replace(/^ /, ""));
      }
    }
  }
}

/** Folds one chunk into the assistant message being written (an error chunk is kept by the caller). */
export function applyChunk(message: ChatMessage, chunk: UIMessageChunk, open: Map<string, TextPart>): ChatMessage {
  const tool = (id: string) => message.parts.find((p): p is DynamicToolUIPart => p.type === "dynamic-tool" && p.toolCallId === id);
  const setTool = (next: DynamicToolUIPart) => {
    const i = message.parts.findIndex((p) => p.type === "dynamic-tool" && p.toolCallId === next.toolCallId);
    const parts = [...message.parts];
    if (i >= 0) parts[i] = next;
    else parts.push(next);
    return { ...message, parts };
  };
  const withMetadata = (metadata: unknown) =>
    metadata == null ? message : { ...message, metadata: { ...message.metadata, ...(metadata as ChatMessage["metadata"]) } };

  switch (chunk.type) {
    case "start": {
      const next = withMetadata(chunk.messageMetadata);
      return chunk.messageId ? { ...next, id: chunk.messageId } : next;
    }
    case "finish":
    case "message-metadata":
      return withMetadata(chunk.messageMetadata);
    case "start-step":
      return { ...message, parts: [...message.parts, { type: "step-start" }] };
    case "finish-step":
      open.clear();
      return message;
    case "text-start":
    case "reasoning-start": {
      const part: TextPart = { type: chunk.type === "text-start" ? "text" : "reasoning", text: "", state: "streaming" };
      open.set(chunk.id, part);
      return { ...message, parts: [...message.parts, part] };
    }
    case "text-delta":
    case "reasoning-delta":
    case "text-end":
    case "reasoning-end": {
      const part = open.get(chunk.id);
      if (!part) return message;
      const next: TextPart = "delta" in chunk ? { ...part, text: part.text + chunk.delta } : { ...part, state: "done" };
      open.set(chunk.id, next);
      return { ...message, parts: message.parts.map((p) => (p === part ? next : p)) };
    }
    case "tool-input-start":
      return setTool({ type: "dynamic-tool", toolName: chunk.toolName, toolCallId: chunk.toolCallId, state: "input-streaming", input: undefined });
    case "tool-input-available":
      return setTool({ type: "dynamic-tool", toolName: chunk.toolName, toolCallId: chunk.toolCallId, state: "input-available", input: chunk.input });
    case "tool-input-error":
      return setTool({
        type: "dynamic-tool",
        toolName: chunk.toolName,
        toolCallId: chunk.toolCallId,
        state: "output-error",
        input: chunk.input,
        errorText: chunk.errorText,
      });
    case "tool-output-available":
    case "tool-output-error": {
      const part = tool(chunk.toolCallId);
      if (!part) return message;
      return setTool(
        chunk.type === "tool-output-available"
          ? { type: "dynamic-tool", toolName: part.toolName, toolCallId: part.toolCallId, state: "output-available", input: part.input, output: chunk.output }
          : { type: "dynamic-tool", toolName: part.toolName, toolCallId: part.toolCallId, state: "output-error", input: part.input, errorText: chunk.errorText },
      );
    }
    default:
      // Tool input deltas (the card shows the tool's name, not its partial input), sources, files, data parts, aborts.
      return message;
  }
}

/** Unique enough for React keys; crypto.randomUUID needs a secure context, and plain-http deploys aren't one. */
function newId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

type Finish = { message: ChatMessage; isError: boolean; isAbort: boolean };

/**
 * useChat's shape, for one conversation: `sendMessage` adds the person's message and makes the
 * request; the reply streams into `messages`, rendered at most every `throttleMs`. Stopping keeps
 * what arrived (status "ready"); a failed request or an error chunk sets `error` (status "error").
 */
export function useChatStream({
  initialMessages,
  request,
  onFinish,
  throttleMs = 50,
}: {
  initialMessages: ChatMessage[];
  /** Makes the request for the conversation so far (its last message is the person's). */
  request: (messages: ChatMessage[], signal: AbortSignal) => Promise<Response>;
  onFinish: (finish: Finish) => void;
  throttleMs?: number;
}) {
  const [messages, setMessages] = useState(initialMessages);
  const [status, setStatus] = useState<ChatStatus>("ready");
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const current = useRef(initialMessages);
  const abort = useRef<AbortController | null>(null);
  const latest = useRef({ request, onFinish });
  latest.current = { request, onFinish };

  // Leaving the page stops reading (the server still finishes and stores the turn); a chat that
  // is gone reports nothing, or its URL change would land on whatever page is open now.
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      abort.current?.abort();
    };
  }, []);

  const run = useCallback(
    async (conversation: ChatMessage[]) => {
      const controller = new AbortController();
      abort.current = controller;
      current.current = conversation;
      setMessages(conversation);
      setError(undefined);
      setStatus("submitted");
      let message: ChatMessage = { id: newId(), role: "assistant", parts: [] };
      let written = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const flush = () => {
        timer = undefined;
        setMessages(current.current);
      };
      let isError = false;
      let isAbort = false;
      try {
        const res = await latest.current.request(conversation, controller.signal).catch((err: unknown) => {
          throw controller.signal.aborted ? err : networkError();
        });
        if (!res.ok) throw toApiError(res.status, await res.text(), Number(res.headers.get("retry-after")) || undefined);
        if (!res.body) throw new ApiError(res.status, "internal_error", "The response body is empty.");
        const open = new Map<string, TextPart>();
        let streamError: string | undefined;
        for await (const chunk of readEvents(res.body)) {
          if (chunk.type === "error") streamError = chunk.errorText;
          message = applyChunk(message, chunk, open);
          current.current = [...conversation, message];
          if (!written) {
            written = true;
            setStatus("streaming");
            flush();
          } else {
            timer ??= setTimeout(flush, throttleMs);
          }
        }
        if (streamError !== undefined) throw new ApiError(0, message.metadata?.error?.code ?? "internal_error", streamError);
        setStatus("ready");
      } catch (err) {
        if (controller.signal.aborted) {
          isAbort = true;
          setStatus("ready");
        } else {
          isError = true;
          setError(err instanceof ApiError ? err : new ApiError(0, "internal_error", err instanceof Error ? err.message : String(err)));
          setStatus("error");
        }
      } finally {
        clearTimeout(timer);
        flush();
        if (abort.current === controller) abort.current = null;
        if (mounted.current) latest.current.onFinish({ message, isError, isAbort });
      }
    },
    [throttleMs],
  );

  const sendMessage = useCallback(
    (text: string) => run([...current.current, { id: newId(), role: "user", parts: [{ type: "text", text }] }]),
    [run],
  );

  /** Asks again for the last reply: drops it (if any) and resends the person's last message. */
  const regenerate = useCallback(() => {
    const messages = current.current;
    return run(messages[messages.length - 1]?.role === "assistant" ? messages.slice(0, -1) : messages);
  }, [run]);

  const stop = useCallback(() => abort.current?.abort(), []);
  const clearError = useCallback(() => {
    setError(undefined);
    setStatus((s) => (s === "error" ? "ready" : s));
  }, []);

  /** Older stored messages, put before the ones shown (the conversation is read a page at a time). */
  const prependMessages = useCallback((older: ChatMessage[]) => {
    const known = new Set(current.current.map((m) => m.id));
    current.current = [...older.filter((m) => !known.has(m.id)), ...current.current];
    setMessages(current.current);
  }, []);

  return { messages, status, error, sendMessage, regenerate, stop, clearError, prependMessages };
}
