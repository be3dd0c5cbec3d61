"use client";
/**
 * Search, status, priority, tag, due window and sort for the list. The page shows it only once the
 * Filters button (or `/`) opens it, or when a filter is in use, so the list starts on the first screen.
 */
import { Search, X } from "lucide-react";
import { TASK_LIMITS } from "@todo/contracts/constants";
import { DEFAULT_FILTERS, isFiltered, SORTS, type DueWindow, type SortKey, type ViewFilters } from "@/lib/task-filters";
import { cn } from "@/lib/cn";
import { Button } from "@/components/ui/button";
import { PriorityOptions } from "./priority-options";
import { Field, Input, Label, Select } from "@/components/ui/input";

const STATUS_LABELS = { pending: "To do", all: "All", completed: "Done" } as const;
const DUE_LABELS: Record<DueWindow, string> = {
  any: "Any time",
  overdue: "Overdue",
  today: "Due today",
  week: "Next 7 days",
  later: "Later",
};

export function TaskFiltersBar({
  filters,
  knownTags,
  onChange,
}: {
  filters: ViewFilters;
  knownTags: string[];
  /** Takes an update of the latest filters, so two quick changes (before a re-render) both count. */
  onChange: (update: (current: ViewFilters) => ViewFilters) => void;
}) {
  const set = <K extends keyof ViewFilters>(key: K, value: ViewFilters[K]) => onChange((current) => ({ ...current, [key]: value }));

  return (
    // biome-ignore lint/a11y/useSemanticElements: the role is what assistive technology reads; a <search> element adds nothing to it in today's browsers.
    <div id="task-filters" className="flex flex-col gap-3 rounded-lg border bg-card p-3" role="search" aria-label="Filter tasks">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
        <div className="relative flex-1">
          <Label htmlFor="task-search" className="sr-only">
            Search tasks
          </Label>
          <Search className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
          <Input
            id="task-search"
            type="search"
            value={filters.q}
            onChange={(e) => set("q", e.target.value)}
            placeholder="Search title and description"
            className="pl-9"
            maxLength={TASK_LIMITS.qMax}
          />
        </div>
        <div className="flex items-center gap-3">
          {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form section: a <fieldset> would need a visible legend. */}
          <div role="group" aria-label="Status" className="inline-flex rounded-md border p-0.5">
            {(Object.keys(STATUS_LABELS) as (keyof typeof STATUS_LABELS)[]).map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={filters.status === s}
                onClick={() => set("status", s)}
                className={cn(
                  "h-8 rounded px-3 text-sm font-medium text-muted-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                  filters.status === s ? "bg-primary text-primary-foreground" : "hover:bg-muted hover:text-foreground",
                )}
              >
                {STATUS_LABELS[s]}
              </button>
            ))}
          </div>
        </div>
      </div>
      <div id="task-filter-fields" className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Field id="filter-priority" label="Priority">
          <Select id="filter-priority" className="w-full" value={filters.priority} onChange={(e) => set("priority", e.target.value as ViewFilters["priority"])}>
            <option value="">Any priority</option>
            <PriorityOptions />
          </Select>
        </Field>
        <Field id="filter-due" label="Due">
          <Select id="filter-due" className="w-full" value={filters.due} onChange={(e) => set("due", e.target.value as DueWindow)}>
            {(Object.keys(DUE_LABELS) as DueWindow[]).map((d) => (
              <option key={d} value={d}>
                {DUE_LABELS[d]}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="filter-tag" label="Tag">
          <Select id="filter-tag" className="w-full" value={filters.tag} onChange={(e) => set("tag", e.target.value)}>
            <option value="">Any tag</option>
            {[...new Set([...knownTags, ...(filters.tag ? [filters.tag] : [])])].sort().map((t) => (
              <option key={t} value={t}>
                #{t}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="filter-sort" label="Sort">
          <Select id="filter-sort" className="w-full" value={filters.sort} onChange={(e) => set("sort", e.target.value as SortKey)}>
            {(Object.keys(SORTS) as SortKey[]).map((k) => (
              <option key={k} value={k}>
                {SORTS[k].label}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {isFiltered(filters) && (
        <Button
          variant="link"
          size="sm"
          className="self-start px-0 text-muted-foreground"
          onClick={() => onChange((current) => ({ ...DEFAULT_FILTERS, sort: current.sort }))}
        >
          <X aria-hidden /> Clear filters
        </Button>
      )}
    </div>
  );
}
