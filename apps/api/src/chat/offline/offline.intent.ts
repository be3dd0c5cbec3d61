/**
 * The offline assistant's understanding: a person's sentence to one intent with its arguments.
 * Rule-based and deliberately forgiving; what it cannot place becomes a short helpful hint.
 */
import type { ReminderSpec } from "@todo/contracts";
import type { Priority, TaskSort, TaskStatus } from "@todo/contracts/constants";
import { firstOccurrence } from "../../tasks/tasks.time.ts";
import { addDays, dueOf, findDate } from "./offline.dates.ts";
import { findRepeat } from "./offline.repeat.ts";
import { findReminderTime, parseRelativeReminder } from "./offline.reminders.ts";

export interface TaskRefArgs {
  number?: number;
  match?: string;
}

export interface ListArgs {
  status?: TaskStatus;
  priority?: Priority;
  tag?: string;
  dueBefore?: string;
  dueAfter?: string;
  q?: string;
  sort?: TaskSort;
  limit?: number;
}

export interface Changes {
  title?: string;
  priority?: Priority;
  dueDate?: string | null;
  tags?: string[];
  completed?: boolean;
  /** An RFC 5545 rule; null stops repeating. */
  repeat?: string | null;
}

export interface AddArgs {
  title: string;
  priority?: Priority;
  dueDate?: string;
  tags?: string[];
  repeat?: string;
  reminders?: ReminderSpec[];
}

/** A bulk change: which tasks (list_tasks' filters) and what happens to all of them. */
export interface BulkArgs {
  filter: Omit<ListArgs, "sort" | "limit">;
  changes: { completed?: boolean; delete?: true; priority?: Priority; dueDate?: string | null; addTag?: string };
}

export type Intent =
  /** `more`: the other tasks of a list ("add eggs, bread and milk"), one add_task call each. */
  | { kind: "add"; args: AddArgs; more?: AddArgs[] }
  /** `view`: how to answer — a count ("how many…"), or what to do next (most urgent open tasks first). */
  | { kind: "list"; args: ListArgs; view?: "count" | "next" }
  | { kind: "complete"; args: TaskRefArgs }
  | { kind: "delete"; args: TaskRefArgs }
  | { kind: "update"; args: TaskRefArgs & ({ changes: Changes } | { reminders: ReminderSpec[] }) }
  /** Every task a filter selects at once ("complete all shopping tasks", "clear completed"). */
  | { kind: "updateMany"; args: BulkArgs }
  /** No reference: undo the conversation's last change. A reference: bring that task back from the Trash. */
  | { kind: "undo"; args: TaskRefArgs }
  | { kind: "help" }
  | { kind: "greeting" }
  | { kind: "thanks" }
  /** Not sure: says so, and offers the closest thing it can do (`suggest`, a phrase it understands). */
  | { kind: "unsure"; about: "which-task" | "when-done" | "tasks"; suggest: string }
  | { kind: "unclear"; reason: "empty-add" | "no-change" | "not-english" | "unknown" };

export interface IntentContext {
  now: Date;
  timeZone: string;
  today: string;
  /** The task the conversation just mentioned ("make it tomorrow", "delete it"), when one is clear. */
  lastTask?: number;
}

const DONE_WORDS = "done|complete|completed|finished";
const PRIORITY_WORD = /\b(?:priority\s*(?:is\s*|to\s*|:|=)?\s*(high|medium|low|normal)|(high|medium|low|normal)[\s-]*(?:priority|prio))\b/i;
const URGENT_WORD = /(?:\b(?:very|really|super|quite)\s+)?\b(urgent|urgently|important|asap|a\.s\.a\.p\.?|top priority|critical)(?=$|[^\p{L}])/iu;
const NOT_URGENT = /\b(?:not (?:urgent|important)|whenever|no rush|someday|eventually)\b/i;
/** What people say around a task that is not its title: "it's urgent" leaves "it's". */
const FILLER = /(?:^|,?\s+)(?:(?:it's|it is|this is|that's|which is|its)(?:\s+(?:really|very|super))?|please|pls|plz|thanks|thank you)\s*$/i;
const LEADING_FILLER = /^(?:(?:please|pls|plz|ok|okay|so|hey|oh|also|and)[\s,]+)*(?:(?:can|could|would|will) you\s+)?(?:please\s+)?/i;
const PRONOUN = /^(?:it|that|this|that one|this one|the last one|the one|the same one|that task|this task|the task)$/i;
const HASHTAG = /(?:^|\s)#([\p{L}_-][\p{L}\p{N}_-]*)/gu;
const TAGGED = /\b(?:tag(?:ged)?|label(?:led)?)(?:\s*:\s*|\s+)(?:as\s+|with\s+)?([\p{L}\p{N}_-]+(?:\s*(?:,|and)\s*[\p{L}\p{N}_-]+)*)/iu;
const CONNECTIVE_BEFORE_DATE = /(?:[\s,]+(?:for|by|on|due|before|until|at|due\s+on|due\s+by|by\s+the|before\s+the|until\s+the|at\s+the))?[\s,]*$/i;

