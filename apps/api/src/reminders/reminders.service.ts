/**
 * Reminder rules, shared by the REST routes and the MCP tools: add, list, remove, snooze and
 * dismiss a person's reminders, and re-plan a task's reminders whenever the task changes (the task
 * service calls `replanTask` from its write paths). Every method takes the acting user's id; a task
 * or reminder of someone else is indistinguishable from one that doesn't exist.
 */
import { REMINDER_LIMITS, type Reminder, type ReminderSpec } from "@todo/contracts";
import { DomainError, notFound } from "../domain-error.ts";
import type { Database } from "../db/client.ts";
import { ReminderRepository, type ReminderRow, type TaskForReminders, toReminder } from "./reminders.repository.ts";
import { isRelative, planFireAt } from "./reminders.time.ts";
import { DEFAULT_TIME_ZONE, SettingsRepository } from "../settings/settings.repository.ts";

/** The person's IANA time zone. */
export type TimeZoneOf = (userId: string) => Promise<string>;
/** Every person on UTC: for tests that pin the zone. */
export const utcForEveryone: TimeZoneOf = async () => "UTC";
/** The person's setting (GET/PATCH /api/me/settings), else UTC. */
export function settingsTimeZoneOf(db: Database): TimeZoneOf {
  const settings = new SettingsRepository(db);
  return async (userId) => (await settings.timeZone(userId)) ?? DEFAULT_TIME_ZONE;
}

export interface ReminderServiceOptions {
  clock?: () => Date;
  timeZoneOf?: TimeZoneOf;
}

/**
 * What the task service holds of reminders: the one call it makes after it changed or deleted a
 * task, and what the MCP tools use to set reminders along with a task they add or change.
 */
/** A transaction to re-plan in, and the person's time zone as that transaction has it. */
export interface PlanWithin {
  tx: Database;
  timeZone: string;
}

export interface TaskReminders {
  replanTask(userId: string, taskId: string): Promise<void>;
  /** Re-plans every reminder of the person's live tasks, inside `within.tx` (their time zone changed). */
  replanPerson(userId: string, within: PlanWithin): Promise<void>;
  /** Throws a validation error when `specs` cannot be set on a task due on `dueDate`. */
  checkSpecs(specs: ReminderSpec[], task: { dueDate: string | null }): void;
  addReminder(userId: string, taskId: string, spec: ReminderSpec): Promise<Reminder>;
}

export class ReminderService implements TaskReminders {
  readonly repo: ReminderRepository;
  private readonly clock: () => Date;
  readonly timeZoneOf: TimeZoneOf;

  constructor(db: Database, options: ReminderServiceOptions = {}) {
    this.repo = new ReminderRepository(db);
    this.clock = options.clock ?? (() => new Date());
    this.timeZoneOf = options.timeZoneOf ?? settingsTimeZoneOf(db);
  }

  private async ownTask(userId: string, taskId: string): Promise<TaskForReminders> {
    const task = await this.repo.findTask(userId, taskId);
    if (!task) throw notFound("task");
    return task;
  }

  async listReminders(userId: string, taskId: string): Promise<Reminder[]> {
    await this.ownTask(userId, taskId);
    return (await this.repo.listByTask(userId, taskId)).map(toReminder);
  }

  async addReminder(userId: string, taskId: string, spec: ReminderSpec): Promise<Reminder> {
    const task = await this.ownTask(userId, taskId);
    if (task.completed) throw new DomainError("validation_error", "the task is completed: reopen it before adding a reminder", { field: "taskId" });
    if ((await this.repo.countByTask(userId, taskId)) >= REMINDER_LIMITS.perTaskMax) {
      throw new DomainError("limit_reached", `a task has at most ${REMINDER_LIMITS.perTaskMax} reminders; remove one first`);
    }
    this.checkSpecs([spec], task);
    return toReminder(await this.repo.insert(userId, taskId, spec, planFireAt(spec, task, await this.timeZoneOf(userId))));
  }

