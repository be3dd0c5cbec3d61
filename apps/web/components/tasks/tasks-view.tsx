"use client";
/**
 * The tasks page. Its default view answers "what do I do today?": open tasks grouped Overdue / Today /
 * Upcoming / No date (lib/task-groups.ts), done tasks behind a toggle, a one-line add box, and the
 * filters folded behind a button until used (a filter in the address opens them). Other views
 * (all or done tasks, another sort) are one flat list. It refetches when filters change, when the
 * assistant (or another tab) announces a change, and on focus. Keyboard: see lib/shortcuts.ts.
 * Select (or Space on a task) picks tasks, Shift for a range, for the bulk bar (bulk-bar.tsx). Every
 * Undo toast reverts exactly the change it names (POST /api/changes/{id}/undo), not the latest one.
 */
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { CheckSquare, ChevronDown, Keyboard, ListFilter, Loader2, MessageSquare, SearchX, Trash2 } from "lucide-react";
import { toast } from "sonner";
import type { BulkChanges, ListedTask, Task, TaskPage, UpdateTaskInput } from "@todo/contracts";
import { TRASH_DAYS } from "@todo/contracts/constants";
import { ApiError, adoptBrowserTimeZone, changesApi, tasksApi } from "@/lib/api.client";
import { announceTasksChanged, onTasksChanged } from "@/lib/tasks-sync";
import { DEFAULT_FILTERS, filtersInUse, filtersToSearch, isFiltered, isGroupedView, toApiFilters, type ViewFilters } from "@/lib/task-filters";
import { groupTasks, todayIn } from "@/lib/task-groups";
import { isTypingTarget, TASK_SHORTCUTS } from "@/lib/shortcuts";
import { cn } from "@/lib/cn";
import { formatDue } from "@/lib/dates";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { BulkBar } from "./bulk-bar";
import { NewTaskForm } from "./new-task-form";
import { TaskFiltersBar } from "./task-filters-bar";
import { TaskItem } from "./task-item";
import { TrashView } from "./trash-view";

const PAGE_SIZE = 50;
const UNDO_TOAST_MS = 10_000;