const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Misspellings people type for the words this assistant keys on; each maps to the word meant. */
const TYPOS: Record<string, string> = {
  tommorow: "tomorrow",
  tommorrow: "tomorrow",
  tomorow: "tomorrow",
  tomorrw: "tomorrow",
  tomrrow: "tomorrow",
  tmrw: "tomorrow",
  tmr: "tomorrow",
  tmrow: "tomorrow",
  tmmrw: "tomorrow",
  "2moro": "tomorrow",
  "2morrow": "tomorrow",
  tomoro: "tomorrow",
  tomoz: "tomorrow",
  tomorroww: "tomorrow",
  tommorw: "tomorrow",
  tdy: "today",
  "2day": "today",
  tonite: "tonight",
  wensday: "wednesday",
  wendsday: "wednesday",
  wednesay: "wednesday",
  wedensday: "wednesday",
  wednsday: "wednesday",
  wedsday: "wednesday",
  wednessday: "wednesday",
  thursay: "thursday",
  thrusday: "thursday",
  thurday: "thursday",
  thursdy: "thursday",
  fridy: "friday",
  firday: "friday",
  freiday: "friday",
  saterday: "saturday",
  saturady: "saturday",
  satuday: "saturday",
  sundy: "sunday",
  mondy: "monday",
  monady: "monday",
  tuseday: "tuesday",
  teusday: "tuesday",
  tuesdy: "tuesday",
  prioirty: "priority",
  priorty: "priority",
  proirity: "priority",
  priotity: "priority",
  prority: "priority",
  piority: "priority",
  urgnet: "urgent",
  urgant: "urgent",
  imporant: "important",
  importnat: "important",
  improtant: "important",
  overdeu: "overdue",
  ovedue: "overdue",
  overude: "overdue",
  taks: "tasks",
  tasx: "tasks",
  tsks: "tasks",
  tasls: "tasks",
  compelte: "complete",
  comlete: "complete",
  complte: "complete",
  delte: "delete",
  delet: "delete",
  dlete: "delete",
  remvoe: "remove",
  finsihed: "finished",
  finshed: "finished",
  finsh: "finish",
  remidn: "remind",
  remmind: "remind",
  whats: "what's",
};
const TYPO_WORD = new RegExp(`(?<![\\p{L}\\p{N}])(${Object.keys(TYPOS).join("|")})(?![\\p{L}\\p{N}])`, "giu");

/** The sentence with its misspelt key words put right (titles keep every other word as typed). */
export function fixTypos(text: string): string {
  return text.replace(TYPO_WORD, (word) => {
    const fixed = TYPOS[word.toLowerCase()]!;
    return word[0] === word[0]!.toUpperCase() && word[0] !== word[0]!.toLowerCase() ? capitalise(fixed) : fixed;
  });
}

const normalPriority = (p: string): Priority => (p.toLowerCase() === "normal" ? "medium" : (p.toLowerCase() as Priority));

