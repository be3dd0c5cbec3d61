/** Conversation and message persistence, always scoped by the owner's user id. */
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import { CHAT_LIMITS, toStorableJson, toStorableText, type ConversationQuery, type ConversationSummary, type Message, type ToolCall } from "@todo/contracts";
import { DomainError, notFound } from "../domain-error.ts";
import type { Database } from "../db/client.ts";
import { chatTurnChunks, chatTurns, conversations, messages, type StoredToolCall } from "../db/schema.ts";
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
    return this.db.select().from(conversations).where(eq(conversations.userId, userId)).orderBy(desc(conversations.updatedAt)).limit(200);
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

  async rename(userId: string, id: string, title: string): Promise<ConversationRow | undefined> {
    const [row] = await this.db
      .update(conversations)
      .set({ title, updatedAt: sql`${conversations.updatedAt}` })
      .where(and(eq(conversations.userId, userId), eq(conversations.id, id)))
      .returning();
    return row;
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
   * be someone else's conversation is refused, whatever raced before. The turn itself is stored
   * with them (running, its lease `leaseMs` long), and the stream chunks of the conversation's
   * earlier turns, which nobody resumes any more, go.
   */
  async startTurn(userId: string, conversationId: string, title: string, userText: string, leaseMs: number): Promise<TurnSlot> {
    return this.db.transaction(async (tx) => {
      const [existing] = await tx.select({ userId: conversations.userId }).from(conversations).where(eq(conversations.id, conversationId));
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
      const assistantId = randomUUID();
      // One statement (a turn pays no extra round trip for being resumable): the earlier turns'
      // chunks go, the turn is stored as running, and the person's message.
      await tx.execute(sql`
        with gone as (
          delete from ${chatTurnChunks} where ${chatTurnChunks.turnId} in (
            select ${chatTurns.id} from ${chatTurns} where ${chatTurns.conversationId} = ${conversationId} and ${chatTurns.state} <> 'running'
          )
        ), turn as (
          insert into ${chatTurns} (id, conversation_id, user_id, lease_until)
          values (${assistantId}, ${conversationId}, ${userId}, now() + make_interval(secs => ${leaseMs / 1000}))
        )
        insert into ${messages} (conversation_id, user_id, role, content, created_at)
        values (${conversationId}, ${userId}, 'user', ${toStorableText(userText)}, ${new Date(at).toISOString()}::timestamptz)`);
      return { conversationId, assistantId, assistantAt: new Date(at + 1) };
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

  /** The end of a turn: its reply and every tool call in the order the model made them; the turn is done. */
  async finishTurn(userId: string, slot: TurnSlot, replyText: string, toolCalls: ToolCall[]): Promise<void> {
    const stored = storedCalls(toolCalls);
    const content = toStorableText(replyText);
    await this.db.transaction(async (tx) => {
      await tx
        .insert(messages)
        .values({ id: slot.assistantId, conversationId: slot.conversationId, userId, role: "assistant", content, ...stored, createdAt: slot.assistantAt })
        .onConflictDoUpdate({ target: messages.id, set: { content, ...stored }, where: eq(messages.userId, userId) });
      // The turn is done — even if a reader took it for interrupted meanwhile (a stalled, not a
      // dead, replica): the reply is whole. In the conversation's statement: no extra round trip.
      await tx.execute(sql`
        with turn as (
          update ${chatTurns} set state = 'done', error_code = null, updated_at = now()
          where ${chatTurns.id} = ${slot.assistantId} and ${chatTurns.state} in ('running', 'interrupted')
        )
        update ${conversations} set updated_at = now()
        where ${conversations.userId} = ${userId} and ${conversations.id} = ${slot.conversationId}`);
    });
  }

  /**
   * A turn stopped by its person: what the reply had said so far is kept (the tool calls it made
   * were stored as they completed), and the turn says stopped.
   */
  async stopTurn(userId: string, slot: TurnSlot, partialText: string): Promise<void> {
    const content = toStorableText(partialText);
    await this.db.transaction(async (tx) => {
      if (content) {
        await tx
          .insert(messages)
          .values({ id: slot.assistantId, conversationId: slot.conversationId, userId, role: "assistant", content, createdAt: slot.assistantAt })
          .onConflictDoUpdate({ target: messages.id, set: { content }, where: eq(messages.userId, userId) });
      }
      await tx
        .update(chatTurns)
        .set({ state: "stopped" })
        .where(and(eq(chatTurns.id, slot.assistantId), eq(chatTurns.state, "running")));
    });
  }
}
