/**
 * When a reminder fires: a task's due instant in the person's time zone, and a reminder spec
 * applied to it. Pure functions of their inputs (no clock), so DST days are tested directly.
 */
import type { ReminderSpec } from "@todo/contracts";
import { dueInstant, localDateTime, zonedInstant as zonedFloating } from "../tasks/tasks.time.ts";

/** The local time an all-day task (a due date without a time) means for its relative reminders. */
export const DEFAULT_DUE_TIME = "09:00";

/**
 * The instant a local date and time (YYYY-MM-DD, HH:MM) names in a time zone, by the tasks' own
 * rule (tasks.time.ts): a skipped time moves forward by the jump, a repeated one is its first.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  return zonedFloating(Date.parse(`${date}T${time}:00Z`), timeZone);
}

/** The local calendar date `days` before a YYYY-MM-DD date. */
function daysBefore(date: string, days: number): string {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d - days)).toISOString().slice(0, 10);
}

/** What of a task decides its reminders. */
export interface TaskTiming {
  dueDate: string | null;
  /** Local HH:MM in `timeZone` (null: all day). */
  dueTime?: string | null;
  /** The zone the due time is meant in (null: the person's). */
  timeZone?: string | null;
  completed: boolean;
}

/**
 * A task's due instant: its due date and time in the task's zone (tasks.time.ts `dueInstant`); an
 * all-day task counts as due at 09:00 on its date in the person's zone (`timeZone`).
 */
export function dueInstantFor(task: TaskTiming, timeZone: string): Date | null {
  if (!task.dueDate) return null;
  if (task.dueTime) return dueInstant({ dueDate: task.dueDate, dueTime: task.dueTime, timeZone: task.timeZone ?? timeZone });
  return zonedInstant(task.dueDate, DEFAULT_DUE_TIME, timeZone);
}

/** When a spec fires for a task; null when it is relative and the task has no due time. */
export function planFireAt(spec: ReminderSpec, task: TaskTiming, timeZone: string): Date | null {
  if ("at" in spec) return new Date(spec.at);
  const due = dueInstantFor(task, timeZone);
  if (!due) return null;
  if ("minutesBefore" in spec) return new Date(due.getTime() - spec.minutesBefore * 60_000);
  return zonedInstant(daysBefore(localDateTime(due, timeZone).date, spec.daysBefore), spec.time, timeZone);
}

/** Whether a spec needs the task's due time. */
export const isRelative = (spec: ReminderSpec) => !("at" in spec);
