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

/**
 * Parses a server-sent-events body into the JSON of each `data:` event and its `id:` (the chunk's
 * number in its turn, which a resume names); "[DONE]" ends it.
 */
async function* readNumberedEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ id?: number; chunk: UIMessageChunk }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  let id: number | undefined;
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
        if (payload) yield { id, chunk: JSON.parse(payload) as UIMessageChunk };
        id = undefined;
      } else if (line.startsWith("id:")) {
        id = Number(line.slice(3).trim());
      } else if (line.startsWith("data:")) {
        data.push(line.slice(5).replace(/^ /, ""));
      }
    }
  }
}

/** Parses a server-sent-events body into the JSON of each `data:` event ("[DONE]" ends it). */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<UIMessageChunk> {
  for await (const { chunk } of readNumberedEvents(body)) yield chunk;
}

const RESUME_ATTEMPTS = 4;

/** Folds one chunk into the assistant message being written (an error chunk is kept by the caller). */
/**
 * A turn that goes on from approvals answers calls asked in an earlier message (their output, or
 * their denial): those chunks go to the message that holds the call. Undefined when the chunk is
 * not such an answer, or no earlier message holds its call.
 */
export function applyToEarlier(messages: ChatMessage[], chunk: UIMessageChunk): ChatMessage[] | undefined {
  if (chunk.type !== "tool-output-available" && chunk.type !== "tool-output-error" && chunk.type !== "tool-output-denied") return undefined;
  const holds = (m: ChatMessage) => m.parts.some((p) => p.type === "dynamic-tool" && p.toolCallId === chunk.toolCallId);
  const at = messages.findLastIndex(holds);
  if (at < 0) return undefined;
  const next = [...messages];
  next[at] = applyChunk(messages[at]!, chunk, new Map());
  return next;
}

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
    case "tool-approval-request": {
      const part = tool(chunk.toolCallId);
      if (!part) return message;
      const approval = { id: chunk.approvalId, ...(chunk.approvalDescriptor != null ? { descriptor: chunk.approvalDescriptor } : {}) };
      return setTool({ type: "dynamic-tool", toolName: part.toolName, toolCallId: part.toolCallId, state: "approval-requested", input: part.input, approval });
    }
    case "tool-output-denied": {
      const part = tool(chunk.toolCallId);
      if (!part) return message;
      const approval = { ...part.approval, id: part.approval?.id ?? "", approved: false as const };
      return setTool({ type: "dynamic-tool", toolName: part.toolName, toolCallId: part.toolCallId, state: "output-denied", input: part.input, approval });
    }
    case "tool-output-available":
    case "tool-output-error": {
      const part = tool(chunk.toolCallId);
      if (!part) return message;
      // A call run once approved keeps its approval (the card says it was asked).
      const approval = part.approval ? { approval: { ...part.approval, id: part.approval.id, approved: true as const } } : {};
      return setTool(
        chunk.type === "tool-output-available"
          ? {
              type: "dynamic-tool",
              toolName: part.toolName,
              toolCallId: part.toolCallId,
              state: "output-available",
              input: part.input,
              output: chunk.output,
              ...approval,
            }
          : {
              type: "dynamic-tool",
              toolName: part.toolName,
              toolCallId: part.toolCallId,
              state: "output-error",
              input: part.input,
              errorText: chunk.errorText,
              ...approval,
            },
      );
    }
    default:
      // Tool input deltas (the card shows the tool's name, not its partial input), sources, files, data parts, aborts.
      return message;
  }
}

/**
 * A new message lets the approvals still asked expire (the server records them so): their cards
 * stop asking, as they read after a reload.
 */
export function expireApprovals(messages: ChatMessage[]): ChatMessage[] {
  const asking = (p: Part) => p.type === "dynamic-tool" && p.state === "approval-requested";
  return messages.map((m) =>
    m.parts.some(asking)
      ? {
          ...m,
          parts: m.parts.map((p) =>
            p.type === "dynamic-tool" && p.state === "approval-requested"
              ? {
                  ...p,
                  state: "output-denied" as const,
                  approval: { ...p.approval, approved: false as const, descriptor: { ...(p.approval.descriptor as object), state: "expired" } },
                }
              : p,
          ),
        }
      : m,
  );
}

/** Unique enough for React keys; crypto.randomUUID needs a secure context, and plain-http deploys aren't one. */
function newId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

type Finish = { message: ChatMessage; isError: boolean; isAbort: boolean };

/** How a conversation's latest turn stands, as the API tells it (TurnStatus in @todo/contracts). */
export type TurnInfo = { id: string; state: "running" | "done" | "failed" | "interrupted" | "stopped"; errorCode?: string };

