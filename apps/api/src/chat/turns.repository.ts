/**
 * Chat turn persistence: each turn's state and lease, and the chunks of its UI-message stream, so
 * any replica can tell how a turn stands and replay what it streamed. Always scoped by user id
 * where a person asks; the replica that runs a turn addresses it by id.
 */
import { and, asc, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { chatTurnChunks, chatTurns, type TURN_STATES } from "../db/schema.ts";

export type TurnState = (typeof TURN_STATES)[number];

/** The NOTIFY channel a turn's stored chunks (and its end) are announced on, by turn id, to every replica. */
export const TURN_CHANNEL = "chat_turn";
export type TurnRow = Pick<typeof chatTurns.$inferSelect, "id" | "conversationId" | "state" | "errorCode" | "leaseUntil">;

const turnColumns = {
  id: chatTurns.id,
  conversationId: chatTurns.conversationId,
  state: chatTurns.state,
  errorCode: chatTurns.errorCode,
  leaseUntil: chatTurns.leaseUntil,
};

export class TurnRepository {
  constructor(private readonly db: Database) {}

  /**
   * The conversation's latest turn, as it stands now: a running turn whose lease has run out lost
   * its replica, and is marked interrupted here (once, whoever reads first).
   */
  async latest(userId: string, conversationId: string): Promise<TurnRow | undefined> {
    const [row] = await this.db
      .select(turnColumns)
      .from(chatTurns)
      .where(and(eq(chatTurns.userId, userId), eq(chatTurns.conversationId, conversationId)))
      .orderBy(desc(chatTurns.createdAt))
      .limit(1);
    if (row?.state !== "running" || row.leaseUntil.getTime() > Date.now()) return row;
    return (await this.interruptIfExpired(row.id)) ?? row;
  }

  /** The turn by id, with the same lease rule as `latest`. */
  async find(turnId: string): Promise<TurnRow | undefined> {
    const [row] = await this.db.select(turnColumns).from(chatTurns).where(eq(chatTurns.id, turnId));
    if (row?.state !== "running" || row.leaseUntil.getTime() > Date.now()) return row;
    return (await this.interruptIfExpired(row.id)) ?? row;
  }

  /** Compared in the database (its clock, not this replica's), so only a lease that has really passed counts. */
  private async interruptIfExpired(turnId: string): Promise<TurnRow | undefined> {
    const [updated] = await this.db
      .update(chatTurns)
      .set({ state: "interrupted" })
      .where(and(eq(chatTurns.id, turnId), eq(chatTurns.state, "running"), lt(chatTurns.leaseUntil, sql`now()`)))
      .returning(turnColumns);
    if (updated) return updated;
    const [row] = await this.db.select(turnColumns).from(chatTurns).where(eq(chatTurns.id, turnId));
    return row;
  }

  /** Renews the leases of this replica's running turns (one statement); says which were asked to stop. */
  async renew(turnIds: string[], leaseMs: number): Promise<string[]> {
    if (turnIds.length === 0) return [];
    const rows = await this.db
      .update(chatTurns)
      .set({ leaseUntil: sql`now() + make_interval(secs => ${leaseMs / 1000})` })
      .where(and(inArray(chatTurns.id, turnIds), eq(chatTurns.state, "running")))
      .returning({ id: chatTurns.id, stopRequested: chatTurns.stopRequested });
    return rows.filter((r) => r.stopRequested).map((r) => r.id);
  }

  /** Asks the conversation's running turn to stop; returns its id (none running: undefined). */
  async requestStop(userId: string, conversationId: string): Promise<string | undefined> {
    const [row] = await this.db
      .update(chatTurns)
      .set({ stopRequested: true })
      .where(and(eq(chatTurns.userId, userId), eq(chatTurns.conversationId, conversationId), eq(chatTurns.state, "running")))
      .returning({ id: chatTurns.id });
    return row?.id;
  }

  /** Ends a running turn (a turn already ended, say interrupted by a reader, keeps its state). */
  async end(turnId: string, state: Exclude<TurnState, "running">, errorCode?: string): Promise<void> {
    await this.db
      .update(chatTurns)
      .set({ state, errorCode: errorCode ?? null })
      .where(and(eq(chatTurns.id, turnId), eq(chatTurns.state, "running")));
  }

  /** Appends chunks (numbered on from `firstSeq`) as one row. */
  async appendChunks(turnId: string, firstSeq: number, chunks: unknown[]): Promise<void> {
    if (chunks.length === 0) return;
    // Announced in the same statement (delivered at commit): a resume on another replica wakes to read them.
    await this.db.execute(sql`
      with stored as (
        insert into ${chatTurnChunks} (turn_id, seq, chunks) values (${turnId}, ${firstSeq}, ${JSON.stringify(chunks)}::jsonb)
      )
      select pg_notify(${TURN_CHANNEL}, ${turnId})`);
  }

  /** Tells the replicas following a turn (through the database) that it changed: its end is stored. */
  async announce(turnId: string): Promise<void> {
    await this.db.execute(sql`select pg_notify(${TURN_CHANNEL}, ${turnId})`);
  }

  /** The chunks after `afterSeq`, in order, each with its number. */
  async chunksAfter(turnId: string, afterSeq: number): Promise<{ seq: number; chunk: unknown }[]> {
    const batches = await this.db
      .select({ seq: chatTurnChunks.seq, chunks: chatTurnChunks.chunks })
      .from(chatTurnChunks)
      .where(and(eq(chatTurnChunks.turnId, turnId), gt(sql`${chatTurnChunks.seq} + jsonb_array_length(${chatTurnChunks.chunks})`, afterSeq + 1)))
      .orderBy(asc(chatTurnChunks.seq));
    return batches.flatMap((b) => b.chunks.map((chunk, i) => ({ seq: b.seq + i, chunk }))).filter((c) => c.seq > afterSeq);
  }
}