function clean(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .replace(/^[\s,.;:!-]+|[\s,.;:!?-]+$/g, "")
    .replace(/^(?:and|with|to|for|that|the task|a task)\s+/i, "")
    .replace(/\s+(?:and|with|to|for|on|by|at|as|please)$/i, "")
    .replace(/^["'“‘]+|["'”’]+$/g, "")
    .trim();
}

/** Priority, tags and a due date pulled out of free text; what remains is the title. */
export function extractDetails(text: string, ctx: IntentContext) {
  let rest = ` ${text} `;
  let priority: Priority | undefined;
  const p = rest.match(PRIORITY_WORD);
  if (p) {
    priority = normalPriority((p[1] ?? p[2])!);
    rest = rest.replace(PRIORITY_WORD, " ");
    rest = rest.replace(/\b(?:with\s+(?:a\s+)?|as\s+)$/i, "");
  } else if (NOT_URGENT.test(rest)) {
    priority = "low";
    rest = rest.replace(NOT_URGENT, " ");
  } else {
    const u = rest.match(URGENT_WORD);
    if (u) {
      priority = "high";
      rest = rest.replace(URGENT_WORD, " ");
    }
  }
  rest = rest.replace(/(?:^|\s)!(high|medium|low)\b/i, (_, p: string) => ((priority = p.toLowerCase() as Priority), " "));
  const tags = new Set<string>();
  for (const m of rest.matchAll(HASHTAG)) tags.add(m[1]!.toLowerCase());
  rest = rest.replace(HASHTAG, " ");
  const tagged = rest.match(TAGGED);
  if (tagged) {
    for (const t of tagged[1]!.split(/\s*(?:,|\band\b)\s*/)) if (t) tags.add(t.toLowerCase());
    rest = rest.replace(TAGGED, " ");
  }
  let dueDate: string | undefined;
  const repeating = findRepeat(rest);
  if (repeating) rest = ` ${repeating.rest} `;
  const found = findDate(rest, ctx.now, ctx.timeZone);
  if (found) {
    dueDate = dueOf(found);
    const before = rest.slice(0, found.index).replace(CONNECTIVE_BEFORE_DATE, "");
    rest = `${before} ${rest.slice(found.index + found.text.length)}`;
  }
  const repeat = repeating?.rule;
  if (repeat) {
    // A repeating task starts at its rule's first occurrence from today, at the time said.
    const first = firstOccurrence(repeat, ctx.today);
    if (first) dueDate = found?.time ? `${first}T${found.time}` : first;
  }
  rest = rest.replace(/\s*,\s*(?=,|$)/g, "").replace(/\s+,/g, ",");
  rest = clean(rest.replace(/,\s*,/g, ","));
  for (let prev = ""; prev !== rest; ) rest = clean((prev = rest).replace(FILLER, ""));
  return { rest, priority, tags: [...tags], dueDate, repeat };
}

/** "3", "#3", "task 3", "number 3" → { number }; other words → { match }. */
export function parseReference(text: string, lastTask?: number): TaskRefArgs | undefined {
  if (PRONOUN.test(text.trim())) return lastTask ? { number: lastTask } : undefined;
  const t = clean(
    text
      .replace(/\s+(?:from|off|on|in)\s+(?:my|the)\s+(?:list|tasks|todo list|to-do list|todos)$/i, "")
      .replace(/\b(?:task|todo|item|number|no\.?)\b/gi, " ")
      .replace(/\bthe\b/gi, " "),
  );
  const num = t.match(/^#?(\d{1,9})$/);
  if (num) return { number: Number(num[1]) };
  const words = clean(t.replace(/\bone\b/gi, " "));
  return words ? { match: words } : undefined;
}

/** Words before "tasks" that are not a tag ("my open tasks", "all done tasks"). */
const NOT_A_TAG = new Set(
  (
    "my all the any open done completed complete finished pending remaining outstanding unfinished overdue late due high medium low " +
    "urgent important today's tomorrow's todays tomorrows week's new old current other these those many much of what which next " +
    "active upcoming recent latest first last every priority your some more"
  ).split(" "),
);

function dayOfWeek(date: string): number {
  return (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
}

function listArgs(t: string, ctx: IntentContext): ListArgs {
  const args: ListArgs = {};
  if (
    /\b(left|pending|open|remaining|outstanding|unfinished|incomplete|not (?:yet )?(?:done|completed|finished)|to ?do|still|need to|should|have to|got to|next|overdue|late|due(?! ?date))\b/.test(
      t,
    )
  )
    args.status = "pending";
  else if (
    new RegExp(`\\b(${DONE_WORDS}|did i|have i (?:done|finished|completed)|i(?:'ve| have) (?:done|finished|completed)|checked off|ticked off)\\b`).test(t)
  )
    args.status = "completed";
  else args.status = "all";
  const pending = () => (args.status = args.status === "completed" ? "completed" : "pending");
  if (/\boverdue\b|\blate\b|\bpast due\b/.test(t)) {
    args.status = "pending";
    args.dueBefore = addDays(ctx.today, -1);
  } else if (/\btoday\b|\btonight\b/.test(t)) {
    pending();
    args.dueBefore = ctx.today;
    args.sort = "due";
  } else if (/\btomorrow\b/.test(t)) {
    pending();
    args.dueAfter = addDays(ctx.today, 1);
    args.dueBefore = addDays(ctx.today, 1);
  } else if (/\bthis week\b|\bnext (?:7|seven) days\b|\bthe week\b|\bsoon\b|\bcoming up\b/.test(t)) {
    pending();
    args.dueBefore = addDays(ctx.today, 6);
    args.sort = "due";
  } else if (/\bnext week\b/.test(t)) {
    pending();
    args.dueAfter = addDays(ctx.today, 7 - dayOfWeek(ctx.today));
    args.dueBefore = addDays(args.dueAfter, 6);
    args.sort = "due";
  } else if (/\bthis weekend\b|\bweekend\b/.test(t)) {
    pending();
    args.dueAfter = addDays(ctx.today, Math.max(0, 5 - dayOfWeek(ctx.today)));
    args.dueBefore = addDays(ctx.today, 6 - dayOfWeek(ctx.today));
    args.sort = "due";
  } else {
    const on = findDate(t.replace(/\bnext\b(?!\s+\w*day)/g, " "), ctx.now, ctx.timeZone);
    if (on) {
      pending();
      args.dueAfter = on.date;
      args.dueBefore = on.date;
    }
  }
  const pr = t.match(/\b(high|medium|low)[\s-]*(?:priority|prio)?\b/) ?? (URGENT_WORD.test(t) ? [undefined, "high"] : null);
  if (pr) args.priority = pr[1] as Priority;
  const tag =
    t.match(/#([\p{L}\p{N}_-]+)/u) ??
    t.match(/\b(?:tagged|tag|labelled|label)\s+(?:as\s+|with\s+)?([\p{L}\p{N}_-]+)/u) ??
    t.match(
      /\b(?:my|the|all|any|many|open|pending|done|completed|finished|remaining|unfinished|overdue|urgent)\s+([\p{L}][\p{L}\p{N}_-]*)\s+(?:tasks|todos|to-dos|items|stuff|things|list)\b/u,
    ) ??
    t.match(/\b(?:tasks|todos|to-dos|anything|stuff)\s+(?:for|in|under)\s+([\p{L}][\p{L}\p{N}_-]*)\s*$/u);
  if (tag && !NOT_A_TAG.has(tag[1]!) && !findDate(tag[1]!, ctx.now, ctx.timeZone)) args.tag = tag[1]!;
  const sorted = t.match(/\b(?:sorted |ordered |order )?by (?:the\s+)?(due ?date|date|priority|title|name)\b/);
  if (sorted) args.sort = sorted[1] === "priority" ? "priority" : sorted[1] === "title" || sorted[1] === "name" ? "title" : "due";
  const about = t.match(/\b(?:about|mentioning|containing|with the word|matching)\s+["']?([^"']+?)["']?\s*\??$/);
  if (about) args.q = about[1]!;
  return args;
}

const LIST_PATTERNS = [
  /\bwhat(?:'s|s| is| are)? (?:left|remaining|pending|due|next|on my (?:list|plate)|overdue|open|late)\b/,
  /\bwhat (?:do|should|did|have|can|must) i\b/,
  /\bwhat (?:tasks|todos|is there)\b/,
  /^(?:show|list|see|view|display|get|give|tell|check)\b/,
  /\b(?:my|all|the) (?:tasks|todos|to-dos|list)\b/,
  /^(?:tasks|todos|list|pending|overdue|done|completed)\b/,
  /^(?:anything|any tasks|any todos)\b/,
  /\bhow many\b/,
  /\bwhat(?:'s| is) (?:due|overdue)\b/,
  /\bwhat(?:'s| is)? (?:on|scheduled|planned|coming|happening)\b/,
  /\b(?:tasks|todos) (?:for|tagged|due|in)\b/,
  /\b(?:what|which|anything) .*\b(?:due|overdue)\b/,
  /^(?:what|which|anything)\b.*\b(?:open|pending|left|remaining|done|finished|completed|late|overdue|due|tasks|todos)\b/,
];

/** The words a list question is made of; a question with other words in it may mean something else. */
const LIST_WORDS = new Set(
  (
    "what what's whats which is are was do does did i i've have has had my me all the a an any anything show list lists see view display get " +
    "give tell check task tasks todo todos to-do to-dos item items thing things stuff open pending done complete completed finished finish " +
    "left remaining still outstanding unfinished incomplete not yet due overdue late past today tonight tomorrow this next week weekend " +
    "days day 7 seven in on for by at high medium low priority prio urgent important most tagged tag labelled label with about mentioning " +
    "containing matching how many much should could can need to so far there be up now currently got gotta we you please pls just first " +
    "start work tackle focus where of off checked ticked upcoming coming every them everything plate going agenda scheduled schedule planned plans lined ahead soon sorted sort " +
    "order date dates 2 whole full entire again happening need want know"
  ).split(" "),
);

const NEXT =
  /\b(?:what(?:'s| is)? next|do next|what should i (?:do|work on|start|tackle|focus on)|where (?:should|do) i start|what(?:'s| is) most (?:urgent|important)|what (?:to|should i) do first)\b/;

/** A phrasing this assistant understands for (the part it understood of) a list question. */
function closestList(args: ListArgs, today: string): string {
  if (args.tag) return `show my ${args.tag} tasks`;
  if (args.dueBefore && args.dueBefore < today) return "what's overdue?";
  if (args.dueBefore === today) return "what's due today?";
  if (args.dueAfter && args.dueAfter === args.dueBefore && args.dueAfter === addDays(today, 1)) return "what's due tomorrow?";
  if (args.dueBefore) return "what's due this week?";
  if (args.priority) return `show ${args.priority} priority tasks`;
  return args.status === "completed" ? "show done tasks" : args.status === "pending" ? "what's left?" : "show my tasks";
}

/** A list question as a list_tasks call, or a sentence of what cannot be answered and what comes closest. */
function listIntent(t: string, ctx: IntentContext): Intent {
  if (NEXT.test(t)) return { kind: "list", args: { status: "pending", sort: "priority", limit: 5 }, view: "next" };
  const args = listArgs(t, ctx);
  // When a task was finished is not kept: "what did I finish yesterday" cannot be answered, all done tasks can.
  if (args.status === "completed" && /\b(yesterday|last (?:week|month|night)|this (?:morning|week|month)|today|earlier|recently)\b/.test(t))
    return { kind: "unsure", about: "when-done", suggest: "show done tasks" };
  // Words that are none of a list question's, its tag or its search: answering would be a guess.
  const known = new Set([...LIST_WORDS, args.tag, ...(args.q ?? "").split(" ")]);
  const unknown = t.split(/[^\p{L}\p{N}'#-]+/u).filter((w) => w && !known.has(w) && !w.startsWith("#") && !findDate(w, ctx.now, ctx.timeZone));
  if (unknown.length > 0) return { kind: "unsure", about: "tasks", suggest: closestList(args, ctx.today) };
  if (/\bhow many\b/.test(t)) return { kind: "list", args, view: "count" };
  return { kind: "list", args };
}

/** Splits "eggs, bread and milk" into items; "salt and pepper chips" stays one (see splitItems' rule). */
export function splitItems(title: string): string[] {
  // A list needs commas and a last "and" ("a, b and c"), or three items ("a, b, c"), or two single
  // words joined by "and" ("eggs and bread"); otherwise "and" and commas belong to the title ("salt and
  // pepper chips", "call mom and dad", "book a table, dinner for 2", "call mom, it's her birthday").
  if (title.includes(",")) {
    const parts = title.split(/\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+(?=[^,]*$)/).map(clean);
    const listed = parts.length > 2 || /\s(?:and|&)\s[^,]*$/.test(title);
    const clause = /^(?:it|it's|its|this|that|because|since|she|he|they|we|i|so|but|which|who|as)\b/i;
    if (listed && parts.every((p) => p && p.split(" ").length <= 5 && !clause.test(p))) return parts;
    return [title];
  }
  const pair = title.match(/^([\p{L}\p{N}'-]+)\s+(?:and|&)\s+([\p{L}\p{N}'-]+)$/u);
  return pair ? [pair[1]!, pair[2]!] : [title];
}

/** Last words of a list that make "to <word>" a destination, not a list's tag ("… and go to paris"). */
const LIST_TO_VERBS = new Set(
  "go get drive walk move send give take talk write email mail call text come run fly ride travel return head post ship deliver".split(" "),
);

function addIntent(text: string, ctx: IntentContext): Intent {
  let body = text.replace(/\s+(?:to|on|in|onto)\s+(?:my|the)\s+(?:list|tasks|todo list|to-do list|todos)\b/i, "");
  let listTag: string | undefined;
  body = body.replace(/\s+(?:to|on|in|onto)\s+(?:my|the)\s+([\p{L}][\p{L}\p{N}_-]*)\s+list\b/iu, (_, tag: string) => ((listTag = tag.toLowerCase()), ""));
  // "add eggs, bread and milk to shopping": a list's last "to <word>" names its tag ("go to paris" does not).
  const listTo = body.match(/^(.*(?:,|\s(?:and|&)\s)\s*([\p{L}'-]+))\s+(?:to|into|onto)\s+(?:my\s+|the\s+)?([\p{L}][\p{L}\p{N}_-]*)$/iu);
  if (
    !listTag &&
    listTo &&
    !LIST_TO_VERBS.has(listTo[2]!.toLowerCase()) &&
    !findDate(listTo[3]!, ctx.now, ctx.timeZone) &&
    splitItems(listTo[1]!.replace(/^add\s+/i, "")).length > 1
  ) {
    listTag = listTo[3]!.toLowerCase();
    body = listTo[1]!;
  }
  const details = extractDetails(body, ctx);
  const rest = details.rest.replace(
    /^(?:(?:i|we) (?:need|have|want|gotta|got|'ve got) to|(?:i|we) (?:must|should)|(?:need|have|want|got|gotta) to|gotta|(?:i|we) gotta|remember to|don't forget to|dont forget to|remind me to|todo:?|to)\s+/i,
    "",
  );
  if (!rest) return { kind: "unclear", reason: "empty-add" };
  // "remind me to call mom on sunday at 6": a reminder at that time, the task due that day.
  const remindAt = /^remind me to\b/i.test(body) ? findReminderTime(body, ctx.now, ctx.timeZone) : undefined;
  if (remindAt) details.dueDate = remindAt.date;
  const tags = listTag && !details.tags.includes(listTag) ? [...details.tags, listTag] : details.tags;
  const items = splitItems(rest).map(
    (title): AddArgs => ({
      title: capitalise(title),
      ...(details.priority ? { priority: details.priority } : {}),
      ...(details.dueDate ? { dueDate: details.dueDate } : {}),
      ...(details.repeat ? { repeat: details.repeat } : {}),
      ...(tags.length ? { tags } : {}),
      ...(remindAt ? { reminders: [{ at: remindAt.at }] } : {}),
    }),
  );
  const [first, ...more] = items;
  return more.length ? { kind: "add", args: first!, more } : { kind: "add", args: first! };
}

const WHICH_TASK: Intent = { kind: "unsure", about: "which-task", suggest: "show my tasks" };

const UNDO =
  /^(?:undo|undo (?:that|it|this|the last (?:change|one|thing|action)|my last (?:change|action))|revert(?: that| it)?|take (?:that|it) back|put (?:it|that) back|(?:oops|oh no|wait)[\s,]+undo(?: that| it)?)$/;
const ALL = "(?:all(?:\\s+of)?|every|everything)";
const DONE_TASKS = `(?:the\\s+)?(?:${DONE_WORDS}|checked|ticked)(?:\\s+(?:ones|tasks?|todos?|items?))?`;

/** The filter of a bulk change, from the words naming its tasks ("shopping tasks", "completed ones"). */
function bulkFilter(words: string, ctx: IntentContext): BulkArgs["filter"] {
  const { sort: _s, limit: _l, ...filter } = listArgs(words, ctx);
  return filter;
}

/** "complete all shopping tasks", "clear completed", "mark all tasks as done", "delete completed tasks". */
function bulkIntent(t: string, ctx: IntentContext): Intent | undefined {
  let m = t.match(new RegExp(`^(?:complete|finish|check off|tick off|cross off|close|mark|set)\\s+(${ALL}\\b.*?)(?:\\s+(?:as\\s+)?(?:${DONE_WORDS}))?$`));
  if (m) return { kind: "updateMany", args: { filter: { ...bulkFilter(m[1]!, ctx), status: "pending" }, changes: { completed: true } } };
  m = t.match(new RegExp(`^(?:reopen|re-open|uncheck|unmark)\\s+(${ALL}\\b.*)$`));
  if (m) return { kind: "updateMany", args: { filter: { ...bulkFilter(m[1]!, ctx), status: "completed" }, changes: { completed: false } } };
  m = t.match(
    new RegExp(`^(?:clear|delete|remove|drop|erase|trash|get rid of|bin|clean up)\\s+(?:out\\s+)?(?:(?:all|every)\\s+(?:of\\s+)?)?(?:my\\s+)?(${DONE_TASKS})$`),
  );
  if (m) return { kind: "updateMany", args: { filter: { status: "completed" }, changes: { delete: true } } };
  m = t.match(new RegExp(`^(?:delete|remove|drop|erase|trash|get rid of|bin|clear)\\s+(${ALL}\\b.*)$`));
  if (m) return { kind: "updateMany", args: { filter: bulkFilter(m[1]!, ctx), changes: { delete: true } } };
  m = t.match(new RegExp(`^(?:make|set|mark)\\s+(${ALL}\\b.*?)\\s+(?:as\\s+|to\\s+)?(high|medium|low|normal|urgent)(?:[\\s-]+(?:priority|prio))?$`));
  if (m) {
    const priority = m[2] === "urgent" ? "high" : normalPriority(m[2]!);
    return { kind: "updateMany", args: { filter: { ...bulkFilter(m[1]!, ctx), status: "pending" }, changes: { priority } } };
  }
  m = t.match(new RegExp(`^(?:move|postpone|push|reschedule|shift)\\s+(${ALL}\\b.*?)\\s+(?:to|until|till)\\s+(.+)$`));
  if (m) {
    const when = findDate(m[2]!, ctx.now, ctx.timeZone);
    if (when) return { kind: "updateMany", args: { filter: { ...bulkFilter(m[1]!, ctx), status: "pending" }, changes: { dueDate: when.date } } };
  }
  m = t.match(new RegExp(`^(?:tag|label)\\s+(${ALL}\\b.*?)\\s+(?:as|with)\\s+#?([\\p{L}\\p{N}_-]+)$`, "u"));
  if (m) return { kind: "updateMany", args: { filter: bulkFilter(m[1]!, ctx), changes: { addTag: m[2]! } } };
  return undefined;
}

export function parseIntent(input: string, ctx: IntentContext): Intent {
  const typed = fixTypos(input.trim().replace(/\s+/g, " "));
  const raw = typed
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[?.!]+$/, "")
    .trim();

  if (!raw) return { kind: "unclear", reason: "unknown" };
  if (/^(?:help|\?|commands)$|what (?:can|do) you do|how (?:does this|do (?:i|you)) work|what are you/.test(raw)) return { kind: "help" };
  if (/^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening))\b[\s!,.a-z]{0,12}$/.test(raw)) return { kind: "greeting" };
  if (/^(?:thanks|thank you|thx|cheers|great|perfect|awesome)\b/.test(raw)) return { kind: "thanks" };

  const original = typed.replace(/[’‘]/g, "'").replace(LEADING_FILLER, "");
  const t = original
    .toLowerCase()
    .replace(/[?.!]+$/, "")
    .trim();
  // A follow-up ("actually, make it friday") starts with a word that only says it corrects the last one.
  const followUp = /^(?:actually|no|wait|sorry|oops|instead|hmm|oh)\b[\s,]*/i;
  const tf = t.replace(followUp, "");
  let pronounMissing = false;
  const ref = (text: string): TaskRefArgs | undefined => {
    if (PRONOUN.test(text.trim()) && !ctx.lastTask) pronounMissing = true;
    return parseReference(text, ctx.lastTask);
  };

  // Undo: "undo", "undo that". Restore from the Trash: "bring back the milk task", "undelete 3".
  if (UNDO.test(tf)) return { kind: "undo", args: {} };
  let m =
    tf.match(/^(?:please\s+)?(?:bring back|restore|recover|undelete|un-delete)\s+(.+?)(?:\s+from\s+(?:the\s+)?(?:trash|bin))?$/) ??
    tf.match(/^(?:please\s+)?(?:bring|get)\s+(.+?)\s+back(?:\s+from\s+(?:the\s+)?(?:trash|bin))?$/);
  if (m) {
    const r = ref(m[1]!);
    if (r) return { kind: "undo", args: r };
    if (pronounMissing) return WHICH_TASK;
  }

  // Many tasks at once: "complete all shopping tasks", "clear completed".
  const bulk = bulkIntent(tf, ctx);
  if (bulk) return bulk;

  // Reopen: "reopen 3", "mark the milk as not done", "undo milk".
  m =
    tf.match(/^(?:please\s+)?(?:reopen|re-open|uncheck|unmark)\s+(.+)$/) ??
    tf.match(new RegExp(`^(?:please\\s+)?mark\\s+(.+?)\\s+as\\s+(?:not\\s+(?:${DONE_WORDS})|pending|open|undone|incomplete)$`));
  if (m) {
    const r = ref(m[1]!);
    if (r) return { kind: "update", args: { ...r, changes: { completed: false } } };
    if (pronounMissing) return WHICH_TASK;
  }

  // Complete: "complete 3", "mark #3 done", "I'm done with the milk", "milk is done", "check off milk".
  m =
    tf.match(new RegExp(`^(?:please\\s+)?(?:mark|set)\\s+(.+?)\\s+(?:as\\s+)?(?:${DONE_WORDS})$`)) ??
    tf.match(/^(?:please\s+)?(?:complete|finish|check off|tick off|cross off|close)\s+(.+)$/) ??
    tf.match(new RegExp(`^(?:i(?:'m|'ve| am| have| just)?\\s+)?(?:just\\s+)?(?:${DONE_WORDS}|did)\\s+(?:with\\s+)?(.+)$`)) ??
    tf.match(new RegExp(`^(.+?)(?:'s|\\s+is|\\s+are)\\s+(?:now\\s+)?(?:${DONE_WORDS})$`));
  if (m) {
    // "finish the report by friday, it's urgent" is a new task with a deadline, not a report just finished.
    if (/^(?:finish|complete)\s/.test(tf) && (findDate(m[1]!, ctx.now, ctx.timeZone) || URGENT_WORD.test(m[1]!))) return addIntent(original, ctx);
    const r = ref(m[1]!);
    if (r) return { kind: "complete", args: r };
    if (pronounMissing) return WHICH_TASK;
  }

  // Delete: "delete the meeting task", "remove 4".
  m =
    tf.match(/^(?:please\s+)?take\s+(.+?)\s+off\s+(?:my|the)\s+(?:list|tasks|todo list|to-do list|todos)$/) ??
    tf.match(/^(?:please\s+)?(?:delete|remove|drop|erase|trash|get rid of|cancel|bin)\s+(.+)$/);
  if (m && !/^(?:the\s+)?due\s*date\b/.test(m[1]!)) {
    const r = ref(m[1]!);
    if (r) return { kind: "delete", args: r };
    if (pronounMissing) return WHICH_TASK;
  }

  // Repeat: "stop repeating the standup", "repeat 3 every monday", "make the rent repeat monthly on the 1st".
  m =
    tf.match(/^(?:please\s+)?(?:stop|end|cancel)\s+repeating\s+(.+)$/) ??
    tf.match(/^(?:please\s+)?(?:don't|do not|no longer)\s+repeat\s+(.+)$/) ??
    tf.match(/^(?:please\s+)?(?:make\s+)?(.+?)\s+(?:should\s+)?(?:stop|no longer)\s+repeat(?:ing)?$/) ??
    (/^(?:please\s+)?stop repeating(?: it)?$/.test(tf) ? ["", "it"] : null);
  if (m) {
    const r = ref(m[1]!);
    if (r) return { kind: "update", args: { ...r, changes: { repeat: null } } };
    if (pronounMissing) return WHICH_TASK;
  }
  m = tf.match(
    /^(?:please\s+)?(?:repeat|make)\s+(.+?)\s+(?:repeat\s+|recur\s+)?((?:every|each|daily|weekly|monthly|yearly|annually|biweekly|fortnightly)\b.*)$/,
  );
  if (m) {
    const repeat = findRepeat(m[2]!);
    const r = ref(m[1]!);
    if (r && repeat) {
      const when = findDate(repeat.rest, ctx.now, ctx.timeZone);
      const first = firstOccurrence(repeat.rule, ctx.today);
      const changes: Changes = { repeat: repeat.rule };
      if (first) changes.dueDate = when?.time ? `${first}T${when.time}` : first;
      return { kind: "update", args: { ...r, changes } };
    }
    if (pronounMissing) return WHICH_TASK;
  }

  // Rename: "rename 3 to Buy oat milk".
  m = original.replace(followUp, "").match(/^(?:please\s+)?(?:rename|retitle|call)\s+(.+?)\s+to\s+(.+)$/i);
  if (m) {
    const r = ref(m[1]!);
    const title = clean(m[2]!);
    if (r && title) return { kind: "update", args: { ...r, changes: { title: capitalise(title) } } };
    if (pronounMissing) return WHICH_TASK;
  }

  // Reschedule: "move the milk to friday", "postpone 3 to next week".
  m = tf.match(/^(?:please\s+)?(?:move|reschedule|postpone|push|defer|shift)\s+(.+?)\s+(?:to|until|till|for|back to)\s+(.+)$/);
  if (m) {
    const r = ref(m[1]!);
    const when = findDate(m[2]!, ctx.now, ctx.timeZone);
    if (r && when) return { kind: "update", args: { ...r, changes: { dueDate: dueOf(when) } } };
    if (pronounMissing) return WHICH_TASK;
  }

  // Priority: "make the milk high priority", "set priority of 3 to low", "change 3 priority to high".
  m =
    tf.match(/^(?:please\s+)?(?:set|change|make)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(.+?)\s+(?:to|as)\s+(high|medium|low|normal)$/) ??
    tf.match(/^(?:please\s+)?(?:set|change|make|mark)\s+(.+?)(?:'s)?\s+(?:priority\s+)?(?:to\s+|as\s+)?(high|medium|low|normal)(?:\s+priority)?$/) ??
    tf.match(/^(?:please\s+)?(?:prioriti[sz]e)\s+(.+)$/);
  if (m) {
    const r = ref(m[1]!.replace(/\bpriority\b/, ""));
    if (r) return { kind: "update", args: { ...r, changes: { priority: m[2] ? normalPriority(m[2]) : "high" } } };
    if (pronounMissing) return WHICH_TASK;
  }

  // Due date: "set the due date of 3 to friday", "3 is due tomorrow", "clear the due date of 3".
  m = tf.match(/^(?:please\s+)?(?:clear|remove|delete|drop)\s+(?:the\s+)?(?:due\s*date|deadline)\s+(?:of|for|on|from)\s+(.+)$/);
  if (m) {
    const r = ref(m[1]!);
    if (r) return { kind: "update", args: { ...r, changes: { dueDate: null } } };
    if (pronounMissing) return WHICH_TASK;
  }
  m =
    tf.match(/^(?:please\s+)?(?:set|change|update)\s+(?:the\s+)?(?:due\s*date|deadline)\s+(?:of|for|on)\s+(.+?)\s+to\s+(.+)$/) ??
    tf.match(/^(.+?)(?:'s|\s+is)\s+due\s+(.+)$/);
  if (m && !/^(?:what|which|anything|nothing|everything|something|who|when|how much)$/.test(m[1]!)) {
    const r = ref(m[1]!);
    const when = findDate(m[2]!, ctx.now, ctx.timeZone);
    if (r && when) return { kind: "update", args: { ...r, changes: { dueDate: dueOf(when) } } };
    if (pronounMissing) return WHICH_TASK;
  }

  // Tags: "tag it work", "label 3 as home".
  m = tf.match(/^(?:please\s+)?(?:tag|label)\s+(.+?)\s+(?:as\s+|with\s+)?#?([\p{L}\p{N}_-]+)$/u);
  if (m) {
    const r = ref(m[1]!);
    if (r) return { kind: "update", args: { ...r, changes: { tags: [m[2]!] } } };
    if (pronounMissing) return WHICH_TASK;
  }

  // A reminder relative to the task just mentioned: "remind me an hour before", "the day before at 9".
  const relative = parseRelativeReminder(tf);
  if (relative) return ctx.lastTask ? { kind: "update", args: { number: ctx.lastTask, reminders: [relative] } } : WHICH_TASK;
  // A follow-up about the task just mentioned: "make it tomorrow", "actually high priority", "change that to friday".
  m = original
    .replace(followUp, "")
    .match(
      /^(?:please\s+)?(?:make|set|change|move|switch|put|update)\s+(it|that|this|that one|this one)\s+(?:to\s+|for\s+|as\s+|on\s+|until\s+|due\s+)?(.+)$/i,
    );
  const bare = followUp.test(t) || ctx.lastTask !== undefined ? original.replace(followUp, "") : undefined;
  for (const [text, explicit] of [
    [m?.[2], true],
    [bare, false],
  ] as const) {
    if (text === undefined) continue;
    const details = extractDetails(text.replace(/^(?:make it|make that|it's|it is|due)\s+/i, "").replace(/\s+instead$/i, ""), ctx);
    const changes: Changes = {};
    if (details.priority) changes.priority = details.priority;
    if (details.dueDate) changes.dueDate = details.dueDate;
    if (details.repeat) changes.repeat = details.repeat;
    if (details.tags.length) changes.tags = details.tags;
    const leftOver = details.rest.replace(/^(?:priority|due|then|please|instead|it)$/i, "");
    if (Object.keys(changes).length === 0 && explicit && leftOver) changes.title = capitalise(leftOver);
    if (Object.keys(changes).length === 0 || (!explicit && leftOver)) continue;
    if (!ctx.lastTask) return WHICH_TASK;
    return { kind: "update", args: { number: ctx.lastTask, changes } };
  }

  // Generic update: "update 3: high priority, due friday, #work", "change the milk to buy oat milk".
  m = original.match(/^(?:please\s+)?(?:update|change|edit|modify|set)\s+(.+?)(?:\s*:\s*|\s+(?:to|with)\s+)(.+)$/i);
  if (m) {
    const r = parseReference(m[1]!);
    if (r) {
      const details = extractDetails(m[2]!, ctx);
      const changes: Changes = {};
      if (details.priority) changes.priority = details.priority;
      if (details.dueDate) changes.dueDate = details.dueDate;
      if (details.repeat) changes.repeat = details.repeat;
      if (details.repeat) changes.repeat = details.repeat;
      if (details.tags.length) changes.tags = details.tags;
      if (details.rest && Object.keys(changes).length === 0) changes.title = capitalise(details.rest);
      if (Object.keys(changes).length === 0) return { kind: "unclear", reason: "no-change" };
      return { kind: "update", args: { ...r, changes } };
    }
  }

  // Add: "add buy milk tomorrow, high priority", "remind me to call mom friday", "new task: taxes #home".
  m =
    original.match(
      /^(?:please\s+)?(?:add|create|new|make|put|save|note|jot down|write down)\b\s*(?:(?:a|an)\s+)?(?:new\s+)?(?:task|todo|to-do|reminder|item)?\s*(?:to\s+|called\s+|named\s+|:\s*|-\s*)?(.*)$/i,
    ) ??
    original.match(
      /^(?:please\s+)?((?!i (?:need|want|have) to (?:know|see|check|find out|look at|ask)\b)(?:remind me to|i need to|i have to|i must|i should|i want to|i gotta|i've got to|need to|gotta|remember to|don't forget to|dont forget to|todo:?)\s+.+)$/i,
    );
  if (m) return addIntent(m[1]!, ctx);

  if (NEXT.test(t) || LIST_PATTERNS.some((p) => p.test(t))) return listIntent(t, ctx);

  // About tasks, but nothing here fits: say so, and offer what comes closest.
  if (/\b(?:tasks?|todos?|to-dos?|list|due|deadline|remind|reminder)\b/.test(t)) return { kind: "unsure", about: "tasks", suggest: "what's left?" };

  return { kind: "unclear", reason: looksNotEnglish(t) ? "not-english" : "unknown" };
}

/** Letters of another script (Cyrillic, Greek, CJK, Arabic…) or Latin letters English does not use. */
const FOREIGN_LETTER = /[^\p{Script=Latin}\P{L}]|[à-öø-ÿœßñ¿¡]/u;
/**
 * Everyday words of the languages people most often try (French, Spanish, German, Italian, Portuguese)
 * that are not English words: the verbs and nouns of a todo request, and the days it names.
 */
const FOREIGN_WORDS = new Set(
  (
    "ajoute ajouter ajoutez supprime supprimer efface termine terminer fini liste tâche tâches demain aujourd hui lait acheter appeler rappelle " +
    "añade añadir agrega agregar borra borrar elimina eliminar termina terminar lista tarea tareas mañana hoy leche comprar llamar recuérdame " +
    "hinzufügen füge lösche löschen erledigt aufgabe aufgaben morgen heute milch kaufen anrufen erinnere " +
    "aggiungi aggiungere cancella elimina completa compito compiti domani oggi latte comprare chiamare ricordami " +
    "adicionar adiciona apagar tarefa tarefas amanhã hoje leite ligar lembra"
  ).split(" "),
);

/** Whether an unplaced sentence is in another language, so the reply can say which one this assistant speaks. */
export function looksNotEnglish(text: string): boolean {
  if (FOREIGN_LETTER.test(text)) return true;
  return text.split(/[^\p{L}]+/u).some((word) => FOREIGN_WORDS.has(word));
}

/**
 * Quick add (the tasks page's add box): one task from a line as typed, the way the assistant reads an
 * "add" — "pay rent friday #home !high" is "Pay rent", due Friday, tagged home, high priority. Unlike
 * the chat, a list stays one title ("eggs, bread and milk"): the box adds one task.
 */
export function parseQuickAdd(text: string, ctx: IntentContext): AddArgs & { tags: string[] } {
  const details = extractDetails(fixTypos(text.trim()), ctx);
  return {
    title: capitalise(details.rest),
    ...(details.priority ? { priority: details.priority } : {}),
    ...(details.dueDate ? { dueDate: details.dueDate } : {}),
    tags: details.tags,
  };
}
