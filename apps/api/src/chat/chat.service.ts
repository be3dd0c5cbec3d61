/**
 * The assistant. Stateless between requests: each turn loads the conversation from the database,
 * stores the person's message, builds the caller's MCP server (bound to their user id), runs the
 * model with those tools for a few steps, records each tool call as it completes, and stores the
 * reply at the end. A turn that fails still leaves the message and what its tools did in the
 * history, so the history never hides a change that happened.
 */
import { DEFAULT_TIME_ZONE } from "../settings/settings.repository.ts";
import { localDateTime } from "../tasks/tasks.time.ts";
import { randomUUID } from "node:crypto";
import {
  APICallError,
  InvalidToolInputError,
  NoSuchToolError,
  RetryError,
  stepCountIs,
  streamText,
  type AssistantContent,
  type LanguageModel,
  type ModelMessage,
  type ToolContent,
  type StepResult,
  type ToolSet,
} from "ai";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type {
  ChatRequest,
  ChatResponse,
  Conversation,
  ConversationQuery,
  ConversationSummary,
  ErrorPayload,
  PendingApproval,
  ToolApproval,
  ToolCall,
} from "@todo/contracts";
import { CHAT_LIMITS } from "@todo/contracts/constants";
import { toStorableText } from "@todo/contracts";
import type { Database } from "../db/client.ts";
import { DomainError, notFound } from "../domain-error.ts";
import { describeError } from "../http/errors.ts";
import type { Logger } from "../logger.ts";
import { createMcpServer, type ToolDefinition } from "../mcp/mcp.server.ts";
import { previewApproval, type ApprovalPreview } from "../mcp/mcp.approval.ts";
import type { TaskService } from "../tasks/tasks.service.ts";
import type { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { TurnLimiter } from "./chat.limits.ts";
import { STREAM_HEADERS, TurnRunner, type ListenFn } from "./chat.turns.ts";
import { TurnRepository } from "./turns.repository.ts";
import { connectTools, toToolCall } from "./chat.tools.ts";
import { ConversationRepository, toMessage, toSummary, type DecidedApprovals, type HistoryRow, type TurnSlot } from "./conversations.repository.ts";
import { formatter, localDate } from "./offline/offline.dates.ts";

/** How much history the model sees: the latest messages (a turn is two). */
export const HISTORY_LIMIT = 50;
/**
 * Of those, the latest turns whose tool calls the model sees too. Older turns keep what was said
 * (the replies already tell what the tools found): tasks have moved on since, and each tool
 * transcript costs a real model tokens on every turn and the SDK's prompt validation ~60 µs.
 */
export const TOOL_HISTORY_TURNS = 5;
const MAX_STEPS = 5;
/** One retry of a failed model call: a person is waiting, so fail fast and let them retry. */
const MAX_RETRIES = 1;

export function systemPrompt(now: Date, timeZone: string): string {
  const today = localDate(now, timeZone);
  const weekday = formatter("weekday", timeZone).format(now);
  return [
    "You are the Todo Chatbot assistant. You manage the signed-in person's todo list, and only through your tools:",
    "add_task, list_tasks, complete_task, delete_task, update_task, update_tasks (every task a filter selects) and undo",
    "(reverts your last change in this conversation; deleted tasks stay restorable). Always call a tool to read or change tasks;",
    "never invent tasks or claim a change you did not make. Refer to tasks by their number (#3). When the person",
    "names a task by words, pass those words as `match`. Dates are YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time, in the",
    "person's local time. A repeating task takes `repeat`, an RFC 5545 RRULE (FREQ=WEEKLY;BYDAY=MO,TH); null stops it.",
    "The person sees each list_tasks result as a card with the tasks on it: do not list them again;",
    "sum them up in a sentence instead (for example “5 due this week, 2 overdue”).",
    `Today is ${weekday} ${today}, now ${localDateTime(now, timeZone).time} (time zone ${timeZone}). Keep replies short and friendly.`,
    "The person sees each list_tasks result as a card with the tasks on it: do not list them again;",
    "sum them up in a sentence instead (for example “5 due this week, 2 overdue”).",
  ].join(" ");
}

/** A stored call's id in the model's messages: an approval keeps the id its stream gave it (the web app's card is found by it). */
const callId = (row: HistoryRow, call: HistoryRow["toolCalls"][number], i: number) => call.approval?.toolCallId ?? `${row.id}-${i}`;

/**
 * Stored history as model messages, so a resumed chat has context: every message, and the tool calls
 * (with their answers) of the latest TOOL_HISTORY_TURNS turns, or of a reply that has no text.
 *
 * A call that waited for approval reads as what became of it: its answer once it ran, or
 * "execution denied" (declined, or never answered). The approvals being answered now (`answering`,
 * the last reply's) read as the AI SDK's tool-approval-request and tool-approval-response, last, so
 * the SDK runs the approved calls and tells the model of the declined ones.
 */
export function toModelMessages(rows: HistoryRow[], answering: ReadonlySet<string> = new Set()): ModelMessage[] {
  const out: ModelMessage[] = [];
  const recent = new Set(rows.filter((row) => row.role === "assistant").slice(-TOOL_HISTORY_TURNS));
  for (const row of rows) {
    if (row.role === "user") {
      out.push({ role: "user", content: row.content });
      continue;
    }
    const asks = row.toolCalls.some((tc) => tc.approval && answering.has(tc.approval.id));
    if (row.toolCalls.length > 0 && (recent.has(row) || !row.content || asks)) {
      const calls: AssistantContent = [];
      const results: ToolContent = [];
      const responses: ToolContent = [];
      // What the reply said goes before its calls when they are being answered: the answers come last.
      if (asks && row.content) calls.push({ type: "text", text: row.content });
      row.toolCalls.forEach((tc, i) => {
        const toolCallId = callId(row, tc, i);
        calls.push({ type: "tool-call", toolCallId, toolName: tc.name, input: tc.arguments });
        const approval = tc.approval;
        if (approval && answering.has(approval.id)) {
          calls.push({ type: "tool-approval-request", approvalId: approval.id, toolCallId });
          responses.push({
            type: "tool-approval-response",
            approvalId: approval.id,
            approved: approval.state === "approved",
            // The model is told why a call did not run (a provider would otherwise say only "denied").
            ...(approval.state === "approved" ? {} : { reason: tc.text }),
          });
        } else if (approval && (approval.state !== "approved" || !tc.text)) {
          // Declined, expired, or approved in a turn that failed before the call ran.
          const reason = tc.text || "not run: the reply stopped before it ran";
          results.push({ type: "tool-result", toolCallId, toolName: tc.name, output: { type: "execution-denied", reason } });
        } else {
          // Earlier results go in as the tool's text answer ("3 task(s): #1 Buy milk · high …"), not
          // the full JSON: a 50-task list is ~13 KB of JSON per earlier turn, tokens a real model
          // pays for on every turn, and validating it as a prompt cost more than half of a turn's CPU.
          results.push({ type: "tool-result", toolCallId, toolName: tc.name, output: { type: tc.isError ? "error-text" : "text", value: tc.text } });
        }
      });
      out.push({ role: "assistant", content: calls });
      out.push({ role: "tool", content: [...results, ...responses] });
      if (asks) continue;
    }
    if (row.content) out.push({ role: "assistant", content: row.content });
  }
  return out;
}

/**
 * The tool calls of a run, each as its tool answered it (see toToolCall). A call that never reached
 * the MCP server (the model named no such tool, or sent arguments that are not JSON) is a failed
 * call too, with the code of what went wrong.
 */
export function collectToolCalls(steps: StepResult<ToolSet>[], previews: ReadonlyMap<string, ApprovalPreview> = new Map()): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const step of steps) {
    for (const part of step.content) {
      if (part.type === "tool-result") {
        calls.push(toToolCall(part.toolName, part.input, part.output as CallToolResult));
      } else if (part.type === "tool-error") {
        const error = turnFailure(part.error);
        calls.push({ name: part.toolName, arguments: (part.input ?? {}) as Record<string, unknown>, result: { error }, text: error.message, isError: true });
      } else if (part.type === "tool-approval-request") {
        const { toolCallId, toolName, input } = part.toolCall;
        const preview = previews.get(toolCallId);
        calls.push({
          name: toolName,
          arguments: preview?.input ?? ((input ?? {}) as Record<string, unknown>),
          result: null,
          text: "",
          approval: { id: part.approvalId, state: "requested", toolCallId, ...approvalPreview(preview) },
        });
      }
    }
  }
  return calls;
}

