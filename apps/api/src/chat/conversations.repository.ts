/** Conversation and message persistence, always scoped by the owner's user id. */
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import {
  CHAT_LIMITS,
  toStorableJson,
  toStorableText,
  type ConversationQuery,
  type ConversationSummary,
  type Message,
  type ToolCall,
} from "@todo/contracts";
import { DomainError, notFound } from "../domain-error.ts";
import type { Database } from "../db/client.ts";
import { conversations, messages, type StoredToolCall } from "../db/schema.ts";
import { randomUUID } from "node:crypto";
import type { SQL } from "drizzle-orm";

type ConversationRow = typeof conversations.$inferSelect;
type MessageRow = typeof messages.$inferSelect;
export type HistoryRow = Pick<MessageRow, "id" | "role" | "content" | "toolCalls">;

export const toSummary = (row: ConversationRow): ConversationSummary => ({
  id: row.id,
  title: row.title,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const toMessage = (row: MessageRow): Message => ({
  id: row.id,
  role: row.role,
  content: row.content,
  toolCalls: row.toolCalls.map((call, i) => ({ ...call, result: row.toolResults[i] ?? null })),
  createdAt: row.createdAt.toISOString(),
});

/** Where a turn's assistant message goes: its id and time are fixed when the turn starts. */
export interface TurnSlot {
  conversationId: string;
  assistantId: string;
  /** Just after the person's message, so the two sort together whatever else happens meanwhile. */
  assistantAt: Date;
}

const limitReached = (message: string) => new DomainError("limit_reached", message);

/** A tool call as stored: its text part in tool_calls, its structured result in tool_results (same index). */
function storedCalls(calls: ToolCall[]) {
  return {
    toolCalls: calls.map(({ result: _result, ...call }) => toStorableJson(call) as StoredToolCall),
    toolResults: calls.map((call) => toStorableJson(call.result ?? null)),
  };
}

export class ConversationRepository {
  constructor(private readonly db: Database) {}

  async list(userId: string): Promise<ConversationRow[]> {
    return this.db
      .select()
      .from(conversations)
      .where(eq(conversations.userId, userId))
      .orderBy(desc(conversations.updatedAt))
      .limit(200);
  }

  async find(userId: string, id: string): Promise<ConversationRow | undefined> {
    const [row] = await this.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.userId, userId), eq(conversations.id, id)));
    return row;
  }

  /** Whether any user has a conversation with this id. */
  async exists(id: string): Promise<boolean> {
    const [row] = await this.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, id));
    return row !== undefined;
  }

  /** A page of messages, oldest first: the latest `limit`, or those before the message `before`. */
  async messagesPage(userId: string, conversationId: string, q: ConversationQuery): Promise<{ rows: MessageRow[]; hasOlder: boolean }> {
    const scope = and(eq(messages.userId, userId), eq(messages.conversationId, conversationId));
    let older: SQL | undefined;
    if (q.before) {
      const [cursor] = await this.db
        .select({ createdAt: messages.createdAt, id: messages.id })
        .from(messages)
        .where(and(scope, eq(messages.id, q.before)));
      if (!cursor) throw new DomainError("validation_error", "before: no such message in this conversation", { field: "before" });
      older = or(lt(messages.createdAt, cursor.createdAt), and(eq(messages.createdAt, cursor.createdAt), lt(messages.id, cursor.id)));
    }
    const rows = await this.db
      .select()
      .from(messages)
      .where(and(scope, older))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(q.limit + 1);
    const hasOlder = rows.length > q.limit;
    return { rows: rows.slice(0, q.limit).reverse(), hasOlder };
  }

  /** The latest `limit` messages, oldest first: the history a model sees (tool results left out). */
  async recentMessages(userId: string, conversationId: string, limit: number): Promise<HistoryRow[]> {
    const rows = await this.db
      .select({ id: messages.id, role: messages.role, content: messages.content, toolCalls: messages.toolCalls })
      .from(messages)
      .where(and(eq(messages.userId, userId), eq(messages.conversationId, conversationId)))
      .orderBy(desc(messages.createdAt))
      .limit(limit);
    return rows.reverse();
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(conversations)
      .where(and(eq(conversations.userId, userId), eq(conversations.id, id)))
      .returning({ id: conversations.id });
    return rows.length > 0;
  }

  /**
   * The first step of a turn, before the model runs: the conversation (created on its first turn,
   * within the person's limits) and the person's message, stored together. An id that turns out to
   * be someone else's conversation is refused, whatever raced before.
   */
  async startTurn(userId: string, conversationId: string, title: string, userText: string): Promise<TurnSlot> {
    return this.db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ userId: conversations.userId })
        .from(conversations)
        .where(eq(conversations.id, conversationId));
      if (existing && existing.userId !== userId) throw notFound("conversation");
      if (existing) {
        const [count] = await tx
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(messages)
          .where(eq(messages.conversationId, conversationId));
        if ((count?.n ?? 0) + 2 > CHAT_LIMITS.messagesPerConversation) {
          throw limitReached(`this conversation has reached ${CHAT_LIMITS.messagesPerConversation.toLocaleString("en-US")} messages; start a new one`);
        }
      } else {
        const [count] = await tx
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(conversations)
          .where(eq(conversations.userId, userId));
        if ((count?.n ?? 0) >= CHAT_LIMITS.conversationsMax) {
          throw limitReached(`you have ${CHAT_LIMITS.conversationsMax} conversations, the most there can be; delete some to start a new one`);
        }
      }
      const owned = await tx
        .insert(conversations)
        .values({ id: conversationId, userId, title: toStorableText(title) })
        .onConflictDoUpdate({ target: conversations.id, set: { updatedAt: sql`now()` }, where: eq(conversations.userId, userId) })
        .returning({ id: conversations.id });
      if (owned.length === 0) throw notFound("conversation");
      const at = Date.now();
      await tx.insert(messages).values({ conversationId, userId, role: "user", content: toStorableText(userText), createdAt: new Date(at) });
      return { conversationId, assistantId: randomUUID(), assistantAt: new Date(at + 1) };
    });
  }

  /** One tool call of a running turn, appended to its assistant message (made on the first call). */
  async recordToolCall(userId: string, slot: TurnSlot, call: ToolCall): Promise<void> {
    const stored = storedCalls([call]);
    await this.db
      .insert(messages)
      .values({ id: slot.assistantId, conversationId: slot.conversationId, userId, role: "assistant", content: "", ...stored, createdAt: slot.assistantAt })
      .onConflictDoUpdate({
        target: messages.id,
        set: {
          toolCalls: sql`${messages.toolCalls} || excluded.tool_calls`,
          toolResults: sql`${messages.toolResults} || excluded.tool_results`,
        },
        where: eq(messages.userId, userId),
      });
  }

  /** The end of a turn: its reply and every tool call in the order the model made them. */
  async finishTurn(userId: string, slot: TurnSlot, replyText: string, toolCalls: ToolCall[]): Promise<void> {
    const stored = storedCalls(toolCalls);
    const content = toStorableText(replyText);
    await this.db.transaction(async (tx) => {
      await tx
        .insert(messages)
        .values({ id: slot.assistantId, conversationId: slot.conversationId, userId, role: "assistant", content, ...stored, createdAt: slot.assistantAt })
        .onConflictDoUpdate({ target: messages.id, set: { content, ...stored }, where: eq(messages.userId, userId) });
      await tx
        .update(conversations)
        .set({ updatedAt: sql`now()` })
        .where(and(eq(conversations.userId, userId), eq(conversations.id, slot.conversationId)));
    });
  }
}
