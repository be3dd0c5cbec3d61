/**
 * The offline assistant's understanding: a person's sentence to one intent with its arguments.
 * Rule-based and deliberately forgiving; what it cannot place becomes a short helpful hint.
 */
import type { Priority, TaskSort, TaskStatus } from "@todo/contracts/constants";
import { addDays, findDate } from "./offline.dates.ts";

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
}

export interface Changes {
  title?: string;
  priority?: Priority;
  dueDate?: string | null;
  tags?: string[];
  completed?: boolean;
}

export type Intent =
  | { kind: "add"; args: { title: string; priority?: Priority; dueDate?: string; tags?: string[] } }
  | { kind: "list"; args: ListArgs }
  | { kind: "complete"; args: TaskRefArgs }
  | { kind: "delete"; args: TaskRefArgs }
  | { kind: "update"; args: TaskRefArgs & { changes: Changes } }
  | { kind: "help" }
  | { kind: "greeting" }
  | { kind: "thanks" }
  | { kind: "unclear"; reason: "empty-add" | "no-change" | "not-english" | "unknown" };

export interface IntentContext {
  now: Date;
  timeZone: string;
  today: string;
}

const DONE_WORDS = "done|complete|completed|finished";
const PRIORITY_WORD = /\b(?:priority\s*(?:is\s*|to\s*|:|=)?\s*(high|medium|low|normal)|(high|medium|low|normal)[\s-]*(?:priority|prio))\b/i;
const URGENT_WORD = /\b(urgent|urgently|important|asap)\b/i;
const HASHTAG = /(?:^|\s)#([\p{L}_-][\p{L}\p{N}_-]*)/gu;
const TAGGED = /\b(?:tag(?:ged)?|label(?:led)?)\s+(?:as\s+|with\s+)?([\p{L}\p{N}_-]+(?:\s*(?:,|and)\s*[\p{L}\p{N}_-]+)*)/iu;
const CONNECTIVE_BEFORE_DATE = /(?:[\s,]+(?:for|by|on|due|before|until|at|due\s+on|due\s+by))?[\s,]*$/i;

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

const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Priority, tags and a due date pulled out of free text; what remains is the title. */
export function extractDetails(text: string, ctx: IntentContext) {
  let rest = ` ${text} `;
  let priority: Priority | undefined;
  const p = rest.match(PRIORITY_WORD);
  if (p) {
    priority = normalPriority((p[1] ?? p[2])!);
    rest = rest.replace(PRIORITY_WORD, " ");
    rest = rest.replace(/\b(?:with\s+(?:a\s+)?|as\s+)$/i, "");
  } else {
    const u = rest.match(URGENT_WORD);
    if (u) {
      priority = "high";
      rest = rest.replace(URGENT_WORD, " ");
    }
  }
  const tags = new Set<string>();
  for (const m of rest.matchAll(HASHTAG)) tags.add(m[1]!.toLowerCase());
  rest = rest.replace(HASHTAG, " ");
  const tagged = rest.match(TAGGED);
  if (tagged) {
    for (const t of tagged[1]!.split(/\s*(?:,|\band\b)\s*/)) if (t) tags.add(t.toLowerCase());
    rest = rest.replace(TAGGED, " ");
  }
  let dueDate: string | undefined;
  const found = findDate(rest, ctx.now, ctx.timeZone);
  if (found) {
    dueDate = found.date;
    const before = rest.slice(0, found.index).replace(CONNECTIVE_BEFORE_DATE, "");
    rest = `${before} ${rest.slice(found.index + found.text.length)}`;
  }
  rest = rest.replace(/\s*,\s*(?=,|$)/g, "").replace(/\s+,/g, ",");
  return { rest: clean(rest.replace(/,\s*,/g, ",")), priority, tags: [...tags], dueDate };
}

