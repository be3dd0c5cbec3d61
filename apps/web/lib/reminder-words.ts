/**
 * Reminders in the task editor: each one in words ("30 minutes before", "the day before at 09:00",
 * "Tue 1 Dec, 18:00"), and the presets the editor offers relative to the task's due time.
 */
import type { Reminder, ReminderSpec } from "@todo/contracts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const pad = (n: number) => String(n).padStart(2, "0");

/** "Tue 1 Dec, 18:00" in the browser's zone (the person's, which the tasks page adopts). */
export function formatInstant(iso: string): string {
  const d = new Date(iso);
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]}, ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function minutesWords(minutes: number): string {
  if (minutes === 0) return "at the due time";
  if (minutes % 1440 === 0) return minutes === 1440 ? "1 day before" : `${minutes / 1440} days before`;
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour before" : `${minutes / 60} hours before`;
  return minutes === 1 ? "1 minute before" : `${minutes} minutes before`;
}

/** What a reminder's spec says, in words. */
export function describeReminderSpec(spec: ReminderSpec): string {
  if ("at" in spec) return formatInstant(spec.at);
  if ("minutesBefore" in spec) return minutesWords(spec.minutesBefore);
  if (spec.daysBefore === 0) return `on the day at ${spec.time}`;
  return spec.daysBefore === 1 ? `the day before at ${spec.time}` : `${spec.daysBefore} days before at ${spec.time}`;
}

/** The reminder in words, with how it stands when it is not simply waiting. */
export function describeReminder(reminder: Reminder): string {
  const words = describeReminderSpec(reminder.spec);
  const sentence = words[0]!.toUpperCase() + words.slice(1);
  if (reminder.state === "fired") return `${sentence} (sent)`;
  if (reminder.state === "cancelled") return `${sentence} (dismissed)`;
  if (reminder.snoozedUntil) return `${sentence} (snoozed until ${formatInstant(reminder.snoozedUntil)})`;
  return sentence;
}

/** Presets relative to the task's due time, for a task with a due date. */
export const RELATIVE_REMINDERS: { key: string; label: string; spec: ReminderSpec }[] = [
  { key: "0", label: "At the due time", spec: { minutesBefore: 0 } },
  { key: "10", label: "10 minutes before", spec: { minutesBefore: 10 } },
  { key: "30", label: "30 minutes before", spec: { minutesBefore: 30 } },
  { key: "60", label: "1 hour before", spec: { minutesBefore: 60 } },
  { key: "day-before", label: "The day before at 09:00", spec: { daysBefore: 1, time: "09:00" } },
];
