/** Due dates are calendar days (YYYY-MM-DD) in the person's own time zone, never instants. */

export function todayIso(now = new Date()): string {
  return isoDay(now);
}

export function isoDay(d: Date): string {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, "0");
  const day = String(d.getDate()).padStart(2, "0");
  return `${y}-${m}-${day}`;
}

export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return isoDay(new Date(y, m - 1, d + days));
}

function parseDay(iso: string): Date {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
}

/** Spelled out rather than Intl's: en-GB says "Sep" or "Sept" depending on the ICU version. */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * "today", "tomorrow", "Fri" within the week, "3 Mar" this year, else "3 Mar 2027": the one date style
 * of the tasks page, the chat's tool cards and the assistant's replies (offline.dates.ts' describeDate).
 */
export function formatDue(iso: string, now = new Date()): string {
  const today = todayIso(now);
  if (iso === today) return "today";
  if (iso === addDays(today, 1)) return "tomorrow";
  if (iso === addDays(today, -1)) return "yesterday";
  const date = parseDay(iso);
  const diff = Math.round((date.getTime() - parseDay(today).getTime()) / 86_400_000);
  if (diff > 1 && diff < 7) return date.toLocaleDateString("en-GB", { weekday: "short" });
  const dayMonth = `${date.getDate()} ${MONTHS[date.getMonth()]}`;
  return date.getFullYear() === now.getFullYear() ? dayMonth : `${dayMonth} ${date.getFullYear()}`;
}

export function isOverdue(iso: string | null, completed: boolean, now = new Date()): boolean {
  return !!iso && !completed && iso < todayIso(now);
}
