/**
 * Repeat phrases to RFC 5545 rules: "every weekday", "every other week", "monthly on the 15th",
 * "every year on 3 March", "every monday and thursday", "every day". The phrase is found and cut out
 * of the sentence; the time ("at 9") is left for the date parser.
 */

const DAYS: Record<string, string> = { mon: "MO", tue: "TU", wed: "WE", thu: "TH", fri: "FR", sat: "SA", sun: "SU" };
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY_WORD = "(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?s?";
const DAY_LIST = `${DAY_WORD}(?:\\s*(?:,|and|&|\\+)\\s*${DAY_WORD})*`;
const MONTH_WORD = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*";
const NTH = "(\\d{1,2})(?:st|nd|rd|th)?";

const byDay = (list: string) =>
  [...list.toLowerCase().matchAll(new RegExp(DAY_WORD, "g"))].map((m) => DAYS[m[0].slice(0, 3)]!).filter((d, i, all) => all.indexOf(d) === i);

interface Pattern {
  re: RegExp;
  rule(m: RegExpMatchArray): string | undefined;
}

const PATTERNS: Pattern[] = [
  { re: /\b(?:every|each)\s+(?:week\s*day|weekday)s?\b/i, rule: () => "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" },
  { re: /\b(?:every|each)\s+(?:day|morning|evening|night)\b|\bdaily\b/i, rule: () => "FREQ=DAILY" },
  {
    re: new RegExp(`\\b(?:every\\s+(?:other|2(?:nd)?|second)\\s+week|biweekly|fortnightly|every\\s+fortnight)(?:\\s+on\\s+(${DAY_LIST}))?\\b`, "i"),
    rule: (m) => `FREQ=WEEKLY;INTERVAL=2${m[1] ? `;BYDAY=${byDay(m[1]).join(",")}` : ""}`,
  },
  {
    re: new RegExp(`\\b(?:every|each|on)\\s+(${DAY_LIST})\\b`, "i"),
    rule: (m) => (m[0].startsWith("on") ? undefined : `FREQ=WEEKLY;BYDAY=${byDay(m[1]!).join(",")}`),
  },
  {
    re: new RegExp(`\\b(?:every|each)\\s+week(?:\\s+on\\s+(${DAY_LIST}))?\\b|\\bweekly(?:\\s+on\\s+(${DAY_LIST}))?\\b`, "i"),
    rule: (m) => `FREQ=WEEKLY${m[1] || m[2] ? `;BYDAY=${byDay((m[1] ?? m[2])!).join(",")}` : ""}`,
  },
  {
    re: new RegExp(
      `\\b(?:every|each)\\s+month\\s+on\\s+the\\s+last\\s+(${DAY_WORD})\\b|\\bmonthly\\s+on\\s+the\\s+last\\s+(${DAY_WORD})\\b|\\b(?:on\\s+)?the\\s+last\\s+(${DAY_WORD})\\s+of\\s+(?:every|each)\\s+month\\b`,
      "i",
    ),
    rule: (m) => `FREQ=MONTHLY;BYDAY=-1${byDay((m[1] ?? m[2] ?? m[3])!)[0]}`,
  },
  {
    re: new RegExp(`\\b(?:(?:every|each)\\s+month|monthly)(?:\\s+on\\s+the\\s+${NTH})?\\b|\\bon\\s+the\\s+${NTH}\\s+of\\s+(?:every|each)\\s+month\\b`, "i"),
    rule: (m) => {
      const day = Number(m[1] ?? m[2] ?? 0);
      if (day > 31) return undefined;
      return `FREQ=MONTHLY${day ? `;BYMONTHDAY=${day}` : ""}`;
    },
  },
  {
    re: new RegExp(`\\b(?:(?:every|each)\\s+year|yearly|annually)(?:\\s+on\\s+(?:${NTH}\\s+(?:of\\s+)?(${MONTH_WORD})|(${MONTH_WORD})\\s+${NTH}))?\\b`, "i"),
    rule: (m) => {
      const [day, month] = m[1] ? [m[1], m[2]!] : m[4] ? [m[4], m[3]!] : [undefined, undefined];
      if (!day || !month) return "FREQ=YEARLY";
      const monthNumber = MONTHS.indexOf(month.slice(0, 3).toLowerCase()) + 1;
      return monthNumber > 0 && Number(day) <= 31 ? `FREQ=YEARLY;BYMONTH=${monthNumber};BYMONTHDAY=${Number(day)}` : undefined;
    },
  },
];

export interface FoundRepeat {
  rule: string;
  /** The sentence without the repeat phrase. */
  rest: string;
}

/** The repeat rule a sentence states, if any, and the sentence without it. */
export function findRepeat(text: string): FoundRepeat | undefined {
  for (const { re, rule } of PATTERNS) {
    const m = text.match(re);
    if (!m || m.index === undefined) continue;
    const found = rule(m);
    if (!found) continue;
    return { rule: found, rest: `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`.replace(/\s+/g, " ").trim() };
  }
  return undefined;
}
