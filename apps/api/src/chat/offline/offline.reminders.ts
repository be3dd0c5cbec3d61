/**
 * The offline assistant's reminders: "remind me to call mom on sunday at 6" (a reminder at that
 * time, the task due that day) and "remind me an hour before" / "the day before at 9" (relative to
 * the task the conversation just named). Times are read by chrono-node in the person's zone.
 */
import type { ReminderSpec } from "@todo/contracts";
import * as chrono from "chrono-node";
import { zoneOffsetMinutes } from "../../tasks/tasks.time.ts";
import { localDate } from "./offline.dates.ts";

/**
 * The instant a sentence names with a time of day ("sunday at 6", "tomorrow at 9:30am"), or none
 * when it names no time. A bare hour from 1 to 7 is the evening ("at 6" is 18:00), as people mean it.
 */
export function findReminderTime(text: string, now: Date, timeZone: string): { at: string; date: string } | undefined {
  const ref = { instant: now, timezone: zoneOffsetMinutes(now, timeZone) };
  let [hit] = chrono.parse(text, ref, { forwardDate: true });
  if (!hit?.start.isCertain("hour")) return undefined;
  const hour = hit.start.get("hour") ?? 0;
  if (!hit.start.isCertain("meridiem") && hour >= 1 && hour <= 7) {
    const end = hit.index + hit.text.length;
    [hit] = chrono.parse(`${text.slice(0, end)}pm${text.slice(end)}`, ref, { forwardDate: true });
    if (!hit) return undefined;
  }
  const instant = hit.start.date();
  return { at: instant.toISOString(), date: localDate(instant, timeZone) };
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  "forty-five": 45,
  half: 0.5,
};
const UNIT_MINUTES: Record<string, number> = { minute: 1, min: 1, hour: 60, day: 1440, week: 10_080 };

/**
 * "remind me an hour before", "remind me 30 minutes before", "remind me the day before at 9",
 * "remind me 2 days before": a reminder relative to the task's due time; undefined for anything else.
 */
export function parseRelativeReminder(text: string): ReminderSpec | undefined {
  const t = text.toLowerCase().trim();
  const dayBefore = t.match(
    /^(?:please\s+)?remind me (?:(?:on )?the day|(\d+|a|one|two|three) days?) before(?: it)?(?: at (\d{1,2})(?::(\d{2}))?\s*(am|pm)?)?$/,
  );
  if (dayBefore) {
    const days = dayBefore[1] ? Number(dayBefore[1]) || NUMBER_WORDS[dayBefore[1]]! : 1;
    if (!dayBefore[2]) return { minutesBefore: days * 1440 };
    let hour = Number(dayBefore[2]);
    if (dayBefore[4] === "pm" && hour < 12) hour += 12;
    if (dayBefore[4] === "am" && hour === 12) hour = 0;
    if (hour > 23) return undefined;
    return { daysBefore: days, time: `${String(hour).padStart(2, "0")}:${dayBefore[3] ?? "00"}` };
  }
  const m = t.match(
    /^(?:please\s+)?remind me (?:(\d+|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty-five|half) (?:an? )?)?(minute|min|hour|day|week)s? before(?: it)?$/,
  );
  if (!m) return undefined;
  const count = m[1] ? Number(m[1]) || NUMBER_WORDS[m[1]]! : 1;
  const minutes = Math.round(count * UNIT_MINUTES[m[2]!]!);
  return minutes > 0 ? { minutesBefore: minutes } : undefined;
}
