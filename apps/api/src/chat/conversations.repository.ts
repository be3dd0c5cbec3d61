/** Conversation and message persistence, always scoped by the owner's user id. */
import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { ConversationSummary, Message, ToolCall } from "@todo/contracts";
import { notFound } from "../http/errors.ts";
import type { Database } from "../db/client.ts";
import { conversations, messages, type StoredToolCall } from "../db/schema.ts";

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

export interface Turn {
  userText: string;
  replyText: string;
  toolCalls: ToolCall[];
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

  async messages(userId: string, conversationId: string): Promise<MessageRow[]> {
    return this.db
      .select()
      .from(messages)
      .where(and(eq(messages.userId, userId), eq(messages.conversationId, conversationId)))
      .orderBy(asc(messages.createdAt));
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
   * Stores one exchange (and the conversation on its first turn) atomically. An id that turns out to
   * be someone else's conversation is refused, whatever raced before.
   */
  async appendTurn(userId: string, conversationId: string, title: string, turn: Turn): Promise<void> {
    await this.db.transaction(async (tx) => {
      const owned = await tx
        .insert(conversations)
        .values({ id: conversationId, userId, title })
        .onConflictDoUpdate({ target: conversations.id, set: { updatedAt: sql`now()` }, where: eq(conversations.userId, userId) })
        .returning({ id: conversations.id });
      if (owned.length === 0) throw notFound("conversation");
      const now = Date.now();
      await tx.insert(messages).values([
        { conversationId, userId, role: "user", content: turn.userText, createdAt: new Date(now) },
        {
          conversationId,
          userId,
          role: "assistant",
          content: turn.replyText,
          toolCalls: turn.toolCalls.map(({ result: _result, ...call }): StoredToolCall => call),
          toolResults: turn.toolCalls.map((call) => call.result ?? null),
          createdAt: new Date(now + 1),
        },
      ]);
    });
  }
}