export function TasksView({ initialFilters, initialPage }: { initialFilters: ViewFilters; initialPage: TaskPage | null }) {
  const [filters, setFilters] = useState(initialFilters);
  const [page, setPage] = useState<{ tasks: ListedTask[]; total: number } | null>(initialPage);
  const [loading, setLoading] = useState(initialPage === null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [knownTags, setKnownTags] = useState<string[]>([]);
  const requestSeq = useRef(0);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const shownRef = useRef(PAGE_SIZE);
  const [filtersOpen, setFiltersOpen] = useState(() => filtersInUse(initialFilters) > 0);
  const [showDone, setShowDone] = useState(false);
  const [done, setDone] = useState<{ tasks: ListedTask[]; total: number } | null>(null);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [showTrash, setShowTrash] = useState(false);
  const [activeId, setActiveId] = useState<string | null>(null);
  // Selection mode: the picked tasks' ids, and the last one picked (a Shift range runs from it).
  const [selecting, setSelecting] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const anchorRef = useRef<string | null>(null);
  const orderRef = useRef<string[]>([]);
  const [bulkBusy, setBulkBusy] = useState(false);
  const [confirmingBulkDelete, setConfirmingBulkDelete] = useState(false);
  const selectionRef = useRef({ selecting, count: selected.size });
  selectionRef.current = { selecting, count: selected.size };
  const newTitleRef = useRef<HTMLInputElement>(null);
  const grouped = isGroupedView(filters);

  const load = useCallback(
    async (opts: { append?: boolean } = {}) => {
      const seq = ++requestSeq.current;
      const current = filtersRef.current;
      const offset = opts.append ? (page?.tasks.length ?? 0) : 0;
      // A refresh keeps as many rows as are on screen, so "load more" isn't undone by a sync.
      const limit = opts.append ? PAGE_SIZE : Math.min(100, Math.max(PAGE_SIZE, shownRef.current));
      setLoading(true);
      try {
        // The grouped view's done tasks, behind their toggle, come with it (same filters, newest first).
        const [result, doneResult] = await Promise.all([
          tasksApi.list(toApiFilters(current), limit, offset),
          isGroupedView(current) && !opts.append ? tasksApi.list(toApiFilters({ ...current, status: "completed", sort: "created-desc" }), PAGE_SIZE, 0) : null,
        ]);
        if (seq !== requestSeq.current) return; // a newer request is on its way
        setPage((prev) => (opts.append && prev ? { tasks: [...prev.tasks, ...result.tasks], total: result.total } : result));
        if (!opts.append) setDone(doneResult);
        setLoadError(null);
      } catch (err) {
        if (seq !== requestSeq.current) return;
        setLoadError(err instanceof Error ? err.message : "Could not load your tasks.");
      } finally {
        if (seq === requestSeq.current) setLoading(false);
      }
    },
    [page?.tasks.length],
  );
  const loadRef = useRef(load);
  loadRef.current = load;

  // The person's time zone defaults to the browser's, set once on first use.
  useEffect(() => {
    adoptBrowserTimeZone().catch(() => undefined);
  }, []);

  useEffect(() => {
    shownRef.current = page?.tasks.length ?? PAGE_SIZE;
    if (page) setKnownTags((prev) => [...new Set([...prev, ...page.tasks.flatMap((t) => t.tags)])].sort());
  }, [page]);

  // Filters → address bar and list (search is debounced so typing doesn't fire a request per key).
  const firstRun = useRef(true);
  useEffect(() => {
    window.history.replaceState(null, "", `/tasks${filtersToSearch(filters)}`);
    if (firstRun.current) {
      firstRun.current = false;
      if (initialPage) {
        // The server rendered the open tasks; the done ones behind their toggle come from here.
        if (isGroupedView(filters))
          void tasksApi
            .list(toApiFilters({ ...filters, status: "completed", sort: "created-desc" }), PAGE_SIZE, 0)
            .then(setDone)
            .catch(() => undefined);
        return;
      }
      void loadRef.current();
      return;
    }
    shownRef.current = PAGE_SIZE;
    const timer = setTimeout(() => void loadRef.current(), 250);
    return () => clearTimeout(timer);
  }, [filters, initialPage]);

  // A filter in use (a tag clicked on a task, a filtered address) shows the filters that explain the list.
  useEffect(() => {
    if (filtersInUse(filters) > 0) setFiltersOpen(true);
  }, [filters]);

  // Keyboard shortcuts: never while typing in a field, nor under an open dialog.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return;
      // With tasks selected, x and Delete act on them (a row hands these keys on while selecting).
      if (selectionRef.current.selecting) {
        if (e.key === "Escape") {
          e.preventDefault();
          clearSelectionRef.current();
          return;
        }
        if (selectionRef.current.count > 0 && (e.key === "x" || e.key === "Delete")) {
          e.preventDefault();
          if (e.key === "x") void bulkRef.current({ completed: true });
          else setConfirmingBulkDelete(true);
          return;
        }
      }
      const rows = Array.from(document.querySelectorAll<HTMLElement>("[data-task-row]"));
      const at = rows.findIndex((row) => row.contains(document.activeElement));
      switch (e.key) {
        case "q":
        case "n":
          e.preventDefault();
          newTitleRef.current?.focus();
          return;
        case "/":
          e.preventDefault();
          setFiltersOpen(true);
          requestAnimationFrame(() => document.getElementById("task-search")?.focus());
          return;
        case "?":
          e.preventDefault();
          setShortcutsOpen(true);
          return;
        case "ArrowDown":
        case "ArrowUp": {
          const next = rows[at === -1 ? 0 : Math.max(0, Math.min(rows.length - 1, at + (e.key === "ArrowDown" ? 1 : -1)))];
          if (!next) return;
          e.preventDefault();
          next.focus();
          return;
        }
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  // Stay in sync with the assistant and other tabs.
  useEffect(() => {
    const refresh = () => void loadRef.current();
    const unsubscribe = onTasksChanged(refresh);
    const onVisible = () => document.visibilityState === "visible" && refresh();
    window.addEventListener("focus", refresh);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      unsubscribe();
      window.removeEventListener("focus", refresh);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, []);

  const changed = useCallback(() => {
    announceTasksChanged();
    void loadRef.current();
  }, []);

  /** Applies a change to a task wherever it is shown (the list, or the done tasks under their toggle). */
  const patchShown = (id: string, to: (t: ListedTask) => ListedTask) => {
    const apply = (p: { tasks: ListedTask[]; total: number } | null) => p && { ...p, tasks: p.tasks.map((t) => (t.id === id ? to(t) : t)) };
    setPage(apply);
    setDone(apply);
  };

  async function update(task: ListedTask, patch: UpdateTaskInput, success?: string): Promise<boolean> {
    // Optimistic: show the change now, put it back if the server says no.
    patchShown(task.id, (t) => ({ ...t, ...patch }) as ListedTask);
    try {
      const saved = await tasksApi.update(task.id, patch);
      patchShown(task.id, (t) => ({ ...saved, nextReminderAt: t.nextReminderAt }));
      if (success) toast.success(success);
      changed();
      return true;
    } catch (err) {
      patchShown(task.id, () => task);
      toast.error(err instanceof ApiError ? err.message : "Could not save the task.");
      return false;
    }
  }

  async function toggle(task: ListedTask) {
    const done = !task.completed;
    patchShown(task.id, (t) => ({ ...t, completed: done }));
    try {
      const { body: saved, changeId } = await tasksApi.updateLogged(task.id, { completed: done });
      patchShown(task.id, (t) => ({ ...saved, nextReminderAt: t.nextReminderAt }));
      if (done) toast.success(`Completed “${task.title}”`, undoAction(changeId));
      changed();
    } catch (err) {
      patchShown(task.id, () => task);
      toast.error(err instanceof ApiError ? err.message : "Could not save the task.");
    }
  }

  async function remove(task: Task) {
    const drop = (p: { tasks: ListedTask[]; total: number } | null) =>
      p?.tasks.some((t) => t.id === task.id) ? { tasks: p.tasks.filter((t) => t.id !== task.id), total: p.total - 1 } : p;
    setPage(drop);
    setDone(drop);
    try {
      const { changeId } = await tasksApi.remove(task.id);
      toast.success(`Deleted “${task.title}”`, { description: `In the Trash for ${TRASH_DAYS} days.`, ...undoAction(changeId) });
      changed();
    } catch (err) {
      toast.error(err instanceof ApiError ? err.message : "Could not delete the task.");
      void loadRef.current();
    }
  }

  /**
   * A toast's Undo: the one undo mechanism the assistant's "undo" uses too, the person's change log,
   * asked to revert exactly the change this toast names (a deleted task comes back under its number).
   * If a later change touched the same tasks the API says so (undo_conflict) and nothing is reverted.
   */
  const undoAction = (changeId: string | null) =>
    // Longer than a plain toast's 4 s: time to reach its Undo (hovering the toasts holds them too).
    changeId ? { duration: UNDO_TOAST_MS, action: { label: "Undo", onClick: () => void undo(changeId) } } : {};

  async function undo(changeId: string) {
    try {
      const undone = await changesApi.undoChange(changeId);
      const first = undone.tasks[0];
      toast.success(undone.count === 1 && first ? `Undone: “${first.title}” is back as it was` : `Undone: ${undone.count} tasks are back as they were`);
      changed();
    } catch (err) {
      toast.error(err instanceof ApiError ? err.message : "Could not undo.");
    }
  }

  /** Picks or unpicks a task; `range`: every task shown from the last one picked to this one takes that one's new state. */
  function select(id: string, range: boolean) {
    // Read now: the updater below runs later, after the anchor has moved to this task.
    const order = orderRef.current;
    const from = anchorRef.current ? order.indexOf(anchorRef.current) : -1;
    const to = order.indexOf(id);
    setSelecting(true);
    setSelected((prev) => {
      const next = new Set(prev);
      const on = !prev.has(id);
      if (range && from !== -1 && to !== -1) {
        for (const rangeId of order.slice(Math.min(from, to), Math.max(from, to) + 1)) {
          if (on) next.add(rangeId);
          else next.delete(rangeId);
        }
      } else if (on) next.add(id);
      else next.delete(id);
      return next;
    });
    anchorRef.current = id;
  }

  function clearSelection() {
    setSelecting(false);
    setSelected(new Set());
    anchorRef.current = null;
  }
  const clearSelectionRef = useRef(clearSelection);
  clearSelectionRef.current = clearSelection;

  /** One bulk change of the picked tasks (one request, one change-log entry), then a toast with its Undo. */
  async function bulk(changes: BulkChanges) {
    const ids = orderRef.current.filter((id) => selected.has(id));
    if (ids.length === 0 || bulkBusy) return;
    setBulkBusy(true);
    try {
      const { body, changeId } = await tasksApi.bulk(ids, changes);
      const n = body.count === 1 ? "1 task" : `${body.count} tasks`;
      if (body.count === 0) toast.info("Nothing to change: they are that way already");
      else toast.success(bulkDone(changes, n), { ...(changes.delete ? { description: `In the Trash for ${TRASH_DAYS} days.` } : {}), ...undoAction(changeId) });
      clearSelection();
      changed();
    } catch (err) {
      toast.error(err instanceof ApiError ? err.message : "Could not change the tasks.");
      void loadRef.current();
    } finally {
      setBulkBusy(false);
    }
  }
  const bulkRef = useRef(bulk);
  bulkRef.current = bulk;

  const filtered = isFiltered(filters);
  const tasks = page?.tasks ?? [];
  const total = page?.total ?? 0;
  const inUse = filtersInUse(filters);
  const doneCount = done?.total ?? 0;
  const noun = grouped ? "open task" : "task";
  const countText =
    page === null
      ? "Loading…"
      : total === 0
        ? filtered
          ? "No tasks match"
          : grouped
            ? "Nothing open"
            : "Nothing here yet"
        : tasks.length < total
          ? `Showing ${tasks.length} of ${total} ${noun}s`
          : `${total} ${total === 1 ? noun : `${noun}s`}`;

  const order: string[] = [];
  orderRef.current = order;
  const item = (task: ListedTask, index: number) => {
    order.push(task.id);
    return (
      <TaskItem
        key={task.id}
        task={task}
        selecting={selecting}
        selected={selected.has(task.id)}
        onSelect={(range) => select(task.id, range)}
        tabIndex={task.id === activeId || (activeId === null && index === 0) ? 0 : -1}
        onRowFocus={() => setActiveId(task.id)}
        onToggle={() => void toggle(task)}
        onSave={(patch) => update(task, patch, "Task saved")}
        onDelete={() => void remove(task)}
        onTagClick={(tag) => setFilters((f) => ({ ...f, tag }))}
        onRemindersChanged={changed}
      />
    );
  };

  let index = 0;
  const list = grouped ? (
    <div className="flex flex-col gap-4" data-testid="task-list">
      {groupTasks(tasks, todayIn(undefined)).map((group) => (
        <section key={group.key} aria-labelledby={`group-${group.key}`} data-testid="task-group" data-group={group.key}>
          <h2
            id={`group-${group.key}`}
            className={cn("mb-1 flex items-baseline gap-2 px-1 text-sm font-semibold", group.key === "overdue" && "text-destructive")}
          >
            {group.label}
            <span className="text-xs font-normal text-muted-foreground">{group.tasks.length}</span>
          </h2>
          <ul className="divide-y rounded-lg border">{group.tasks.map((task) => item(task, index++))}</ul>
        </section>
      ))}
    </div>
  ) : (
    <ul className="divide-y rounded-lg border" data-testid="task-list">
      {tasks.map((task) => item(task, index++))}
    </ul>
  );

  return (
    <main className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-4xl flex-col gap-3 px-3 py-4 sm:px-6">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <div className="flex items-baseline gap-3">
            <h1 className="text-2xl font-semibold">Tasks</h1>
            <p className="text-sm text-muted-foreground" aria-live="polite" data-testid="task-count">
              {countText}
            </p>
          </div>
          <div className="flex items-center gap-2">
            <Button
              variant={filtersOpen ? "secondary" : "outline"}
              size="sm"
              aria-expanded={filtersOpen}
              aria-controls="task-filters"
              aria-keyshortcuts="/"
              onClick={() => setFiltersOpen((o) => !o)}
            >
              <ListFilter aria-hidden /> Filters{inUse > 0 && ` (${inUse})`}
            </Button>
            {!showTrash && (
              <Button
                variant={selecting ? "secondary" : "outline"}
                size="sm"
                aria-pressed={selecting}
                data-testid="select-toggle"
                onClick={() => (selecting ? clearSelection() : setSelecting(true))}
              >
                <CheckSquare aria-hidden /> Select
              </Button>
            )}
            <Button
              variant={showTrash ? "secondary" : "outline"}
              size="sm"
              aria-pressed={showTrash}
              data-testid="trash-toggle"
              onClick={() => {
                clearSelection();
                setShowTrash((t) => !t);
              }}
            >
              <Trash2 aria-hidden /> Trash
            </Button>
            <Button variant="ghost" size="icon-sm" aria-label="Keyboard shortcuts" aria-keyshortcuts="?" onClick={() => setShortcutsOpen(true)}>
              <Keyboard aria-hidden />
            </Button>
            <Button asChild variant="outline" size="sm">
              <Link href="/chat">
                <MessageSquare aria-hidden /> <span className="sr-only sm:not-sr-only">Ask the assistant</span>
              </Link>
            </Button>
          </div>
        </div>

        <NewTaskForm knownTags={knownTags} onCreated={changed} inputRef={newTitleRef} />

        {filtersOpen && <TaskFiltersBar filters={filters} knownTags={knownTags} onChange={setFilters} />}

        {loadError && (
          <div role="alert" className="flex flex-wrap items-center gap-3 rounded-lg border border-destructive/40 bg-destructive/10 p-3 text-sm">
            <span className="flex-1 text-destructive">Couldn&apos;t load your tasks: {loadError}</span>
            <Button variant="outline" size="sm" onClick={() => void load()}>
              Retry
            </Button>
          </div>
        )}

        {selecting && !showTrash && (
          <BulkBar
            count={selected.size}
            busy={bulkBusy}
            confirmingDelete={confirmingBulkDelete}
            onConfirmingDelete={setConfirmingBulkDelete}
            onApply={(changes) => void bulk(changes)}
            onClear={clearSelection}
          />
        )}

        {showTrash ? (
          <TrashView onRestored={changed} />
        ) : (
          <section aria-label="Task list" aria-busy={loading} className="relative">
            {loading && <Loader2 className="absolute right-2 -top-6 size-4 animate-spin text-muted-foreground" aria-label="Loading tasks" />}
            {page !== null && tasks.length === 0 && !loadError ? (
              filtered ? (
                <EmptyState
                  icon={<SearchX className="size-6" aria-hidden />}
                  title="No tasks match these filters"
                  body="Try another search, or clear the filters to see everything."
                  action={
                    <Button variant="outline" onClick={() => setFilters({ ...DEFAULT_FILTERS, sort: filters.sort })}>
                      Clear filters
                    </Button>
                  }
                />
              ) : grouped && doneCount > 0 ? (
                <EmptyState
                  icon={<MessageSquare className="size-6" aria-hidden />}
                  title="All done"
                  body="Nothing open. Add the next thing above, or ask the assistant."
                  action={null}
                />
              ) : (
                <EmptyState
                  icon={<MessageSquare className="size-6" aria-hidden />}
                  title="No tasks yet"
                  body="Add your first task with the form above, or ask the assistant: “add buy milk tomorrow, high priority”."
                  action={
                    <Button asChild variant="outline">
                      <Link href="/chat">Open the chat</Link>
                    </Button>
                  }
                />
              )
            ) : (
              list
            )}
            {tasks.length < total && (
              <div className="mt-4 flex justify-center">
                <Button variant="outline" onClick={() => void load({ append: true })} disabled={loading}>
                  Load more
                </Button>
              </div>
            )}
            {grouped && doneCount > 0 && (
              <div className="mt-4">
                <Button variant="ghost" size="sm" aria-expanded={showDone} aria-controls="done-tasks" onClick={() => setShowDone((s) => !s)}>
                  <ChevronDown className={cn("transition-transform", showDone && "rotate-180")} aria-hidden />
                  {showDone ? "Hide done tasks" : `Show done tasks (${doneCount})`}
                </Button>
                {showDone && (
                  <section id="done-tasks" aria-labelledby="group-done" className="mt-2" data-testid="task-group" data-group="done">
                    <h2 id="group-done" className="mb-1 px-1 text-sm font-semibold">
                      Done
                    </h2>
                    <ul className="divide-y rounded-lg border">{done!.tasks.map((task) => item(task, index++))}</ul>
                  </section>
                )}
              </div>
            )}
          </section>
        )}
      </div>
      <Dialog open={shortcutsOpen} onOpenChange={setShortcutsOpen}>
        <DialogContent>
          <DialogTitle className="text-lg font-semibold">Keyboard shortcuts</DialogTitle>
          <DialogDescription className="mt-1 text-sm text-muted-foreground">On the tasks page, when you are not typing in a field.</DialogDescription>
          <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm" data-testid="shortcut-list">
            {TASK_SHORTCUTS.map((s) => (
              <div key={s.does} className="contents">
                <dt className="flex gap-1">
                  {s.keys.map((k) => (
                    <kbd key={k} className="rounded border bg-muted px-1.5 font-mono text-xs">
                      {k}
                    </kbd>
                  ))}
                </dt>
                <dd>{s.does}</dd>
              </div>
            ))}
          </dl>
        </DialogContent>
      </Dialog>
    </main>
  );
}

function EmptyState({ icon, title, body, action }: { icon: React.ReactNode; title: string; body: string; action: React.ReactNode | null }) {
  return (
    <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed px-6 py-12 text-center" data-testid="empty-state">
      <span className="flex size-12 items-center justify-center rounded-full bg-muted text-muted-foreground">{icon}</span>
      <h2 className="font-semibold">{title}</h2>
      <p className="max-w-sm text-sm text-muted-foreground">{body}</p>
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}

/** The toast after a bulk change: "Completed 5 tasks". */
function bulkDone(changes: BulkChanges, n: string): string {
  if (changes.delete) return `Deleted ${n}`;
  if (changes.completed === true) return `Completed ${n}`;
  if (changes.completed === false) return `Reopened ${n}`;
  if (changes.dueDate) return `Moved ${n} to ${formatDue(changes.dueDate)}`;
  if (changes.priority) return `Set ${n} to ${changes.priority} priority`;
  if (changes.addTag) return `Tagged ${n} #${changes.addTag}`;
  return `Changed ${n}`;
}
