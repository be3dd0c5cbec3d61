/** Chat and conversation routes: validate, take the user from the session, call the chat service. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  ChatRequestSchema,
  ChatResponseSchema,
  ConversationQuerySchema,
  ConversationSchema,
  ConversationSummarySchema,
  ErrorBodySchema,
  RenameConversationSchema,
} from "@todo/contracts";
import { createRouter } from "../http/app-env.ts";
import type { ChatService } from "./chat.service.ts";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid input", ...json(ErrorBodySchema) },
  401: { description: "Not signed in", ...json(ErrorBodySchema) },
  404: { description: "No such conversation for this user", ...json(ErrorBodySchema) },
  409: { description: "A per-person limit is reached (limit_reached)", ...json(ErrorBodySchema) },
  429: { description: "Too many turns at once (busy); see Retry-After", ...json(ErrorBodySchema) },
} as const;
const security = [{ bearerAuth: [] }];
const IdParams = z.object({ id: z.uuid("id must be a conversation id (a UUID)") });

const chatRoute = createRoute({
  method: "post",
  path: "/chat",
  tags: ["chat"],
  security,
  summary: "Send a message to the assistant and get its reply with the tools it used",
  request: { body: { required: true, ...json(ChatRequestSchema) } },
  responses: {
    200: { description: "The reply", ...json(ChatResponseSchema) },
    ...errors,
    502: { description: "The model failed", ...json(ErrorBodySchema) },
    503: { description: "The model is rate-limited, or this replica is shutting down (draining; see Retry-After)", ...json(ErrorBodySchema) },
    504: { description: "The model took longer than LLM_TIMEOUT_MS (model_timeout)", ...json(ErrorBodySchema) },
  },
});

const chatStreamRoute = createRoute({
  method: "post",
  path: "/chat/stream",
  tags: ["chat"],
  security,
  summary: "The same as /chat, as an AI SDK UI-message stream (server-sent events)",
  description: "The conversation id is in the x-conversation-id header and in the start chunk's message metadata.",
  request: { body: { required: true, ...json(ChatRequestSchema) } },
  responses: {
    200: { description: "UI-message stream", content: { "text/event-stream": { schema: z.string() } } },
    ...errors,
    503: { description: "This replica is shutting down (draining; see Retry-After)", ...json(ErrorBodySchema) },
  },
});

const resumeRoute = createRoute({
  method: "get",
  path: "/chat/{id}/stream",
  tags: ["chat"],
  security,
  summary: "Resume the conversation's running turn (from any replica), or 204 when none is running",
  description:
    "The chunks after `after` (or the Last-Event-ID header: the last event id the client saw), exactly once and in order, " +
    "live until the turn ends. 204: nothing is running; the stored conversation is the whole answer.",
  request: {
    params: IdParams,
    query: z.strictObject({
      after: z.coerce.number().int("after must be a whole number").min(-1, "after is at least -1").optional().describe("The last chunk id already received"),
    }),
  },
  responses: {
    200: { description: "UI-message stream", content: { "text/event-stream": { schema: z.string() } } },
    204: { description: "No turn is running in this conversation" },
    ...errors,
  },
});

const stopRoute = createRoute({
  method: "post",
  path: "/chat/{id}/stop",
  tags: ["chat"],
  security,
  summary: "Stop the conversation's running turn, whichever replica runs it",
  request: { params: IdParams },
  responses: {
    200: { description: "Whether a running turn was asked to stop", ...json(z.object({ stopped: z.boolean() })) },
    ...errors,
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/conversations",
  tags: ["chat"],
  security,
  summary: "The caller's conversations, most recent first",
  responses: {
    200: { description: "Conversations", ...json(z.object({ conversations: z.array(ConversationSummarySchema) })) },
    401: errors[401],
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/conversations/{id}",
  tags: ["chat"],
  security,
  summary: "One conversation with its latest messages (older ones a page at a time)",
  request: { params: IdParams, query: ConversationQuerySchema },
  responses: { 200: { description: "The conversation", ...json(ConversationSchema) }, ...errors },
});

const renameRoute = createRoute({
  method: "patch",
  path: "/conversations/{id}",
  tags: ["chat"],
  security,
  summary: "Rename a conversation",
  request: { params: IdParams, body: { required: true, ...json(RenameConversationSchema) } },
  responses: { 200: { description: "The renamed conversation", ...json(ConversationSummarySchema) }, ...errors },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/conversations/{id}",
  tags: ["chat"],
  security,
  summary: "Delete a conversation and its messages",
  request: { params: IdParams },
  responses: { 204: { description: "Deleted" }, ...errors },
});

export function chatRoutes(chat: ChatService) {
  return createRouter()
    .openapi(chatRoute, async (c) => c.json(await chat.reply(c.var.userId, c.req.valid("json")), 200))
    .openapi(chatStreamRoute, async (c) => (await chat.stream(c.var.userId, c.req.valid("json"))) as never)
    .openapi(resumeRoute, async (c) => {
      const lastEventId = Number(c.req.header("last-event-id"));
      const after = c.req.valid("query").after ?? (Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : -1);
      const res = await chat.resume(c.var.userId, c.req.valid("param").id, after);
      return (res ?? c.body(null, 204)) as never;
    })
    .openapi(stopRoute, async (c) => c.json(await chat.stop(c.var.userId, c.req.valid("param").id), 200))
    .openapi(listRoute, async (c) => c.json({ conversations: await chat.listConversations(c.var.userId) }, 200))
    .openapi(getRoute, async (c) => c.json(await chat.getConversation(c.var.userId, c.req.valid("param").id, c.req.valid("query")), 200))
    .openapi(renameRoute, async (c) => c.json(await chat.renameConversation(c.var.userId, c.req.valid("param").id, c.req.valid("json").title), 200))
    .openapi(deleteRoute, async (c) => {
      await chat.deleteConversation(c.var.userId, c.req.valid("param").id);
      return c.body(null, 204);
    });
}
