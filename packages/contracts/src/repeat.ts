/**
 * A repeat rule (RFC 5545, the `rrule` library) in words, the one formatter the API's `repeatText`
 * and the web app's rule editor both use: "every 2 weeks on Monday, Thursday", "every weekday at 09:00".
 */
import * as rruleModule from "rrule";

// Node loads rrule's CommonJS build (its names sit on `default`); bundlers load its ES module build.
const { RRule } = (rruleModule as unknown as { default?: typeof rruleModule }).default ?? rruleModule;

/** The rule in words, with the task's time of day when it has one; a rule rrule cannot read is shown as written. */
export function describeRule(text: string, dueTime: string | null): string {
  let words: string;
  try {
    // The app's one date style ("4 Feb 2027"), not rrule's "February 4, 2027".
    words = RRule.fromString(text.replace(/^RRULE:/i, "")).toText(undefined, undefined, (year, month, day) => `${day} ${month.slice(0, 3)} ${year}`);
  } catch {
    words = text;
  }
  return dueTime ? `${words} at ${dueTime}` : words;
}
