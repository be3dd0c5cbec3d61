/**
 * The chat history by date, as ChatGPT shows it: Today, Yesterday, Last 7 days, Older (by each
 * conversation's last activity, in calendar days of the given zone; the browser's by default), and
 * the history's search.
 */
import type { ConversationSummary } from "@todo/contracts";
import { todayIn } from "./task-groups";

export const HISTORY_GROUPS = ["Today", "Yesterday", "Last 7 days", "Older"] as const;
export type HistoryGroup = (typeof HISTORY_GROUPS)[number];

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

export function historyGroupOf(updatedAt: string, now: Date, timeZone?: string): HistoryGroup {
  const days = dayNumber(todayIn(timeZone, now)) - dayNumber(todayIn(timeZone, new Date(updatedAt)));
  if (days <= 0) return "Today";
  if (days === 1) return "Yesterday";
  if (days < 7) return "Last 7 days";
  return "Older";
}

/** Non-empty groups in order; the conversations keep their order (most recent first) within each. */
export function groupConversations<T extends Pick<ConversationSummary, "updatedAt">>(
  conversations: readonly T[],
  now: Date,
  timeZone?: string,
): { label: HistoryGroup; conversations: T[] }[] {
  return HISTORY_GROUPS.map((label) => ({ label, conversations: conversations.filter((c) => historyGroupOf(c.updatedAt, now, timeZone) === label) })).filter(
    (g) => g.conversations.length > 0,
  );
}

/** Conversations whose title holds every word of the query, in any case. */
export function searchConversations<T extends Pick<ConversationSummary, "title">>(conversations: readonly T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...conversations];
  return conversations.filter((c) => words.every((w) => c.title.toLowerCase().includes(w)));
}
