/**
 * "What do I do today?": open tasks in four groups (Overdue, Today, Upcoming, No date) by calendar
 * day. Pure: the caller says which day is today (`todayIn(zone)`), so the person's own time-zone
 * setting can replace the browser's without touching the grouping.
 */
import type { Task } from "@todo/contracts";

export const TASK_GROUPS = [
  { key: "overdue", label: "Overdue" },
  { key: "today", label: "Today" },
  { key: "upcoming", label: "Upcoming" },
  { key: "none", label: "No date" },
] as const;
export type TaskGroupKey = (typeof TASK_GROUPS)[number]["key"];
export type TaskGroup<T> = { key: TaskGroupKey; label: string; tasks: T[] };

type Groupable = Pick<Task, "dueDate" | "priority" | "number">;

/** Today's calendar day (YYYY-MM-DD) in a time zone: the browser's when none is given. */
export function todayIn(timeZone: string | undefined, now = new Date()): string {
  // en-CA writes ISO order (2026-11-30); an unknown zone falls back to the browser's.
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  }
}

export function groupOf(task: Pick<Task, "dueDate">, today: string): TaskGroupKey {
  if (!task.dueDate) return "none";
  if (task.dueDate < today) return "overdue";
  if (task.dueDate === today) return "today";
  return "upcoming";
}

const RANK = { high: 0, medium: 1, low: 2 } as const;

/** Soonest first, then higher priority, then the order they were added. */
function compare(a: Groupable, b: Groupable): number {
  if (a.dueDate !== b.dueDate) {
    if (!a.dueDate) return 1;
    if (!b.dueDate) return -1;
    return a.dueDate < b.dueDate ? -1 : 1;
  }
  return RANK[a.priority] - RANK[b.priority] || a.number - b.number;
}

/** The non-empty groups in their fixed order; tasks keep their objects, sorted within each group. */
export function groupTasks<T extends Groupable>(tasks: readonly T[], today: string): TaskGroup<T>[] {
  const buckets = new Map<TaskGroupKey, T[]>(TASK_GROUPS.map((g) => [g.key, []]));
  for (const task of tasks) buckets.get(groupOf(task, today))!.push(task);
  return TASK_GROUPS.map((g) => ({ key: g.key, label: g.label, tasks: buckets.get(g.key)!.sort(compare) })).filter((g) => g.tasks.length > 0);
}
