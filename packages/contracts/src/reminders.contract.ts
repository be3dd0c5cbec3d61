/**
 * Reminder shapes: when a reminder fires, as an absolute instant or relative to its task's due
 * time, and what the API answers. One schema per shape for REST bodies, MCP inputs and web forms.
 */
import { z } from "zod";
import { REMINDER_LIMITS, REMINDER_STATES } from "./constants.ts";

/** `HH:MM`, 24-hour, local to the person's time zone. */
const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day as HH:MM (24-hour)");

/**
 * When a reminder fires. `at`: an instant (ISO 8601 with an offset or Z). `minutesBefore`: that
 * long before the task's due time ("30 minutes before" is 30). `daysBefore` + `time`: on the day
 * that many days before the due date, at that local time ("the day before at 9" is 1 and 09:00).
 */
export const ReminderSpecSchema = z.union([
  z.strictObject({
    at: z.iso
      .datetime({ offset: true, message: "an ISO 8601 date-time with an offset, e.g. 2026-12-06T18:00:00+01:00" })
      .describe("When to remind, ISO 8601 with offset"),
  }),
  z.strictObject({
    minutesBefore: z
      .number()
      .int("a whole number of minutes")
      .min(0, "0 or more minutes")
      .max(REMINDER_LIMITS.minutesBeforeMax, `at most ${REMINDER_LIMITS.minutesBeforeMax} minutes (30 days)`)
      .describe("Minutes before the task's due time"),
  }),
  z.strictObject({
    daysBefore: z
      .number()
      .int("a whole number of days")
      .min(0, "0 or more days")
      .max(REMINDER_LIMITS.daysBeforeMax, `at most ${REMINDER_LIMITS.daysBeforeMax} days`)
      .describe("Days before the due date"),
    time: LocalTimeSchema.describe("Local time of day, HH:MM"),
  }),
]);
export type ReminderSpec = z.infer<typeof ReminderSpecSchema>;

export const ReminderStateSchema = z.enum(REMINDER_STATES);

export const ReminderSchema = z.object({
  id: z.uuid(),
  taskId: z.uuid(),
  spec: ReminderSpecSchema,
  /** When it fires next (or fired); null while a relative reminder's task has no due date. */
  fireAt: z.string().nullable(),
  state: ReminderStateSchema,
  firedAt: z.string().nullable(),
  /** It fired well after its time (every replica was down then). */
  late: z.boolean(),
  snoozedUntil: z.string().nullable(),
  createdAt: z.string(),
});
export type Reminder = z.infer<typeof ReminderSchema>;

export const SnoozeReminderSchema = z.strictObject({
  until: z.iso.datetime({ offset: true, message: "an ISO 8601 date-time with an offset" }).describe("Fire again at this instant"),
});
