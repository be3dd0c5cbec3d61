/** Calendar dates in the person's time zone: "today", natural-language due dates, friendly labels. */
import * as chrono from "chrono-node";

const FORMATS = {
  date: ["en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }],
  weekday: ["en-GB", { weekday: "long" }],
  shortWeekday: ["en-GB", { weekday: "short" }],
  parts: ["en-US", { hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" }],
} satisfies Record<string, [string, Intl.DateTimeFormatOptions]>;
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A formatter per format and time zone, made once: building one costs more than the rest of a chat
 * turn's date work. (An unknown zone throws here and is not kept; IANA has a few hundred.)
 */
export function formatter(format: keyof typeof FORMATS, timeZone: string): Intl.DateTimeFormat {
  const key = `${format} ${timeZone}`;
  let made = formatters.get(key);
  if (!made) {
    const [locale, options] = FORMATS[format];
    formatters.set(key, (made = new Intl.DateTimeFormat(locale, { ...options, timeZone })));
  }
  return made;
}

/** YYYY-MM-DD of the given instant in an IANA time zone. */
export function localDate(instant: Date, timeZone: string): string {
  return formatter("date", timeZone).format(instant);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Offset in minutes of the zone at an instant (for chrono's reference). */
function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = formatter("parts", timeZone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

export interface FoundDate {
  date: string;
  index: number;
  text: string;
}

/** The first date mentioned in text ("tomorrow", "friday", "dec 5", "in 3 days"), never in the past. */
export function findDate(text: string, now: Date, timeZone: string): FoundDate | undefined {
  const [hit] = chrono.parse(text, { instant: now, timezone: zoneOffsetMinutes(now, timeZone) }, { forwardDate: true });
  if (!hit) return undefined;
  const year = hit.start.get("year");
  const month = hit.start.get("month");
  const day = hit.start.get("day");
  if (!year || !month || !day) return undefined;
  const date = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  return { date, index: hit.index, text: hit.text };
}

/** Spelled out rather than Intl's: en-GB says "Sep" or "Sept" depending on the ICU version. */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * "today", "tomorrow", "Fri", "27 Nov", "3 Jan 2027", "yesterday" — relative to today; the web app's
 * formatDue (apps/web/lib/dates.ts) writes dates the same way, so the reply and its card agree.
 */
export function describeDate(date: string, today: string): string {
  const days = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days === -1) return "yesterday";
  const d = new Date(`${date}T12:00:00Z`);
  if (days > 1 && days < 7) return formatter("shortWeekday", "UTC").format(d);
  const dayMonth = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  return date.slice(0, 4) === today.slice(0, 4) ? dayMonth : `${dayMonth} ${date.slice(0, 4)}`;
}
