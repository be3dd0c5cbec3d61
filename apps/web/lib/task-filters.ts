/**
 * The tasks page's filters as the person sees them (status, priority, tag, due window, search,
 * sort), their URL form (so a filtered view can be bookmarked) and the API query they become.
 */
import { PRIORITIES, type Priority, TASK_LIMITS, TASK_STATUSES, type TaskStatus } from "@todo/contracts/constants";
import type { TaskFilters } from "./api.client";
import { addDays, todayIso } from "./dates";

export const DUE_WINDOWS = ["any", "overdue", "today", "week", "later"] as const;
export type DueWindow = (typeof DUE_WINDOWS)[number];

export const SORTS = {
  "created-desc": { label: "Newest first", sort: "created", order: "desc" },
  "created-asc": { label: "Oldest first", sort: "created", order: "asc" },
  "due-asc": { label: "Due soonest", sort: "due", order: "asc" },
  "priority-desc": { label: "Priority: high to low", sort: "priority", order: "desc" },
  "title-asc": { label: "Title: A to Z", sort: "title", order: "asc" },
} as const;
export type SortKey = keyof typeof SORTS;

export type ViewFilters = {
  status: TaskStatus;
  priority: Priority | "";
  tag: string;
  due: DueWindow;
  q: string;
  sort: SortKey;
};

/** The default view answers "what do I do today?": open tasks, soonest first (grouped on the page). */
export const DEFAULT_FILTERS: ViewFilters = { status: "pending", priority: "", tag: "", due: "any", q: "", sort: "due-asc" };

function pick<T extends string>(value: string | null | undefined, allowed: readonly T[], fallback: T): T {
  return value && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function filtersFromParams(get: (key: string) => string | null | undefined): ViewFilters {
  return {
    status: pick(get("status"), TASK_STATUSES, DEFAULT_FILTERS.status),
    priority: pick(get("priority"), ["", ...PRIORITIES], ""),
    tag: (get("tag") ?? "").trim().toLowerCase().slice(0, TASK_LIMITS.tagMax),
    due: pick(get("due"), DUE_WINDOWS, "any"),
    q: (get("q") ?? "").slice(0, TASK_LIMITS.qMax),
    sort: pick(get("sort"), Object.keys(SORTS) as SortKey[], DEFAULT_FILTERS.sort),
  };
}

/** Only the non-default filters, for the address bar. */
export function filtersToSearch(filters: ViewFilters): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_FILTERS) as (keyof ViewFilters)[]) {
    if (filters[key] !== DEFAULT_FILTERS[key]) params.set(key, filters[key]);
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

export function isFiltered(filters: ViewFilters): boolean {
  return filters.status !== DEFAULT_FILTERS.status || !!filters.priority || !!filters.tag || filters.due !== "any" || !!filters.q.trim();
}

/** How many filters differ from the default view (sort included): the Filters button's count. */
export function filtersInUse(filters: ViewFilters): number {
  return (Object.keys(DEFAULT_FILTERS) as (keyof ViewFilters)[]).filter((key) => filters[key].trim() !== DEFAULT_FILTERS[key]).length;
}

/** The grouped "today" view (Overdue / Today / Upcoming / No date) shows open tasks in the default order. */
export function isGroupedView(filters: ViewFilters): boolean {
  return filters.status === "pending" && filters.sort === DEFAULT_FILTERS.sort;
}

/** Due windows are days in the person's own calendar, so they are computed in the browser. */
export function toApiFilters(filters: ViewFilters, now = new Date()): TaskFilters {
  const today = todayIso(now);
  const { sort, order } = SORTS[filters.sort];
  const out: TaskFilters = { status: filters.status, sort, order };
  if (filters.priority) out.priority = filters.priority;
  if (filters.tag) out.tag = filters.tag;
  if (filters.q.trim()) out.q = filters.q.trim();
  switch (filters.due) {
    case "overdue":
      out.dueBefore = addDays(today, -1);
      break;
    case "today":
      out.dueAfter = today;
      out.dueBefore = today;
      break;
    case "week":
      out.dueAfter = today;
      out.dueBefore = addDays(today, 6);
      break;
    case "later":
      out.dueAfter = addDays(today, 7);
      break;
  }
  return out;
}