/** What an approval shows of its preview (a call asked without one, which the policies never do, says its tool). */
const approvalPreview = (preview: ApprovalPreview | undefined) => ({
  description: preview?.description ?? "Run this change",
  tasks: preview?.tasks ?? [],
  total: preview?.total ?? 0,
});

/** The calls that wait for the person's approval, as the JSON chat API answers them. */
export const pendingApprovals = (calls: ToolCall[]): PendingApproval[] =>
  calls.flatMap((c) =>
    c.approval?.state === "requested"
      ? [{ id: c.approval.id, tool: c.name, input: c.arguments, description: c.approval.description, tasks: c.approval.tasks, total: c.approval.total }]
      : [],
  );

/** What a person sees when the model fails: actionable, never the provider's internals. */
export function modelFailure(err: unknown): DomainError {
  if (RetryError.isInstance(err)) return modelFailure(err.lastError);
  const status = APICallError.isInstance(err) ? err.statusCode : undefined;
  if (status === 429) return new DomainError("model_rate_limited", "the assistant's model is busy (rate-limited); try again in a moment");
  if (status === 401 || status === 403) return new DomainError("model_unavailable", "the assistant's model rejected our credentials; check the API key");
  return new DomainError("model_unavailable", "the assistant's model is unavailable right now; try again in a moment");
}