/** "3", "#3", "task 3", "number 3" → { number }; other words → { match }. */
export function parseReference(text: string): TaskRefArgs | undefined {
  const t = clean(text.replace(/\b(?:task|todo|item|number|no\.?)\b/gi, " ").replace(/\bthe\b/gi, " "));
  const num = t.match(/^#?(\d{1,9})$/);
  if (num) return { number: Number(num[1]) };
  const words = clean(t.replace(/\bone\b/gi, " "));
  return words ? { match: words } : undefined;
}

function listArgs(t: string, ctx: IntentContext): ListArgs {
  const args: ListArgs = {};
  if (new RegExp(`\\b(${DONE_WORDS}|did i do|have i done)\\b`).test(t) && !/\bnot (?:yet )?(?:done|completed|finished)\b/.test(t))
    args.status = "completed";
  else if (/\b(left|pending|open|remaining|outstanding|unfinished|not (?:yet )?(?:done|completed|finished)|to ?do|still)\b/.test(t))
    args.status = "pending";
  else args.status = "all";
  if (/\boverdue\b|\blate\b/.test(t)) {
    args.status = "pending";
    args.dueBefore = addDays(ctx.today, -1);
  } else if (/\btoday\b|\btonight\b/.test(t)) {
    args.status = args.status === "completed" ? "completed" : "pending";
    args.dueBefore = ctx.today;
    args.sort = "due";
  } else if (/\btomorrow\b/.test(t)) {
    args.dueAfter = addDays(ctx.today, 1);
    args.dueBefore = addDays(ctx.today, 1);
  } else if (/\bthis week\b|\bnext (?:7|seven) days\b/.test(t)) {
    args.dueBefore = addDays(ctx.today, 6);
    args.sort = "due";
  }
  const pr = t.match(/\b(high|medium|low)[\s-]*(?:priority|prio)?\b/) ?? (URGENT_WORD.test(t) ? [undefined, "high"] : null);
  if (pr) args.priority = pr[1] as Priority;
  const tag = t.match(/#([\p{L}\p{N}_-]+)/u) ?? t.match(/\b(?:tagged|tag|labelled|label)\s+(?:as\s+|with\s+)?([\p{L}\p{N}_-]+)/u);
  if (tag) args.tag = tag[1]!;
  const about = t.match(/\b(?:about|mentioning|containing|with the word|matching)\s+["']?([^"']+?)["']?\s*\??$/);
  if (about) args.q = about[1]!;
  return args;
}

const LIST_PATTERNS = [
  /\bwhat(?:'s|s| is)? (?:left|remaining|pending|due|next|on my (?:list|plate))\b/,
  /\bwhat (?:do|should|did|have) i\b/,
  /\bwhat (?:tasks|todos|is there)\b/,
  /^(?:show|list|see|view|display|get|give|tell)\b/,
  /\b(?:my|all|the) (?:tasks|todos|to-dos|list)\b/,
  /^(?:tasks|todos|list|pending|overdue|done|completed)\b/,
  /\banything (?:left|due|pending|overdue)\b/,
  /\bhow many tasks\b/,
  /\bwhat(?:'s| is) (?:due|overdue)\b/,
];

export function parseIntent(input: string, ctx: IntentContext): Intent {
  const original = input.trim().replace(/\s+/g, " ");
  const t = original.toLowerCase().replace(/[’‘]/g, "'").replace(/[?.!]+$/, "").trim();

  if (!t) return { kind: "unclear", reason: "unknown" };
  if (/^(?:help|\?|commands)$|what (?:can|do) you do|how (?:does this|do (?:i|you)) work|what are you/.test(t)) return { kind: "help" };
  if (/^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening))\b[\s!,.a-z]{0,12}$/.test(t)) return { kind: "greeting" };
  if (/^(?:thanks|thank you|thx|cheers|great|perfect|awesome)\b/.test(t)) return { kind: "thanks" };

  // Reopen: "reopen 3", "mark the milk as not done", "undo milk".
  let m = t.match(/^(?:please\s+)?(?:reopen|re-open|uncheck|unmark|undo|restore)\s+(.+)$/) ??
    t.match(new RegExp(`^(?:please\\s+)?mark\\s+(.+?)\\s+as\\s+(?:not\\s+(?:${DONE_WORDS})|pending|open|undone|incomplete)$`));
  if (m) {
    const ref = parseReference(m[1]!);
    if (ref) return { kind: "update", args: { ...ref, changes: { completed: false } } };
  }

  // Complete: "complete 3", "mark #3 done", "I'm done with the milk", "milk is done", "check off milk".
  m =
    t.match(new RegExp(`^(?:please\\s+)?(?:mark|set)\\s+(.+?)\\s+(?:as\\s+)?(?:${DONE_WORDS})$`)) ??
    t.match(/^(?:please\s+)?(?:complete|finish|check off|tick off|cross off|close)\s+(.+)$/) ??
    t.match(new RegExp(`^(?:i(?:'m|'ve| am| have| just)?\\s+)?(?:just\\s+)?(?:${DONE_WORDS}|did)\\s+(?:with\\s+)?(.+)$`)) ??
    t.match(new RegExp(`^(.+?)\\s+(?:is|are)\\s+(?:now\\s+)?(?:${DONE_WORDS})$`));
  if (m) {
    const ref = parseReference(m[1]!);
    if (ref) return { kind: "complete", args: ref };
  }

  // Delete: "delete the meeting task", "remove 4".
  m = t.match(/^(?:please\s+)?(?:delete|remove|drop|erase|trash|get rid of|cancel)\s+(.+)$/);
  if (m) {
    const ref = parseReference(m[1]!);
    if (ref) return { kind: "delete", args: ref };
  }

  // Rename: "rename 3 to Buy oat milk".
  m = original.match(/^(?:please\s+)?(?:rename|retitle|call)\s+(.+?)\s+to\s+(.+)$/i);
  if (m) {
    const ref = parseReference(m[1]!);
    const title = clean(m[2]!);
    if (ref && title) return { kind: "update", args: { ...ref, changes: { title: capitalise(title) } } };
  }

  // Reschedule: "move the milk to friday", "postpone 3 to next week".
  m = t.match(/^(?:please\s+)?(?:move|reschedule|postpone|push|defer)\s+(.+?)\s+(?:to|until|till|for)\s+(.+)$/);
  if (m) {
    const ref = parseReference(m[1]!);
    const when = findDate(m[2]!, ctx.now, ctx.timeZone);
    if (ref && when) return { kind: "update", args: { ...ref, changes: { dueDate: when.date } } };
  }

  // Priority: "make the milk high priority", "set priority of 3 to low", "change 3 priority to high".
  m =
    t.match(/^(?:please\s+)?(?:set|change|make)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(.+?)\s+(?:to|as)\s+(high|medium|low|normal)$/) ??
    t.match(/^(?:please\s+)?(?:set|change|make|mark)\s+(.+?)(?:'s)?\s+(?:priority\s+)?(?:to\s+|as\s+)?(high|medium|low|normal)(?:\s+priority)?$/) ??
    t.match(/^(?:please\s+)?(?:prioriti[sz]e)\s+(.+)$/);
  if (m) {
    const ref = parseReference(m[1]!.replace(/\bpriority\b/, ""));
    if (ref) return { kind: "update", args: { ...ref, changes: { priority: m[2] ? normalPriority(m[2]) : "high" } } };
  }

  // Due date: "set the due date of 3 to friday", "3 is due tomorrow", "clear the due date of 3".
  m = t.match(/^(?:please\s+)?(?:clear|remove)\s+(?:the\s+)?due\s*date\s+(?:of|for|on|from)\s+(.+)$/);
  if (m) {
    const ref = parseReference(m[1]!);
    if (ref) return { kind: "update", args: { ...ref, changes: { dueDate: null } } };
  }
  m =
    t.match(/^(?:please\s+)?(?:set|change|update)\s+(?:the\s+)?(?:due\s*date|deadline)\s+(?:of|for|on)\s+(.+?)\s+to\s+(.+)$/) ??
    t.match(/^(.+?)\s+is\s+due\s+(.+)$/);
  if (m) {
    const ref = parseReference(m[1]!);
    const when = findDate(m[2]!, ctx.now, ctx.timeZone);
    if (ref && when) return { kind: "update", args: { ...ref, changes: { dueDate: when.date } } };
  }

  // Generic update: "update 3: high priority, due friday, #work", "change the milk to buy oat milk".
  m = original.match(/^(?:please\s+)?(?:update|change|edit|modify|set)\s+(.+?)(?:\s*:\s*|\s+(?:to|with)\s+)(.+)$/i);
  if (m) {
    const ref = parseReference(m[1]!);
    if (ref) {
      const details = extractDetails(m[2]!, ctx);
      const changes: Changes = {};
      if (details.priority) changes.priority = details.priority;
      if (details.dueDate) changes.dueDate = details.dueDate;
      if (details.tags.length) changes.tags = details.tags;
      if (details.rest && Object.keys(changes).length === 0) changes.title = capitalise(details.rest);
      if (Object.keys(changes).length === 0) return { kind: "unclear", reason: "no-change" };
      return { kind: "update", args: { ...ref, changes } };
    }
  }

  // Add: "add buy milk tomorrow, high priority", "remind me to call mom friday", "new task: taxes #home".
  m =
    original.match(/^(?:please\s+)?(?:can you\s+|could you\s+)?(?:add|create|new|make|put|save|note)\b\s*(?:(?:a|an)\s+)?(?:new\s+)?(?:task|todo|to-do|reminder|item)?\s*(?:to\s+|called\s+|named\s+|:\s*|-\s*)?(.*)$/i) ??
    original.match(/^(?:please\s+)?(?:remind me to|i need to|i have to|i must|i should|don't forget to|dont forget to|todo:?)\s+(.+)$/i);
  if (m) {
    const details = extractDetails(m[1]!.replace(/\s+(?:to|on|in)\s+(?:my|the)\s+(?:list|tasks|todo list|to-do list)\b/i, ""), ctx);
    const title = capitalise(details.rest);
    if (!title) return { kind: "unclear", reason: "empty-add" };
    return {
      kind: "add",
      args: {
        title,
        ...(details.priority ? { priority: details.priority } : {}),
        ...(details.dueDate ? { dueDate: details.dueDate } : {}),
        ...(details.tags.length ? { tags: details.tags } : {}),
      },
    };
  }

  if (LIST_PATTERNS.some((p) => p.test(t))) return { kind: "list", args: listArgs(t, ctx) };

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
