/**
 * The only reader and writer of the `reminders` table: a person's reminders (always scoped by
 * user id), re-planning a task's reminders, and the scheduler's claim and mark-fired statements.
 */
import type { Reminder, ReminderSpec } from "@todo/contracts";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { reminders, tasks } from "../db/schema.ts";

export type ReminderRow = typeof reminders.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toReminder(row: ReminderRow): Reminder {
  return {
    id: row.id,
    taskId: row.taskId,
    spec: row.spec,
    fireAt: iso(row.fireAt),
    state: row.state,
    firedAt: iso(row.firedAt),
    late: row.late,
    snoozedUntil: iso(row.snoozedUntil),
    createdAt: row.createdAt.toISOString(),
  };
}

/** What the scheduler needs of a task (and its owner, for the time zone). */
export interface TaskForReminders {
  id: string;
  userId: string;
  title: string;
  dueDate: string | null;
  dueTime: string | null;
  timeZone: string | null;
  completed: boolean;
}

/** A reminder a replica claimed to deliver, with what the notification says. */
export interface ClaimedReminder {
  id: string;
  userId: string;
  taskId: string;
  fireAt: Date;
  title: string;
  dueDate: string | null;
  dueTime: string | null;
  timeZone: string | null;
}

/** A claim's lease end, in microseconds since the epoch: unique per claim, so it is the claim's token. */
export type ClaimToken = bigint;

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

export class ReminderRepository {
  constructor(private readonly db: Database) {}

  async findTask(userId: string, taskId: string): Promise<TaskForReminders | undefined> {
    const [row] = await this.db
      .select({
        id: tasks.id,
        userId: tasks.userId,
        title: tasks.title,
        dueDate: tasks.dueDate,
        dueTime: tasks.dueTime,
        timeZone: tasks.timeZone,
        completed: tasks.completed,
      })
      .from(tasks)
      // A task in the Trash has no reminders to plan: they are cancelled when it is deleted.
      .where(and(eq(tasks.id, taskId), eq(tasks.userId, userId), isNull(tasks.deletedAt)));
    return row;
  }

  listByTask(userId: string, taskId: string): Promise<ReminderRow[]> {
    return this.db
      .select()
      .from(reminders)
      .where(and(eq(reminders.userId, userId), eq(reminders.taskId, taskId)))
      .orderBy(asc(reminders.createdAt), asc(reminders.id));
  }

  /** The person's tasks that have reminders. */
  async taskIdsOf(userId: string): Promise<string[]> {
    const rows = await this.db.selectDistinct({ taskId: reminders.taskId }).from(reminders).where(eq(reminders.userId, userId));
    return rows.map((r) => r.taskId);
  }

  async find(userId: string, id: string): Promise<ReminderRow | undefined> {
    const [row] = await this.db
      .select()
      .from(reminders)
      .where(and(eq(reminders.userId, userId), eq(reminders.id, id)));
    return row;
  }

  async countByTask(userId: string, taskId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(reminders)
      .where(and(eq(reminders.userId, userId), eq(reminders.taskId, taskId)));
    return row?.n ?? 0;
  }

  async insert(userId: string, taskId: string, spec: ReminderSpec, fireAt: Date | null): Promise<ReminderRow> {
    const [row] = await this.db.insert(reminders).values({ userId, taskId, spec, fireAt }).returning();
    return row!;
  }

  async delete(userId: string, taskId: string, id: string): Promise<boolean> {
    const gone = await this.db
      .delete(reminders)
      .where(and(eq(reminders.userId, userId), eq(reminders.taskId, taskId), eq(reminders.id, id)))
      .returning({ id: reminders.id });
    return gone.length > 0;
  }

  /** Sets a reminder's state and times; clears any claim (a replica delivering it will not mark it). */
  async plan(
    userId: string,
    id: string,
    values: { state: ReminderRow["state"]; fireAt: Date | null; snoozedUntil: Date | null },
  ): Promise<ReminderRow | undefined> {
    const [row] = await this.db
      .update(reminders)
      .set({ ...values, claimedUntil: null })
      .where(and(eq(reminders.userId, userId), eq(reminders.id, id)))
      .returning();
    return row;
  }

  /**
   * The task is completed or in the Trash: its reminders still to fire are held (suspended), and
   * armed again if it is reopened or restored while their time is still ahead.
   */
  async suspendForTask(userId: string, taskId: string): Promise<void> {
    await this.db
      .update(reminders)
      .set({ state: "suspended", claimedUntil: null })
      .where(and(eq(reminders.userId, userId), eq(reminders.taskId, taskId), eq(reminders.state, "pending")));
  }

  /**
   * Claims up to `limit` pending reminders due by `now` that no live claim holds, oldest first. Rows
   * another replica is claiming at this moment are skipped, not waited for (SKIP LOCKED), so any
   * number of replicas share the work and none takes a reminder another holds.
   */
  async claimDue(now: Date, token: ClaimToken, limit: number): Promise<ClaimedReminder[]> {
    const result = await this.db.execute(sql`
      update reminders r
         set claimed_until = timestamptz 'epoch' + ${token.toString()}::bigint * interval '1 microsecond'
        from tasks t
       where r.id in (
               select id from reminders
                where state = 'pending' and fire_at <= ${now.toISOString()}::timestamptz
                  and (claimed_until is null or claimed_until < ${now.toISOString()}::timestamptz)
                order by fire_at
                limit ${limit}
                  for update skip locked)
         and t.id = r.task_id
      returning r.id, r.user_id, r.task_id, r.fire_at, t.title, t.due_date::text as due_date, t.due_time, t.time_zone`);
    return rowsOf<{
      id: string;
      user_id: string;
      task_id: string;
      fire_at: Date | string;
      title: string;
      due_date: string | null;
      due_time: string | null;
      time_zone: string | null;
    }>(result).map((r) => ({
      id: r.id,
      userId: r.user_id,
      taskId: r.task_id,
      fireAt: new Date(r.fire_at),
      title: r.title,
      dueDate: r.due_date,
      dueTime: r.due_time,
      timeZone: r.time_zone,
    }));
  }

  /**
   * Marks delivered reminders fired, those whose claim is still this one's (not re-planned, not
   * taken over); late when they fire more than `lateAfterMs` after their time. Returns how many.
   */
  async markFired(ids: string[], token: ClaimToken, firedAt: Date, lateAfterMs: number): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db.execute(sql`
      update reminders
         set state = 'fired', fired_at = ${firedAt.toISOString()}::timestamptz,
             late = ${firedAt.toISOString()}::timestamptz - fire_at > ${lateAfterMs}::int * interval '1 millisecond',
             claimed_until = null, snoozed_until = null, updated_at = now()
       where id = any(${`{${ids.join(",")}}`}::uuid[]) and state = 'pending'
         and claimed_until = timestamptz 'epoch' + ${token.toString()}::bigint * interval '1 microsecond'
      returning id`);
    return rowsOf(result).length;
  }
}
