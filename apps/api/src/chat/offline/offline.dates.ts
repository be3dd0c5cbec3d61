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
  /** HH:MM when the text names a time ("at 5pm", "in 2 hours", "9:30"). */
  time?: string;
  index: number;
  text: string;
}

/** What a tool's dueDate takes: the date, or the local date-time when a time was said. */
export const dueOf = (found: FoundDate) => (found.time ? `${found.date}T${found.time}` : found.date);

const pad = (n: number) => String(n).padStart(2, "0");
/** "on the 3rd", "the 15th": the next such day of a month, from today. */
const DAY_OF_MONTH = /\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?[a-z]{3})/i;

/** The first date (and time) mentioned in text ("tomorrow at 5pm", "friday", "in 2 hours", "on the 3rd"), never in the past. */
export function findDate(text: string, now: Date, timeZone: string): FoundDate | undefined {
  const [hit] = chrono.parse(text, { instant: now, timezone: zoneOffsetMinutes(now, timeZone) }, { forwardDate: true });
  const nth = DAY_OF_MONTH.exec(text);
  if (nth && (!hit || nth.index < hit.index) && Number(nth[1]) >= 1 && Number(nth[1]) <= 31) {
    const today = localDate(now, timeZone);
    let [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
    const day = Number(nth[1]);
    const fits = (y: number, m: number) => new Date(Date.UTC(y, m - 1, day)).getUTCMonth() === m - 1;
    if (day < Number(today.slice(8, 10)) || !fits(year, month)) {
      do [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
      while (!fits(year, month));
    }
    return { date: `${year}-${pad(month)}-${pad(day)}`, index: nth.index, text: nth[0] };
  }
  if (!hit) return undefined;
  const year = hit.start.get("year");
  const month = hit.start.get("month");
  const day = hit.start.get("day");
  if (!year || !month || !day) return undefined;
  const date = `${year}-${pad(month)}-${pad(day)}`;
  let hour = hit.start.get("hour") ?? 0;
  // "at 5" with no am/pm means the afternoon, as calendar apps read it (1–7 o'clock).
  if (!hit.start.isCertain("meridiem") && hour >= 1 && hour <= 7 && /\bat\s+\d{1,2}(?::\d{2})?(?!\s*[ap]\.?m)\b/i.test(hit.text)) hour += 12;
  const time = hit.start.isCertain("hour") ? `${pad(hour)}:${pad(hit.start.get("minute") ?? 0)}` : undefined;
  return { date, ...(time ? { time } : {}), index: hit.index, text: hit.text };
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