/** Any failure during a turn as `{ code, message }`: what a stream error part and a failed tool call carry. */
export function turnFailure(err: unknown): ErrorPayload {
  if (err instanceof DomainError) return { code: err.code, message: err.message };
  if (NoSuchToolError.isInstance(err)) return { code: "validation_error", message: `the assistant asked for a tool that does not exist (${err.toolName})` };
  if (InvalidToolInputError.isInstance(err))
    return { code: "validation_error", message: `the assistant sent ${err.toolName} arguments that are not valid JSON` };
  const failure = modelFailure(err);
  return { code: failure.code, message: failure.message };
}

/** A turn whose model calls ran past LLM_TIMEOUT_MS. */
export const modelTimeout = () => new DomainError("model_timeout", "the assistant's model took too long to answer; try again in a moment");

/**
 * A conversation's name from its first request: greetings and politeness dropped ("hey, can you
 * please add milk?" → "Add milk"), spaces collapsed, capitalised, cut at a word near
 * CHAT_LIMITS.titleMax / 2 characters (never inside a surrogate pair). The person can rename it.
 */
export const titleFrom = (message: string) => {
  const cleaned = message
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^(?:(?:hi|hello|hey|ok(?:ay)?|so|um+|yo)\b[,!.]?\s*)+/i, "")
    .replace(/^(?:(?:please|pls|plz|can you|could you|would you|will you|i(?:'d| would) like you to|i want you to)\b[,]?\s*)+/i, "")
    .replace(/[\s?!.,;:]+$/u, "")
    .replace(/\s+please$/i, "");
  const text = cleaned || message.replace(/\s+/g, " ").trim() || "New chat";
  const chars = Array.from(text.charAt(0).toUpperCase() + text.slice(1));
  const max = CHAT_LIMITS.titleMax / 2;
  if (chars.length <= max) return chars.join("");
  const cut = chars.slice(0, max - 1).join("");
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "")}…`;
};

/** What a turn's model run came to. */
type Outcome =
  | { kind: "done"; text: string; steps: StepResult<ToolSet>[]; toolCalls?: ToolCall[] }
  | { kind: "failed"; error: unknown }
  | { kind: "stopped" }
  | { kind: "timeout" };

export interface ChatServiceOptions {
  concurrency?: { perUser: number; total: number };
  /** The most one turn's model calls may take. */
  llmTimeoutMs?: number;
  /** How long a running turn's lease lasts (renewed every third of it). */
  turnLeaseMs?: number;
  /** A resume of a turn on another replica: LISTEN for its stored chunks, and the fallback look's interval. */
  listen?: ListenFn;
  resumePollMs?: number;
  /** While draining (SIGTERM), no new turn starts here. */
  lifecycle?: { draining: boolean };
}

export class ChatService {
  private readonly conversations: ConversationRepository;
  private readonly turnRows: TurnRepository;
  private readonly turns: TurnLimiter;
  readonly runner: TurnRunner;
  private readonly llmTimeoutMs: number;
  private readonly turnLeaseMs: number;
  private readonly lifecycle: { draining: boolean };

  constructor(
    db: Database,
    private readonly tasks: TaskService,
    private readonly model: LanguageModel,
    private readonly logger: Logger,
    /** The MCP tools' definitions and validator, built once with the app. */
    private readonly tools: { definitions: ToolDefinition[]; jsonSchemaValidator?: AjvJsonSchemaValidator },
    private readonly clock: () => Date = () => new Date(),
    options: ChatServiceOptions = {},
  ) {
    this.conversations = new ConversationRepository(db);
    this.turnRows = new TurnRepository(db);
    this.turns = new TurnLimiter(options.concurrency ?? { perUser: 3, total: 32 });
    this.llmTimeoutMs = options.llmTimeoutMs ?? 30_000;
    this.turnLeaseMs = options.turnLeaseMs ?? 15_000;
    this.lifecycle = options.lifecycle ?? { draining: false };
    this.runner = new TurnRunner(this.turnRows, logger, this.turnLeaseMs, options.listen, options.resumePollMs);
  }

  /**
   * Whether `message` is the person's last message in the conversation and still waits for its
   * answer: the latest turn failed or was cut off (or stopped before it said anything). A retry of
   * it answers that message rather than storing it again.
   */
  private async awaitsAnswer(userId: string, conversationId: string, recent: HistoryRow[], message: string): Promise<boolean> {
    const lastUser = [...recent].reverse().find((m) => m.role === "user");
    if (lastUser?.content !== toStorableText(message)) return false;
    const turn = await this.turnRows.latest(userId, conversationId);
    if (turn?.state === "failed" || turn?.state === "interrupted") return true;
    return turn?.state === "stopped" && recent.at(-1) === lastUser;
  }

  /** Starts a turn within the concurrency limits; `release` must be called when it ends. */
  private async begin(userId: string, req: ChatRequest) {
    if (this.lifecycle.draining) {
      // Refused before anything is stored: the person's retry lands on a replica that stays.
      throw new DomainError("draining", "this server is restarting; send your message again in a moment", { retryAfterSeconds: 1 });
    }
    const release = this.turns.acquire(userId);
    try {
      return { ...(await this.prepare(userId, req)), release };
    } catch (err) {
      release();
      throw err;
    }
  }

  private async prepare(userId: string, req: ChatRequest) {
    // The person's setting, else the zone their browser sent, else UTC: "today" and every printed date are in it.
    const timeZone = (await this.tasks.settings.timeZone(userId)) ?? req.timeZone ?? DEFAULT_TIME_ZONE;
    let history: ModelMessage[] = [];
    let slot: TurnSlot;
    let decided: DecidedApprovals | undefined;
    if (req.approvals) {
      // A turn that goes on from the person's answers: they are recorded once (with the turn, in
      // one transaction), then the history shows them to the SDK as approval responses.
      const answers = req.approvals;
      slot = await this.conversations.startTurn(userId, req.conversationId!, "", null, this.turnLeaseMs, async (tx) => {
        decided = await this.conversations.decideApprovals(tx, userId, req.conversationId!, answers);
      });
      const answering = new Set(decided!.calls.flatMap((c) => (c.call.approval ? [c.call.approval.id] : [])));
      history = toModelMessages(await this.conversations.recentMessages(userId, slot.conversationId, HISTORY_LIMIT), answering);
    } else {
      const message = req.message!;
      let title = titleFrom(message);
      /** A retry of a reply that failed: the person's message is stored already, and is answered as it is. */
      let stored = false;
      if (req.conversationId) {
        // The caller's own messages in it: one query for a turn of a going conversation, whose title
        // stays as it is (startTurn sets a title on the first turn only).
        const recent = await this.conversations.recentMessages(userId, req.conversationId, HISTORY_LIMIT);
        if (recent.length > 0) {
          history = toModelMessages(recent);
          if (req.retry) stored = await this.awaitsAnswer(userId, req.conversationId, recent, message);
        } else {
          const conversation = await this.conversations.find(userId, req.conversationId);
          if (conversation) title = conversation.title;
          else if (await this.conversations.exists(req.conversationId)) throw notFound("conversation");
          // Otherwise an id the client holds but nobody stored yet (a first turn whose reply failed, or
          // one the client made up): this turn starts the conversation under that id, so a retry works.
        }
      }
      // The person's message is stored before the model runs: a turn that fails still shows it.
      slot = await this.conversations.startTurn(userId, req.conversationId ?? randomUUID(), title, stored ? null : message, this.turnLeaseMs);
      if (!stored) history.push({ role: "user", content: message });
    }
    /** Approved calls run in this turn, by their tool call id: their answers go where they were asked. */
    const approvedAt = new Map((decided?.calls ?? []).flatMap((c) => (c.call.approval ? [[c.call.approval.toolCallId, c.index] as const] : [])));
    const approvedCalls: ToolCall[] = [];
    const record = async (call: ToolCall, toolCallId: string) => {
      try {
        const index = approvedAt.get(toolCallId);
        if (decided && index !== undefined) {
          approvedCalls.push(call);
          await this.conversations.recordApprovedCall(userId, decided.messageId, index, call);
        } else {
          await this.conversations.recordToolCall(userId, slot, call);
        }
      } catch (err) {
        this.logger.error({ err: describeError(err), conversationId: slot.conversationId }, "failed to record a tool call");
      }
    };
    /** The previews of the calls that wait for approval in this turn, by tool call id. */
    const previews = new Map<string, ApprovalPreview>();
    const needsApproval = async (toolName: string, input: unknown, toolCallId: string) => {
      // The SDK asks again before it runs an approved call: it was asked, and the person said yes.
      // (Its task may be gone by now: the call runs and says so.)
      if (approvedAt.has(toolCallId)) return true;
      const preview = await previewApproval(this.tasks, userId, toolName, input);
      if (preview) previews.set(toolCallId, preview);
      return preview !== undefined;
    };
    const { definitions, jsonSchemaValidator } = this.tools;
    const server = createMcpServer(this.tasks, userId, {
      logger: this.logger,
      conversationId: slot.conversationId,
      ...(jsonSchemaValidator ? { jsonSchemaValidator } : {}),
    });
    const connected = await connectTools(server, definitions, {
      ...(jsonSchemaValidator ? { jsonSchemaValidator } : {}),
      onCall: record,
      needsApproval,
      onFailure: (err) => this.logger.error({ err: describeError(err), userId }, "tool call got no answer"),
    });
    return {
      conversationId: slot.conversationId,
      slot,
      connected,
      previews,
      approvedCalls,
      settings: {
        model: this.model,
        system: systemPrompt(this.clock(), timeZone),
        messages: history,
        tools: connected.tools,
        stopWhen: stepCountIs(MAX_STEPS),
        maxRetries: MAX_RETRIES,
        providerOptions: { offline: { timeZone } },
      },
    };
  }

  /**
   * Runs an accepted turn to its end on this replica, whoever is listening: the model's stream is
   * read here (not by the request), each chunk kept for resumes, and the outcome stored — the
   * reply (done), what was said so far (stopped), or the failure. Bounded by LLM_TIMEOUT_MS.
   */
  private async run(userId: string, req: ChatRequest) {
    const turn = await this.begin(userId, req);
    const { conversationId, slot } = turn;
    const live = this.runner.open(slot.assistantId, userId, conversationId);
    let settle!: (outcome: Outcome) => void;
    const settled = new Promise<Outcome>((resolve) => (settle = resolve));
    const timeout = AbortSignal.timeout(this.llmTimeoutMs);
    const result = streamText({
      ...turn.settings,
      abortSignal: AbortSignal.any([live.stopper.signal, timeout]),
      onFinish: ({ text, steps }) => settle({ kind: "done", text, steps }),
      onError: ({ error }) => {
        this.logger.warn({ err: describeError(error), userId }, "model call failed");
        settle({ kind: "failed", error });
      },
      onAbort: () => settle(live.stopper.signal.aborted ? { kind: "stopped" } : { kind: "timeout" }),
    });
    const stream = result.toUIMessageStream({
      generateMessageId: () => slot.assistantId,
      // An error part's text is its message; its code follows at once as the message's metadata.
      messageMetadata: ({ part }) => (part.type === "start" ? { conversationId } : part.type === "error" ? { error: turnFailure(part.error) } : undefined),
      onError: (error) => turnFailure(error).message,
    });
    const work = (async () => {
      try {
        for await (const chunk of stream) {
          // The approval card shows what the call will change: the preview goes with the request, as
          // its descriptor (the UI-message stream's approvalDescriptor, `approval.descriptor` on the part).
          if (chunk.type === "tool-approval-request") {
            const preview = turn.previews.get(chunk.toolCallId);
            const approvalDescriptor: ToolApproval = { id: chunk.approvalId, state: "requested", toolCallId: chunk.toolCallId, ...approvalPreview(preview) };
            live.push({ ...chunk, approvalDescriptor });
          } else {
            live.push(chunk);
          }
        }
        const outcome = await Promise.race([
          settled,
          new Promise<Outcome>((resolve) =>
            setTimeout(() => resolve({ kind: "failed", error: new Error("the model stream ended without an outcome") }), 1000).unref(),
          ),
        ]);
        if (outcome.kind === "timeout") {
          const { code, message } = modelTimeout();
          live.push({ type: "error", errorText: message });
          live.push({ type: "message-metadata", messageMetadata: { error: { code, message } } });
        }
        await live.settle();
        switch (outcome.kind) {
          case "done":
            outcome.toolCalls = collectToolCalls(outcome.steps, turn.previews);
            await this.conversations.finishTurn(userId, slot, outcome.text, outcome.toolCalls);
            break;
          case "stopped":
            await this.conversations.stopTurn(userId, slot, live.text);
            break;
          case "timeout":
            await this.turnRows.end(slot.assistantId, "failed", "model_timeout");
            break;
          case "failed":
            await this.turnRows.end(slot.assistantId, "failed", turnFailure(outcome.error).code);
            break;
        }
        // A resume on another replica wakes to the end at once.
        await this.turnRows.announce(slot.assistantId).catch((err: unknown) => this.logger.warn({ err: describeError(err) }, "announcing a turn's end failed"));
        // Stored: the stream may end (closing the tools below is nobody's wait).
        live.end();
        return outcome;
      } finally {
        turn.release();
        await turn.connected.close().catch(() => undefined);
      }
    })();
    this.runner.track(
      live,
      work.then(() => undefined),
    );
    return { conversationId, live, outcome: work, approvedCalls: turn.approvedCalls };
  }

  async reply(userId: string, req: ChatRequest): Promise<ChatResponse> {
    const { conversationId, live, outcome, approvedCalls } = await this.run(userId, req);
    const ended = await outcome;
    switch (ended.kind) {
      case "done": {
        const toolCalls = ended.toolCalls ?? [];
        // A turn that went on from approvals answers the calls they ran too (stored where they were asked).
        return { conversationId, reply: ended.text, toolCalls: [...approvedCalls, ...toolCalls], pendingApprovals: pendingApprovals(toolCalls) };
      }
      case "stopped":
        return { conversationId, reply: live.text, toolCalls: approvedCalls, pendingApprovals: [] };
      case "timeout":
        throw modelTimeout();
      case "failed":
        throw modelFailure(ended.error);
    }
  }

  /**
   * The same turn as an AI SDK UI-message stream (SSE, each event's id its chunk number). The turn
   * is the server's: a client that goes away stops only its own reading.
   */
  async stream(userId: string, req: ChatRequest): Promise<Response> {
    const { conversationId, live } = await this.run(userId, req);
    return new Response(live.sse(), {
      headers: { ...STREAM_HEADERS, "x-conversation-id": conversationId, "x-turn-id": live.id },
    });
  }

  /**
   * Resumes the conversation's running turn from the chunk after `afterSeq`, from whichever
   * replica runs it; undefined (204) when none is running: the stored conversation is the answer.
   */
  async resume(userId: string, conversationId: string, afterSeq: number): Promise<Response | undefined> {
    const turn = await this.turnRows.latest(userId, conversationId);
    if (turn?.state !== "running") {
      if (!turn && !(await this.conversations.find(userId, conversationId))) throw notFound("conversation");
      return undefined;
    }
    const local = this.runner.local(turn.id);
    const body = local ? local.sse(afterSeq) : this.runner.followStored(turn.id, afterSeq);
    return new Response(body, { headers: { ...STREAM_HEADERS, "x-conversation-id": conversationId, "x-turn-id": turn.id } });
  }

  /** Stops the conversation's running turn, on this replica at once, elsewhere at its next heartbeat. */
  async stop(userId: string, conversationId: string): Promise<{ stopped: boolean }> {
    const turnId = await this.turnRows.requestStop(userId, conversationId);
    if (!turnId) {
      if (!(await this.conversations.find(userId, conversationId))) throw notFound("conversation");
      return { stopped: false };
    }
    this.runner.local(turnId)?.stopper.abort();
    return { stopped: true };
  }

  async listConversations(userId: string): Promise<ConversationSummary[]> {
    return (await this.conversations.list(userId)).map(toSummary);
  }

  async getConversation(userId: string, id: string, query: ConversationQuery): Promise<Conversation> {
    const conversation = await this.conversations.find(userId, id);
    if (!conversation) throw notFound("conversation");
    // The turn first: a turn read as ended has its reply stored in the messages read after it.
    const turn = await this.turnRows.latest(userId, id);
    const page = await this.conversations.messagesPage(userId, id, query);
    return {
      ...toSummary(conversation),
      messages: page.rows.map(toMessage),
      hasOlder: page.hasOlder,
      turn: turn ? { id: turn.id, state: turn.state, ...(turn.errorCode ? { errorCode: turn.errorCode } : {}) } : null,
    };
  }

  /** The person's own name for a conversation; its order in the history stays as it was. */
  async renameConversation(userId: string, id: string, title: string): Promise<ConversationSummary> {
    const row = await this.conversations.rename(userId, id, title);
    if (!row) throw notFound("conversation");
    return toSummary(row);
  }

  async deleteConversation(userId: string, id: string): Promise<void> {
    if (!(await this.conversations.delete(userId, id))) throw notFound("conversation");
  }
}
