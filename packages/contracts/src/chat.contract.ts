/** Chat and conversation shapes shared by the API and the web app. */
import { z } from "zod";
import { CHAT_LIMITS } from "./constants.ts";
import { storableText } from "./text.contract.ts";

export const ChatRequestSchema = z.strictObject({
  message: storableText("message")
    .trim()
    .min(1, "message cannot be empty")
    .max(CHAT_LIMITS.messageMax, `message is at most ${CHAT_LIMITS.messageMax} characters`),
  conversationId: z.uuid("conversationId must be a conversation id").optional(),
  timeZone: z
    .string()
    .max(64)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "timeZone must be an IANA time zone such as Europe/Paris")
    .optional()
    .describe("The person's time zone, so 'today' and 'tomorrow' mean their day"),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export const ToolCallSchema = z.object({
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  result: z.unknown().describe("The tool's structuredContent as it answered: { task }, { tasks, total }, or { error: { code, message } } when isError"),
  isError: z.boolean().optional(),
  text: z.string().describe("The tool's text answer (for a failed call, the error): what the model reads of this call later"),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

export const ChatResponseSchema = z.object({
  conversationId: z.uuid(),
  reply: z.string(),
  toolCalls: z.array(ToolCallSchema),
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
