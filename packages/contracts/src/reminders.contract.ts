/**
 * Reminder shapes: when a reminder fires, as an absolute instant or relative to its task's due
 * time, and what the API answers. One schema per shape for REST bodies, MCP inputs and web forms.
 */
import { z } from "zod";
import { REMINDER_LIMITS, REMINDER_STATES } from "./constants.ts";

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;

/**
 * An instant as ISO 8601 with an offset or Z, on a date that exists. Checked in code rather than by
 * zod's ISO pattern, whose JSON Schema (a leap-year pattern) would cost every tool definition ~400 bytes.
 */
export const InstantSchema = z
  .string()
  .superRefine((v, ctx) => {
    const m = ISO_INSTANT.exec(v);
    const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
    if (!m || !day || day.getUTCMonth() !== Number(m[2]) - 1 || day.getUTCDate() !== Number(m[3]) || Number.isNaN(Date.parse(v))) {
      ctx.addIssue({ code: "custom", message: "an ISO 8601 date-time with an offset, e.g. 2026-12-06T18:00:00+01:00" });
    }
  })
  .meta({ format: "date-time" });

/** `HH:MM`, 24-hour, local to the person's time zone. */
const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day as HH:MM (24-hour)");

/**
 * When a reminder fires. `at`: an instant (ISO 8601 with an offset or Z). `minutesBefore`: that
 * long before the task's due time ("30 minutes before" is 30). `daysBefore` + `time`: on the day
 * that many days before the due date, at that local time ("the day before at 9" is 1 and 09:00).
 */
export const ReminderSpecSchema = z.union([
  z.strictObject({ at: InstantSchema.describe("When to remind") }),
  z.strictObject({
    minutesBefore: z
      .number()
      .int("a whole number of minutes")
      .min(0, "0 or more minutes")
      .max(REMINDER_LIMITS.minutesBeforeMax, `at most ${REMINDER_LIMITS.minutesBeforeMax} minutes (30 days)`)
      .describe("Before the due time"),
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
  until: InstantSchema.describe("Fire again at this instant"),
});
