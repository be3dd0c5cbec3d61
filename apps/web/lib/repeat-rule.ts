/**
 * Repeat rules in the task forms: the presets both forms offer, and the custom rule editor's model ↔
 * an RFC 5545 RRULE, built and read with the `rrule` library (as the API checks it). Words for a rule
 * come from the one shared formatter (@todo/contracts/repeat), so the form says what the list will say.
 */
import * as rruleModule from "rrule";

const { RRule, Frequency } = (rruleModule as unknown as { default?: typeof rruleModule }).default ?? rruleModule;
type RuleOptions = ReturnType<typeof RRule.parseString>;

/** Repeat presets: rules the API pins to the task's first date (weekly on its weekday…). */
export const REPEAT_PRESETS = [
  ["", "Does not repeat"],
  ["FREQ=DAILY", "Every day"],
  ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday"],
  ["FREQ=WEEKLY", "Every week"],
  ["FREQ=WEEKLY;INTERVAL=2", "Every 2 weeks"],
  ["FREQ=MONTHLY", "Every month"],
  ["FREQ=YEARLY", "Every year"],
] as const;

export const isPreset = (rule: string) => REPEAT_PRESETS.some(([preset]) => preset === rule);

export type RepeatUnit = "day" | "week" | "month" | "year";
/** Monday first, as the weekday toggles are shown. */
export const WEEKDAYS = [
  { code: "MO", short: "Mon", name: "Monday" },
  { code: "TU", short: "Tue", name: "Tuesday" },
  { code: "WE", short: "Wed", name: "Wednesday" },
  { code: "TH", short: "Thu", name: "Thursday" },
  { code: "FR", short: "Fri", name: "Friday" },
  { code: "SA", short: "Sat", name: "Saturday" },
  { code: "SU", short: "Sun", name: "Sunday" },
] as const;
export type WeekdayCode = (typeof WEEKDAYS)[number]["code"];
/** "on the second Tuesday": 1–4, or -1 for the last. */
export const NTH = [
  [1, "first"],
  [2, "second"],
  [3, "third"],
  [4, "fourth"],
  [-1, "last"],
] as const;

export interface CustomRepeat {
  every: number;
  unit: RepeatUnit;
  /** Weekly: on these days (none: the due date's weekday). */
  weekdays: WeekdayCode[];
  /** Monthly: on a day of the month, or on the nth weekday. */
  monthly: { kind: "day"; day: number } | { kind: "nth"; nth: number; weekday: WeekdayCode };
  ends: { kind: "never" } | { kind: "until"; date: string } | { kind: "count"; count: number };
}

const FREQ_OF: Record<RepeatUnit, number> = { day: Frequency.DAILY, week: Frequency.WEEKLY, month: Frequency.MONTHLY, year: Frequency.YEARLY };
const RRULE_DAYS = { MO: RRule.MO, TU: RRule.TU, WE: RRule.WE, TH: RRule.TH, FR: RRule.FR, SA: RRule.SA, SU: RRule.SU };
/** rrule's weekday numbers (0 = Monday) back to codes. */
const CODE_OF: WeekdayCode[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const JS_DAY_TO_CODE: WeekdayCode[] = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/** A sensible custom rule to start from: weekly on the due date's weekday, monthly on its day. */
export function defaultCustomRepeat(dueDate: string | null): CustomRepeat {
  const day = dueDate ? new Date(`${dueDate}T12:00:00Z`) : new Date();
  const weekday = JS_DAY_TO_CODE[day.getUTCDay()]!;
  return { every: 1, unit: "week", weekdays: [weekday], monthly: { kind: "day", day: day.getUTCDate() }, ends: { kind: "never" } };
}

/** The RRULE for a custom repeat, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20261231. */
export function buildRule(custom: CustomRepeat): string {
  const options: Partial<RuleOptions> = { freq: FREQ_OF[custom.unit] };
  if (custom.every > 1) options.interval = custom.every;
  if (custom.unit === "week" && custom.weekdays.length > 0) {
    options.byweekday = WEEKDAYS.filter((d) => custom.weekdays.includes(d.code)).map((d) => RRULE_DAYS[d.code]);
  }
  if (custom.unit === "month") {
    if (custom.monthly.kind === "day") options.bymonthday = [custom.monthly.day];
    else options.byweekday = [RRULE_DAYS[custom.monthly.weekday].nth(custom.monthly.nth)];
  }
  if (custom.ends.kind === "count") options.count = custom.ends.count;
  if (custom.ends.kind === "until") options.until = new Date(`${custom.ends.date}T00:00:00Z`);
  const text = RRule.optionsToString(options).replace(/^RRULE:/, "");
  // UNTIL as a date (the API's reading: that whole local day), not rrule's UTC midnight instant.
  return custom.ends.kind === "until" ? text.replace(/UNTIL=\d{8}T\d{6}Z/, `UNTIL=${custom.ends.date.replaceAll("-", "")}`) : text;
}

/** A rule read back into the editor's model; null when the editor cannot show it (then it is kept as it is). */
export function readRule(text: string, dueDate: string | null): CustomRepeat | null {
  let options: Partial<RuleOptions>;
  try {
    options = RRule.parseString(text.replace(/^RRULE:/i, ""));
  } catch {
    return null;
  }
  const unit = (Object.keys(FREQ_OF) as RepeatUnit[]).find((u) => FREQ_OF[u] === options.freq);
  if (!unit) return null;
  const custom = defaultCustomRepeat(dueDate);
  custom.unit = unit;
  custom.every = options.interval ?? 1;
  const days = ([] as (number | { weekday: number; n?: number })[]).concat((options.byweekday as never) ?? []);
  const dayOf = (d: number | { weekday: number; n?: number }) => (typeof d === "number" ? { weekday: d, n: undefined } : d);
  if (unit === "week" && days.length > 0) custom.weekdays = days.map((d) => CODE_OF[dayOf(d).weekday]!);
  if (unit === "month") {
    const monthDays = ([] as number[]).concat((options.bymonthday as never) ?? []);
    const nth = days.length === 1 ? dayOf(days[0]!) : undefined;
    if (monthDays.length === 1) custom.monthly = { kind: "day", day: monthDays[0]! };
    else if (nth?.n) custom.monthly = { kind: "nth", nth: nth.n, weekday: CODE_OF[nth.weekday]! };
    else if (monthDays.length > 1 || days.length > 0) return null;
  }
  if (unit === "day" && (days.length > 0 || options.bymonthday || options.bymonth)) return null;
  // A yearly rule the API pinned to the due date's month and day (BYMONTH/BYMONTHDAY) is "every year" again.
  if (unit === "year" && days.length > 0) return null;
  if (options.count) custom.ends = { kind: "count", count: options.count };
  else if (options.until) custom.ends = { kind: "until", date: options.until.toISOString().slice(0, 10) };
  return custom;
}
