/**
 * A task's time: local date + wall time + IANA zone → the instant it falls due, and its recurrence
 * (an RFC 5545 rule, the `rrule` library). Rules are expanded on "floating" times (the local wall time
 * written as if it were UTC) and only then placed in the zone, so "every weekday at 09:00" stays at
 * 09:00 local across DST, as a calendar app does. A wall time that does not exist (the hour skipped
 * in spring) moves forward by the gap; one that happens twice (autumn) is the first of the two
 * (Temporal's "compatible" choice, also what calendar apps do).
 */
import rrulePkg from "rrule";
import { describeRule } from "@todo/contracts/repeat";
import { DomainError } from "../domain-error.ts";

const { RRule, Frequency } = rrulePkg;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let made = partsFormatters.get(timeZone);
  if (!made) {
    made = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    partsFormatters.set(timeZone, made);
  }
  return made;
}

/** The local wall clock of an instant in a zone, as milliseconds "as if UTC" (floating). */
function floatingOf(instant: number, timeZone: string): number {
  const parts = partsFormatter(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const year = get("year");
  const d = new Date(Date.UTC(2000, get("month") - 1, get("day"), get("hour"), get("minute"), get("second")));
  d.setUTCFullYear(year);
  return d.getTime() + (instant % 1000);
}

/** A zone's offset from UTC at an instant, in minutes (what chrono takes as its reference zone). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  return Math.round((floatingOf(instant.getTime(), timeZone) - instant.getTime()) / 60_000);
}

const DAY_MS = 86_400_000;

/** The instant a floating (local wall) time is in a zone; skipped times move forward, repeated ones take the first. */
export function zonedInstant(floating: number, timeZone: string): Date {
  const offsetBefore = floatingOf(floating - DAY_MS, timeZone) - (floating - DAY_MS);
  const offsetAfter = floatingOf(floating + DAY_MS, timeZone) - (floating + DAY_MS);
  const candidates = [floating - offsetBefore, floating - offsetAfter].filter((t) => floatingOf(t, timeZone) === floating);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In a gap: the offset before the transition lands the same distance past it.
  return new Date(floating - offsetBefore);
}

/** YYYY-MM-DD and HH:MM of an instant in a zone. */
export function localDateTime(instant: Date, timeZone: string): { date: string; time: string } {
  const iso = new Date(floatingOf(instant.getTime(), timeZone)).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** Today's date in a zone. */
export const todayIn = (now: Date, timeZone: string) => localDateTime(now, timeZone).date;

function floating(date: string, time: string | null): number {
  const d = new Date(`${date}T${time ?? "00:00"}:00Z`);
  return d.getTime();
}

const dateOf = (f: number) => new Date(f).toISOString().slice(0, 10);

export interface TaskTiming {
  dueDate: string | null;
  dueTime: string | null;
  timeZone: string | null;
}

/**
 * The instant a task falls due — the one function the reminders engine needs. A timed task: its
 * local date + time in its zone. An all-day task: null (it has a day, not an instant; a reminder
 * relative to it picks its own time of day, e.g. "the day before at 09:00", and places it with
 * zonedInstant in the person's zone).
 */
export function dueInstant(task: TaskTiming): Date | null {
  if (!task.dueDate || !task.dueTime) return null;
  return zonedInstant(floating(task.dueDate, task.dueTime), task.timeZone ?? "UTC");
}

// ---- Recurrence ---------------------------------------------------------------------------------

const ALLOWED_FREQS = new Set([Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.YEARLY]);
const TIME_PARTS = ["byhour", "byminute", "bysecond", "byeaster", "dtstart", "tzid"] as const;

type RuleOptions = ReturnType<typeof RRule.parseString>;

function parseRule(text: string): RuleOptions {
  const body = text.trim().replace(/^RRULE:/i, "");
  let options: RuleOptions;
  try {
    options = RRule.parseString(body.toUpperCase());
  } catch (err) {
    throw new DomainError("validation_error", `repeat is not an RFC 5545 rule: ${(err as Error).message}`, { field: "repeat" });
  }
  if (options.freq === undefined || !ALLOWED_FREQS.has(options.freq)) {
    throw new DomainError("validation_error", "repeat must be DAILY, WEEKLY, MONTHLY or YEARLY (FREQ=WEEKLY;BYDAY=MO)", { field: "repeat" });
  }
  for (const part of TIME_PARTS) {
    if (options[part] !== undefined && options[part] !== null) {
      throw new DomainError("validation_error", `repeat cannot set ${part.toUpperCase()}: the task's due date and time are the start`, { field: "repeat" });
    }
  }
  if (options.count !== undefined && options.count !== null && options.count < 1) {
    throw new DomainError("validation_error", "repeat's COUNT is at least 1", { field: "repeat" });
  }
  if (options.interval !== undefined && (options.interval < 1 || options.interval > 1000)) {
    throw new DomainError("validation_error", "repeat's INTERVAL is between 1 and 1000", { field: "repeat" });
  }
  return options;
}

/** The rule checked and written canonically (FREQ=WEEKLY;BYDAY=MO,TH), without the RRULE: prefix. */
export function normalizeRule(text: string): string {
  return writeRule(parseRule(text), text);
}

function ruleFrom(text: string, start: number): InstanceType<typeof RRule> {
  const options = parseRule(text);
  // An UNTIL date is inclusive of that whole local day.
  if (options.until && /UNTIL=\d{8}(?:;|$)/i.test(text)) options.until = new Date(options.until.getTime() + DAY_MS - 1);
  return new RRule({ ...options, dtstart: new Date(start) });
}

/** The rule in words: one formatter, shared with the web app's rule editor. */
export { describeRule };

export interface Occurrence {
  dueDate: string;
  /** The rule to keep (COUNT counts the occurrences left, so it shrinks by one). */
  repeat: string;
}

/**
 * The occurrence after the current one (date and the time it keeps), or null when the rule has ended.
 * One already in the past (a task completed late) moves on to the first occurrence from today.
 */
export function nextOccurrence(task: TaskTiming & { repeat: string }, today: string): Occurrence | null {
  if (!task.dueDate) return null;
  const options = parseRule(task.repeat);
  if (options.count !== undefined && options.count !== null && options.count <= 1) return null;
  const start = floating(task.dueDate, task.dueTime);
  const rule = ruleFrom(task.repeat, start);
  let next = rule.after(new Date(start), false);
  if (next && dateOf(next.getTime()) < today) next = rule.after(new Date(floating(today, null)), true);
  if (!next) return null;
  const repeat = options.count ? task.repeat.replace(/COUNT=\d+/i, `COUNT=${options.count - 1}`) : task.repeat;
  return { dueDate: dateOf(next.getTime()), repeat };
}

/** The first occurrence on or after a date (for a rule given to a task with no due date yet). */
export function firstOccurrence(repeat: string, from: string): string | null {
  const start = floating(from, null);
  const next = ruleFrom(repeat, start).after(new Date(start), true);
  return next ? dateOf(next.getTime()) : null;
}

const WEEKDAYS = [RRule.SU, RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA];

/**
 * The rule pinned to the day it starts on: "every week" started on a Thursday becomes BYDAY=TH,
 * "every month" started on the 31st BYMONTHDAY=31. The task's due date moves with each occurrence
 * (and may be rescheduled once); the pinned rule keeps the later ones where they were meant to be.
 */
export function anchorRule(text: string, dueDate: string): string {
  const options = parseRule(text);
  const day = new Date(`${dueDate}T00:00:00Z`);
  const none = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  if (options.freq === Frequency.WEEKLY && none(options.byweekday)) options.byweekday = [WEEKDAYS[day.getUTCDay()]!];
  if (options.freq === Frequency.MONTHLY && none(options.byweekday) && none(options.bymonthday) && none(options.bysetpos)) {
    options.bymonthday = [day.getUTCDate()];
  }
  if (options.freq === Frequency.YEARLY && none(options.bymonth) && none(options.byweekday) && none(options.byyearday) && none(options.byweekno)) {
    options.bymonth = [day.getUTCMonth() + 1];
    options.bymonthday = [day.getUTCDate()];
  }
  return writeRule(options, text);
}

function writeRule(options: RuleOptions, original: string): string {
  let out = RRule.optionsToString(options).replace(/^RRULE:/, "");
  if (/UNTIL=\d{8}(?:;|$)/i.test(original) && options.until)
    out = out.replace(/UNTIL=\d{8}T\d{6}Z/, `UNTIL=${dateOf(options.until.getTime()).replaceAll("-", "")}`);
  return out;
}
