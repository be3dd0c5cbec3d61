/** Chat and conversation shapes shared by the API and the web app. */
import { z } from "zod";
import { CHAT_LIMITS } from "./constants.ts";
import { TimeZoneSchema } from "./tasks.contract.ts";
import { storableText } from "./text.contract.ts";

/** The person's answer to a tool call that waits for approval (the AI SDK's tool-approval-response). */
export const ApprovalResponseSchema = z.strictObject({
  id: z.string().min(1, "approvals[].id is the approval's id").max(100).describe("The approval's id, as the pending approval named it"),
  approved: z.boolean().describe("true runs the tool call; false tells the assistant it was declined"),
  reason: storableText("reason").max(500, "reason is at most 500 characters").optional().describe("Why (optional): the assistant is told"),
});
export type ApprovalResponse = z.infer<typeof ApprovalResponseSchema>;

export const ChatRequestSchema = z
  .strictObject({
    message: storableText("message")
      .trim()
      .min(1, "message cannot be empty")
      .max(CHAT_LIMITS.messageMax, `message is at most ${CHAT_LIMITS.messageMax} characters`)
      .optional()
      .describe("The person's message; absent when the request answers pending approvals"),
    approvals: z
      .array(ApprovalResponseSchema)
      .min(1, "approvals needs at least one answer")
      .max(10, "approvals has at most 10 answers")
      .optional()
      .describe("Answers to the conversation's pending approvals (instead of a message): the turn goes on from them"),
    conversationId: z.uuid("conversationId must be a conversation id").optional(),
    retry: z
      .boolean()
      .optional()
      .describe(
        "Asks again for the answer to `message`, the person's last message in the conversation, after its reply failed: that stored message is answered, not stored a second time (one never stored, or already answered, is stored as new)",
      ),
    timeZone: TimeZoneSchema.optional().describe("The person's time zone, so 'today' and 'tomorrow' mean their day"),
  })
  .refine((r) => (r.message === undefined) !== (r.approvals === undefined), { message: "send either a message or approvals, not both", path: ["message"] })
  .refine((r) => r.retry !== true || r.message !== undefined, { message: "a retry asks again for a message: give the message", path: ["retry"] })
  .refine((r) => r.approvals === undefined || r.conversationId !== undefined, {
    message: "approvals answer a conversation's pending calls: give its conversationId",
    path: ["conversationId"],
  });
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** Where a tool call that waits for approval stands. */
export const APPROVAL_STATES = ["requested", "approved", "denied", "expired"] as const;

/** A task an approval names: what the person is asked about. */
export const ApprovalTaskSchema = z.object({ number: z.int(), title: z.string() });

/** A tool call's approval: asked (requested), answered, or expired (the conversation moved on without an answer). */
export const ToolApprovalSchema = z.object({
  id: z.string().describe("The approval's id: answer it with approvals: [{ id, approved }]"),
  state: z.enum(APPROVAL_STATES),
  description: z.string().describe("What will happen, in words a person can judge: “Delete #3 “Buy milk””"),
  tasks: z.array(ApprovalTaskSchema).describe("The tasks it will change (the first ones, for a bulk change)"),
  total: z.int().describe("How many tasks it will change"),
  toolCallId: z.string().describe("The tool call's id in the stream"),
  reason: z.string().optional().describe("For a denied or expired one: why, as the assistant is told"),
});
export type ToolApproval = z.infer<typeof ToolApprovalSchema>;

export const ToolCallSchema = z.object({
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  result: z.unknown().describe("The tool's structuredContent as it answered: { task }, { tasks, total }, or { error: { code, message } } when isError"),
  isError: z.boolean().optional(),
  text: z.string().describe("The tool's text answer (for a failed call, the error): what the model reads of this call later"),
  approval: ToolApprovalSchema.optional().describe("For a call that needs the person's approval: where that stands"),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

/** A tool call waiting for the person's approval, as the JSON chat API answers it. */
export const PendingApprovalSchema = z.object({
  id: z.string().describe("Answer with POST /api/chat { conversationId, approvals: [{ id, approved }] }"),
  tool: z.string(),
  input: z.record(z.string(), z.unknown()),
  description: z.string(),
  tasks: z.array(ApprovalTaskSchema),
  total: z.int(),
});
export type PendingApproval = z.infer<typeof PendingApprovalSchema>;

export const ChatResponseSchema = z.object({
  conversationId: z.uuid(),
  reply: z.string(),
  toolCalls: z.array(ToolCallSchema),
  pendingApprovals: z.array(PendingApprovalSchema).describe("Tool calls that wait for the person's approval: nothing of them has happened yet"),
});
export type ChatResponse = z.infer<typeof ChatResponseSchema>;

export const MessageSchema = z.object({
  id: z.uuid(),
  role: z.enum(["user", "assistant"]),
  content: z.string(),
  toolCalls: z.array(ToolCallSchema),
  createdAt: z.iso.datetime(),
});
export type Message = z.infer<typeof MessageSchema>;

export const ConversationSummarySchema = z.object({
  id: z.uuid(),
  title: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

/** PATCH /api/conversations/:id: a new name for a conversation in the history. */
export const RenameConversationSchema = z.object({
  title: z
    .string("title must be text")
    .trim()
    .min(1, "Give the conversation a name")
    .max(CHAT_LIMITS.titleMax, `A name is at most ${CHAT_LIMITS.titleMax} characters`)
    .describe("The conversation's new name"),
});
export type RenameConversationInput = z.infer<typeof RenameConversationSchema>;

/** How a turn stands: running on some replica, or how it ended (interrupted: its replica died). */
export const TurnStateSchema = z.enum(["running", "done", "failed", "interrupted", "stopped"]);
export type TurnState = z.infer<typeof TurnStateSchema>;

export const TurnStatusSchema = z.object({
  id: z.uuid().describe("The turn's id, which is also its assistant message's id"),
  state: TurnStateSchema,
  errorCode: z.string().optional().describe("For a failed turn: why (model_unavailable, model_timeout …)"),
});
export type TurnStatus = z.infer<typeof TurnStatusSchema>;

export const ConversationSchema = ConversationSummarySchema.extend({
  messages: z.array(MessageSchema).describe("The latest messages (or those before `before`), oldest first"),
  turn: TurnStatusSchema.nullable().describe("The latest turn: running (resume it at /api/chat/{id}/stream) or how it ended"),
  hasOlder: z.boolean().describe("Whether older messages exist: ask again with before = the first message's id"),
});

export const ConversationQuerySchema = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1, "limit is at least 1")
    .max(CHAT_LIMITS.pageMax, `limit is at most ${CHAT_LIMITS.pageMax}`)
    .default(CHAT_LIMITS.pageDefault),
  before: z.uuid("before must be a message id").optional().describe("Only messages older than this one"),
});
export type ConversationQuery = z.output<typeof ConversationQuerySchema>;
export type Conversation = z.infer<typeof ConversationSchema>;
