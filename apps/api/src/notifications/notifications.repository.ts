/**
 * Notifications and Web Push subscriptions in the database. Every read and change is scoped to
 * the acting person's id: another person's notification or subscription is simply not found.
 */
import { NOTIFICATION_LIMITS, type Notification } from "@todo/contracts";
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, notInArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { notifications, pushSubscriptions, tasks } from "../db/schema.ts";
import { notFound } from "../domain-error.ts";

/** The NOTIFY channel a stored notification is announced on ({ userId, id }), to every replica. */
export const NOTIFICATION_CHANNEL = "todo_notifications";

type Row = typeof notifications.$inferSelect;
export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;

export interface NewNotification {
  userId: string;
  taskId: string;
  reminderId: string;
  title: string;
  body: string;
  dueAt: string | null;
  /** The firing (ISO): a second insert of the same reminder's firing stores nothing. */
  fireAt: string;
  late: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toNotification(row: Row): Notification {
  return {
    id: row.id,
    taskId: row.taskId,
    reminderId: row.reminderId,
    title: row.title,
    body: row.body,
    dueAt: iso(row.dueAt),
    late: row.late,
    createdAt: row.createdAt.toISOString(),
    readAt: iso(row.readAt),
    dismissedAt: iso(row.dismissedAt),
    snoozedUntil: iso(row.snoozedUntil),
  };
}

export class NotificationsRepository {
  constructor(private readonly db: Database) {}

  /** Stores one and announces it on NOTIFICATION_CHANNEL in the same transaction (sent on commit). */
  /** Stores and announces a notification; undefined when this firing was stored before (re-delivered after a crash). */
  async insert(n: NewNotification): Promise<Notification | undefined> {
    if (!UUID.test(n.taskId)) throw notFound("task");
    return this.db.transaction(async (tx) => {
      // A reminder only ever reaches its task's owner.
      const [owned] = await tx
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(eq(tasks.id, n.taskId), eq(tasks.userId, n.userId)));
      if (!owned) throw notFound("task");
      const [row] = await tx
        .insert(notifications)
        .values({ ...n, dueAt: n.dueAt === null ? null : new Date(n.dueAt), fireAt: new Date(n.fireAt) })
        .onConflictDoNothing({ target: [notifications.reminderId, notifications.fireAt] })
        .returning();
      if (!row) return undefined;
      await tx.execute(sql`select pg_notify(${NOTIFICATION_CHANNEL}, ${JSON.stringify({ userId: row.userId, id: row.id })})`);
      return toNotification(row);
    });
  }

  async get(userId: string, id: string): Promise<Notification | undefined> {
    const [row] = await this.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.id, id)));
    return row && toNotification(row);
  }

  /** The latest not dismissed, newest first, and how many are unread (those of tasks in the Trash are not listed). */
  async list(userId: string): Promise<{ unread: number; notifications: Notification[] }> {
    const inTrash = this.db
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(eq(tasks.userId, userId), isNotNull(tasks.deletedAt)));
    const open = and(eq(notifications.userId, userId), isNull(notifications.dismissedAt), notInArray(notifications.taskId, inTrash));
    const [rows, [unread]] = await Promise.all([
      this.db.select().from(notifications).where(open).orderBy(desc(notifications.createdAt), desc(notifications.id)).limit(NOTIFICATION_LIMITS.listMax),
      this.db
        .select({ n: count() })
        .from(notifications)
        .where(and(open, isNull(notifications.readAt))),
    ]);
    return { unread: unread?.n ?? 0, notifications: rows.map(toNotification) };
  }

  /**
   * What a stream that last saw `lastId` missed: the person's notifications after it, oldest first.
   * An id that is not theirs (or gone) replays nothing.
   */
  async after(userId: string, lastId: string): Promise<Notification[]> {
    // Compared in SQL: a timestamp read into a JS Date loses its microseconds.
    const last = sql`(select ${notifications.createdAt}, ${notifications.id} from ${notifications} where ${notifications.userId} = ${userId} and ${notifications.id} = ${lastId})`;
    const rows = await this.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.dismissedAt), sql`(${notifications.createdAt}, ${notifications.id}) > ${last}`))
      .orderBy(asc(notifications.createdAt), asc(notifications.id))
      .limit(NOTIFICATION_LIMITS.replayMax);
    return rows.map(toNotification);
  }

  /** Sets fields of the person's notification; undefined when it is not theirs. */
  async update(userId: string, id: string, changes: Partial<Pick<Row, "readAt" | "dismissedAt" | "snoozedUntil">>): Promise<Notification | undefined> {
    const [row] = await this.db
      .update(notifications)
      .set(changes)
      .where(and(eq(notifications.userId, userId), eq(notifications.id, id)))
      .returning();
    return row && toNotification(row);
  }

  // ---- Web Push subscriptions ----

  /** Saves a browser's subscription for this person (a browser that was someone else's moves over). */
  async saveSubscription(userId: string, s: { endpoint: string; p256dh: string; auth: string }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .insert(pushSubscriptions)
        .values({ userId, ...s })
        .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { userId, p256dh: s.p256dh, auth: s.auth, createdAt: new Date() } });
      // The oldest beyond the per-person limit make room.
      const keep = tx
        .select({ id: pushSubscriptions.id })
        .from(pushSubscriptions)
        .where(eq(pushSubscriptions.userId, userId))
        .orderBy(desc(pushSubscriptions.createdAt))
        .limit(NOTIFICATION_LIMITS.subscriptionsPerUser);
      await tx.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, userId), sql`${pushSubscriptions.id} not in (${keep})`));
    });
  }

  /** Removes the person's subscription with this endpoint; false when they have none such. */
  async deleteSubscription(userId: string, endpoint: string): Promise<boolean> {
    const rows = await this.db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
      .returning({ id: pushSubscriptions.id });
    return rows.length > 0;
  }

  async subscriptions(userId: string): Promise<PushSubscriptionRow[]> {
    return this.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
  }

  /** Forgets subscriptions the push service says are gone (404/410). */
  async deleteSubscriptionsById(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.delete(pushSubscriptions).where(inArray(pushSubscriptions.id, ids));
  }
}
