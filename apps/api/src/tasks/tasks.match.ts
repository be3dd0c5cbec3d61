/**
 * Fuzzy matching of a person's words ("the milk", "meeting task") to one of their task titles.
 * Used by the MCP tools, so the offline assistant and a real model resolve references the same way.
 */

const STOP_WORDS = new Set(["the", "a", "an", "my", "task", "tasks", "todo", "item", "one", "that", "this", "to", "for", "of"]);

const plainWords = (text: string) =>
  text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

function words(text: string): string[] {
  return plainWords(text)
    .filter((w) => (w.length > 1 || /\d/.test(w)) && !STOP_WORDS.has(w))
    .map((w) => (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w));
}

/** A title as stored for matching in SQL (tasks.title_key): " buy milk ". */
export function titleKey(title: string): string {
  return ` ${plainWords(title).join(" ")} `;
}

/**
 * LIKE patterns over title_key that every title matchScore could score above zero fits: each query
 * word's first (up to) four characters at the start of a word. SQL keeps these candidates and
 * matchScore ranks them, so a person's whole list is never loaded.
 */
export function titleKeyPatterns(query: string): string[] {
  return [...new Set(words(query).map((w) => `% ${w.slice(0, 4)}%`))];
}

/** 0 (unrelated) … 100 (same words). */
export function matchScore(query: string, title: string): number {
  const q = words(query);
  const t = words(title);
  if (q.length === 0 || t.length === 0) return 0;
  const qs = q.join(" ");
  const ts = t.join(" ");
  if (qs === ts) return 100;
  if (` ${ts} `.includes(` ${qs} `)) return 85;
  if (` ${qs} `.includes(` ${ts} `)) return 75;
  const hits = q.filter((w) => t.some((tw) => tw === w || (Math.min(w.length, tw.length) >= 4 && (tw.startsWith(w) || w.startsWith(tw)))));
  return Math.round((hits.length / q.length) * 60);
}

export const MATCH_THRESHOLD = 30;

export interface Candidate<T> {
  item: T;
  score: number;
}

/** The best-scoring items above the threshold: one winner, several tied, or none. */
export function bestMatches<T>(query: string, items: T[], title: (t: T) => string): Candidate<T>[] {
  const scored = items
    .map((item) => ({ item, score: matchScore(query, title(item)) }))
    .filter((c) => c.score >= MATCH_THRESHOLD)
    .sort((a, b) => b.score - a.score);
  const top = scored[0]?.score;
  return top === undefined ? [] : scored.filter((c) => c.score === top);
}
