/**
 * When a reminder fires: a task's due instant in the person's time zone, and a reminder spec
 * applied to it. Pure functions of their inputs (no clock), so DST days are tested directly.
 */
import type { ReminderSpec } from "@todo/contracts";
import { dueInstant } from "../tasks/tasks.time.ts";

/** The local time an all-day task (a due date without a time) means for its relative reminders. */
export const DEFAULT_DUE_TIME = "09:00";

/** One formatter per zone, made once: building one costs far more than using it. */
const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let made = partsFormatters.get(timeZone);
  if (!made) {
    made = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormatters.set(timeZone, made);
  }
  return made;
}

/** The zone's offset from UTC, in minutes, at an instant (e.g. +60 for Berlin in winter). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = partsFormatter(timeZone).formatToParts(instant);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant a local date and time (YYYY-MM-DD, HH:MM) names in a time zone. A time that does not
 * exist (skipped by a DST jump) moves forward by the jump, as calendar apps do; an ambiguous one
 * (repeated by a DST fall-back) is its first occurrence.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const [h, mi] = time.split(":").map(Number) as [number, number];
  const local = Date.UTC(y, mo - 1, d, h, mi);
  // The offset an hour either side of the wall time; the earlier one decides an ambiguous time.
  const before = offsetMinutes(new Date(local - 3_600_000 * 3), timeZone);
  const after = offsetMinutes(new Date(local + 3_600_000 * 3), timeZone);
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = new Date(local - offset * 60_000);
    if (offsetMinutes(candidate, timeZone) === offset) return candidate;
  }
  // The wall time fell in a gap: the same wall time read with the offset from before the jump.
  return new Date(local - before * 60_000);
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

/** The local due date a relative "days before at HH:MM" counts from. */
function dueLocalDate(due: Date, timeZone: string): string {
  const parts = partsFormatter(timeZone).formatToParts(due);
  const get = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** When a spec fires for a task; null when it is relative and the task has no due time. */
export function planFireAt(spec: ReminderSpec, task: TaskTiming, timeZone: string): Date | null {
  if ("at" in spec) return new Date(spec.at);
  const due = dueInstantFor(task, timeZone);
  if (!due) return null;
  if ("minutesBefore" in spec) return new Date(due.getTime() - spec.minutesBefore * 60_000);
  return zonedInstant(daysBefore(dueLocalDate(due, timeZone), spec.daysBefore), spec.time, timeZone);
}

/** Whether a spec needs the task's due time. */
export const isRelative = (spec: ReminderSpec) => !("at" in spec);