/** What a stored turn that did not finish shows: the reply was interrupted (its server died) or failed. */
function endedBadly(turn: TurnInfo | null | undefined): ApiError | undefined {
  if (turn?.state === "interrupted") {
    return new ApiError(0, "interrupted", "The reply was interrupted before it finished. Retry to ask again; your message is kept.");
  }
  if (turn?.state === "failed") {
    return new ApiError(0, turn.errorCode ?? "model_unavailable", "The reply didn't come through.");
  }
  return undefined;
}

/**
 * useChat's shape, for one conversation: `sendMessage` adds the person's message and makes the
 * request; the reply streams into `messages`, rendered at most every `throttleMs`. Stopping keeps
 * what arrived (status "ready"); a failed request or an error chunk sets `error` (status "error").
 *
 * The turn belongs to the server: when the stream drops mid-reply, `resume` asks for the chunks
 * after the last one received (from whichever replica answers) and the reply goes on; when nothing
 * is left to resume (204), `reload` gives the stored conversation and it is shown as it ended. A
 * page opened while a turn runs (`initialTurn` running) picks the reply up the same way.
 */
export function useChatStream({
  initialMessages,
  initialTurn,
  request,
  resume,
  respond,
  reload,
  onFinish,
  throttleMs = 50,
}: {
  initialMessages: ChatMessage[];
  /** The conversation's latest turn when the page was made. */
  initialTurn?: TurnInfo | null;
  /**
   * Makes the request for the conversation so far (its last message is the person's). `retry`: it
   * asks again for the answer to a message already sent (regenerate), which the server may have stored.
   */
  request: (messages: ChatMessage[], signal: AbortSignal, options?: { retry: boolean }) => Promise<Response>;
  /** GET /api/chat/{id}/stream?after=…: the running turn's chunks after `after`; 204 when none runs. */
  resume?: (after: number, signal: AbortSignal) => Promise<Response> | undefined;
  /** POST the answers to the last reply's approvals: the turn that goes on from them (a UI-message stream). */
  respond?: (answers: { id: string; approved: boolean; reason?: string }[], signal: AbortSignal) => Promise<Response>;
  /** The stored conversation (its latest messages) and its latest turn. */
  reload?: () => Promise<{ messages: ChatMessage[]; turn: TurnInfo | null } | undefined>;
  onFinish: (finish: Finish) => void;
  throttleMs?: number;
}) {
  const resuming = initialTurn?.state === "running";
  const [messages, setMessages] = useState(() => (resuming ? initialMessages.filter((m) => m.id !== initialTurn.id) : initialMessages));
  const [status, setStatus] = useState<ChatStatus>(() => (endedBadly(initialTurn) ? "error" : resuming ? "submitted" : "ready"));
  const [error, setError] = useState<ApiError | undefined>(() => endedBadly(initialTurn));
  const current = useRef(messages);
  const abort = useRef<AbortController | null>(null);
  const latest = useRef({ request, onFinish, resume, respond, reload });
  latest.current = { request, onFinish, resume, respond, reload };

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

  /**
   * Reads a turn's stream into the conversation: from `open` (a new turn's request, or a resume),
   * then, if the connection drops before the turn's end, from resumes.
   */
  const run = useCallback(
    async (conversation: ChatMessage[], open: (signal: AbortSignal) => Promise<Response> | undefined) => {
      const controller = new AbortController();
      abort.current = controller;
      current.current = conversation;
      setMessages(conversation);
      setError(undefined);
      setStatus("submitted");
      let message: ChatMessage = { id: newId(), role: "assistant", parts: [] };
      /** The conversation before this reply (a turn going on from approvals updates the cards in it). */
      let before = conversation;
      let written = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const flush = () => {
        timer = undefined;
        setMessages(current.current);
      };
      let isError = false;
      let isAbort = false;
      /** The number of the last chunk applied: a resume asks for those after it, so none comes twice. */
      let lastSeq = -1;
      let ended = false;
      let streamError: string | undefined;
      const textParts = new Map<string, TextPart>();
      /** Reads a stream until it ends; a dropped connection just returns (the turn goes on, resumable). */
      const consume = async (body: ReadableStream<Uint8Array>) => {
        try {
          for await (const { id, chunk } of readNumberedEvents(body)) {
            if (id !== undefined) {
              if (id <= lastSeq) continue;
              lastSeq = id;
            }
            if (chunk.type === "finish" || chunk.type === "abort") ended = true;
            if (chunk.type === "error") {
              streamError = chunk.errorText;
              ended = true;
            }
            const earlier = message.parts.some((p) => p.type === "dynamic-tool" && "toolCallId" in chunk && p.toolCallId === chunk.toolCallId)
              ? undefined
              : applyToEarlier(before, chunk);
            if (earlier) before = earlier;
            else message = applyChunk(message, chunk, textParts);
            current.current = [...before, message];
            if (!written) {
              written = true;
              setStatus("streaming");
              flush();
            } else {
              timer ??= setTimeout(flush, throttleMs);
            }
          }
        } catch (err) {
          if (controller.signal.aborted) throw err;
        }
      };
      /** Nothing left to resume: show the conversation as stored, and say so if the turn ended badly. */
      const settleFromStore = async () => {
        const stored = await latest.current.reload?.().catch(() => undefined);
        if (!stored) throw networkError();
        current.current = stored.messages;
        message = stored.messages.at(-1)?.role === "assistant" ? stored.messages.at(-1)! : message;
        const bad = endedBadly(stored.turn);
        if (bad) throw bad;
      };
      try {
        const res = await Promise.resolve(open(controller.signal)).catch((err: unknown) => {
          throw controller.signal.aborted ? err : networkError();
        });
        if (!res || res.status === 204) {
          await settleFromStore();
        } else {
          if (!res.ok) throw toApiError(res.status, await res.text(), Number(res.headers.get("retry-after")) || undefined);
          if (!res.body) throw new ApiError(res.status, "internal_error", "The response body is empty.");
          // From here the turn is the server's: a dropped connection is resumed, not reported.
          await consume(res.body);
          for (let attempt = 1; !ended && !controller.signal.aborted; attempt++) {
            if (attempt > RESUME_ATTEMPTS) throw networkError();
            await new Promise((r) => setTimeout(r, 250 * attempt));
            let again: Response | undefined;
            try {
              again = await latest.current.resume?.(lastSeq, controller.signal);
            } catch {
              continue; // the network is still down; try again
            }
            if (!again || again.status === 204) {
              await settleFromStore();
              break;
            }
            if (again.ok && again.body) await consume(again.body);
          }
        }
        if (streamError !== undefined) throw new ApiError(0, message.metadata?.error?.code ?? "internal_error", streamError);
        if (controller.signal.aborted) isAbort = true;
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

  // A page opened while its turn runs: pick the reply up from its start (once, on arrival).
  // biome-ignore lint/correctness/useExhaustiveDependencies: once on mount by design; a later change of `resuming` or `run` must not start a second resume.
  useEffect(() => {
    if (resuming) void run(current.current, (signal) => latest.current.resume?.(-1, signal));
  }, []);

  const sendMessage = useCallback(
    (text: string) =>
      run([...expireApprovals(current.current), { id: newId(), role: "user", parts: [{ type: "text", text }] }], (signal) =>
        latest.current.request(current.current, signal),
      ),
    [run],
  );

  /** Asks again for the last reply: drops it (if any) and resends the person's last message, as a retry. */
  const regenerate = useCallback(() => {
    const messages = current.current;
    const conversation = messages[messages.length - 1]?.role === "assistant" ? messages.slice(0, -1) : messages;
    return run(conversation, (signal) => latest.current.request(conversation, signal, { retry: true }));
  }, [run]);

  const stop = useCallback(() => abort.current?.abort(), []);
  const clearError = useCallback(() => {
    setError(undefined);
    setStatus((s) => (s === "error" ? "ready" : s));
  }, []);

  /**
   * useChat's addToolApprovalResponse: answers an approval of the last reply. Once every approval
   * of it is answered (useChat's lastAssistantMessageIsCompleteWithApprovalResponses), the answers
   * go to the server (`respond`) and the reply goes on from them; nothing ran before.
   */
  const addToolApprovalResponse = useCallback(
    ({ id, approved, reason }: { id: string; approved: boolean; reason?: string }) => {
      const messages = current.current;
      const last = messages[messages.length - 1];
      if (last?.role !== "assistant" || abort.current) return;
      const parts = last.parts.map((p) =>
        p.type === "dynamic-tool" && p.state === "approval-requested" && p.approval.id === id
          ? { ...p, state: "approval-responded" as const, approval: { ...p.approval, approved, ...(reason ? { reason } : {}) } }
          : p,
      );
      const conversation = [...messages.slice(0, -1), { ...last, parts }];
      current.current = conversation;
      setMessages(conversation);
      if (parts.some((p) => p.type === "dynamic-tool" && p.state === "approval-requested")) return;
      const answers = parts.flatMap((p) =>
        p.type === "dynamic-tool" && p.state === "approval-responded"
          ? [{ id: p.approval.id, approved: p.approval.approved, ...(p.approval.reason ? { reason: p.approval.reason } : {}) }]
          : [],
      );
      if (answers.length === 0) return;
      return run(conversation, (signal) => latest.current.respond?.(answers, signal));
    },
    [run],
  );

  /** Older stored messages, put before the ones shown (the conversation is read a page at a time). */
  const prependMessages = useCallback((older: ChatMessage[]) => {
    const known = new Set(current.current.map((m) => m.id));
    current.current = [...older.filter((m) => !known.has(m.id)), ...current.current];
    setMessages(current.current);
  }, []);

  return { messages, status, error, sendMessage, regenerate, stop, clearError, prependMessages, addToolApprovalResponse };
}