  checkSpecs(specs: ReminderSpec[], task: { dueDate: string | null }): void {
    if (specs.length > REMINDER_LIMITS.perTaskMax) {
      throw new DomainError("validation_error", `a task has at most ${REMINDER_LIMITS.perTaskMax} reminders`, { field: "reminders" });
    }
    for (const spec of specs) {
      if (isRelative(spec) && !task.dueDate) {
        throw new DomainError("validation_error", "the task has no due date: give it one, or remind at a time (at)", { field: "spec" });
      }
      if ("at" in spec && new Date(spec.at).getTime() <= this.clock().getTime()) {
        throw new DomainError("validation_error", "that time has passed: remind at a time in the future", { field: "at" });
      }
    }
  }

  async removeReminder(userId: string, taskId: string, reminderId: string): Promise<void> {
    await this.ownTask(userId, taskId);
    if (!(await this.repo.delete(userId, taskId, reminderId))) throw notFound("reminder");
  }

  /** Fires the reminder (again) at `until`, whatever state it is in; the task must still be open. */
  async snooze(userId: string, reminderId: string, until: Date): Promise<Reminder> {
    const row = await this.ownReminder(userId, reminderId);
    if (until.getTime() <= this.clock().getTime()) throw new DomainError("validation_error", "snooze until a time in the future", { field: "until" });
    const task = await this.ownTask(userId, row.taskId);
    if (task.completed) throw new DomainError("validation_error", "the task is completed: nothing to remind of", { field: "reminderId" });
    return toReminder((await this.repo.plan(userId, reminderId, { state: "pending", fireAt: until, snoozedUntil: until }))!);
  }

  /** Done with it: a reminder still to fire (snoozed, or held while its task is done) never fires; a fired one stays as it is. */
  async dismiss(userId: string, reminderId: string): Promise<Reminder> {
    const row = await this.ownReminder(userId, reminderId);
    if (row.state !== "pending" && row.state !== "suspended") return toReminder(row);
    return toReminder((await this.repo.plan(userId, reminderId, { state: "cancelled", fireAt: row.fireAt, snoozedUntil: null }))!);
  }

  private async ownReminder(userId: string, reminderId: string): Promise<ReminderRow> {
    const row = await this.repo.find(userId, reminderId);
    if (!row) throw notFound("reminder");
    return row;
  }

  /**
   * Re-plans a task's reminders after it changed: completed or deleted, those still to fire are
   * suspended; open, each is recomputed from its spec (a relative one follows the due time). A
   * relative reminder that already fired is armed again when the due time moved past its firing
   * (a rescheduled or repeating task reminds again). A suspended one (the task was completed or
   * deleted, and is now reopened or restored) is armed again when its time is still ahead. A
   * dismissed one stays cancelled. A snooze holds until it fires.
   */
  async replanTask(userId: string, taskId: string, within?: PlanWithin): Promise<void> {
    const repo = within ? new ReminderRepository(within.tx) : this.repo;
    const rows = await repo.listByTask(userId, taskId);
    if (rows.length === 0) return;
    const task = await repo.findTask(userId, taskId);
    if (!task || task.completed) {
      await repo.suspendForTask(userId, taskId);
      return;
    }
    const timeZone = within?.timeZone ?? (await this.timeZoneOf(userId));
    const now = this.clock().getTime();
    for (const row of rows) {
      const planned = row.snoozedUntil ?? planFireAt(row.spec, task, timeZone);
      const same = (planned?.getTime() ?? null) === (row.fireAt?.getTime() ?? null);
      let state = row.state;
      if (row.state === "fired") {
        if (!isRelative(row.spec) || !planned || same || planned.getTime() <= now) continue;
        state = "pending";
      } else if (row.state === "suspended") {
        if (!planned || planned.getTime() <= now) continue;
        state = "pending";
      } else if (row.state === "cancelled" || same) continue;
      await repo.plan(userId, row.id, { state, fireAt: planned, snoozedUntil: row.snoozedUntil });
    }
  }

  async replanPerson(userId: string, within: PlanWithin): Promise<void> {
    for (const taskId of await new ReminderRepository(within.tx).taskIdsOf(userId)) await this.replanTask(userId, taskId, within);
  }
}
