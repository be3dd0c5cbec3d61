"use client";
/**
 * The tasks page: filters, search and sort on top, a form to add a task, and the list. It refetches
 * when filters change, when the assistant (or another tab) announces a change, and on focus.
 */
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { Loader2, MessageSquare, SearchX } from "lucide-react";
import { toast } from "sonner";
import type { Task, TaskPage, UpdateTaskInput } from "@todo/contracts";
import { ApiError, adoptBrowserTimeZone, tasksApi } from "@/lib/api.client";
import { announceTasksChanged, onTasksChanged } from "@/lib/tasks-sync";
import { DEFAULT_FILTERS, filtersToSearch, isFiltered, toApiFilters, type ViewFilters } from "@/lib/task-filters";
import { Button } from "@/components/ui/button";
import { NewTaskForm } from "./new-task-form";
import { TaskFiltersBar } from "./task-filters-bar";
import { TaskItem } from "./task-item";

const PAGE_SIZE = 50;

export function TasksView({ initialFilters, initialPage }: { initialFilters: ViewFilters; initialPage: TaskPage | null }) {
  const [filters, setFilters] = useState(initialFilters);
  const [page, setPage] = useState<{ tasks: Task[]; total: number } | null>(initialPage);
  const [loading, setLoading] = useState(initialPage === null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [knownTags, setKnownTags] = useState<string[]>([]);
  const requestSeq = useRef(0);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const shownRef = useRef(PAGE_SIZE);

  const load = useCallback(
    async (opts: { append?: boolean } = {}) => {
      const seq = ++requestSeq.current;
      const current = filtersRef.current;
      const offset = opts.append ? (page?.tasks.length ?? 0) : 0;
      // A refresh keeps as many rows as are on screen, so "load more" isn't undone by a sync.
      const limit = opts.append ? PAGE_SIZE : Math.min(100, Math.max(PAGE_SIZE, shownRef.current));
      setLoading(true);
      try {
        const result = await tasksApi.list(toApiFilters(current), limit, offset);
        if (seq !== requestSeq.current) return; // a newer request is on its way
        setPage((prev) => (opts.append && prev ? { tasks: [...prev.tasks, ...result.tasks], total: result.total } : result));
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
      if (initialPage) return;
      void loadRef.current();
      return;
    }
    shownRef.current = PAGE_SIZE;
    const timer = setTimeout(() => void loadRef.current(), 250);
    return () => clearTimeout(timer);
  }, [filters, initialPage]);

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

  async function update(task: Task, patch: UpdateTaskInput, success?: string): Promise<boolean> {
    // Optimistic: show the change now, put it back if the server says no.
    setPage((p) => p && { ...p, tasks: p.tasks.map((t) => (t.id === task.id ? ({ ...t, ...patch } as Task) : t)) });
    try {
      const saved = await tasksApi.update(task.id, patch);
      setPage((p) => p && { ...p, tasks: p.tasks.map((t) => (t.id === task.id ? saved : t)) });
      if (success) toast.success(success);
      changed();
      return true;
    } catch (err) {
      setPage((p) => p && { ...p, tasks: p.tasks.map((t) => (t.id === task.id ? task : t)) });
      toast.error(err instanceof ApiError ? err.message : "Could not save the task.");
      return false;
    }
  }

  async function toggle(task: Task) {
    const done = !task.completed;
    const ok = await update(task, { completed: done });
    if (ok && done) {
      toast.success(`Completed “${task.title}”`, {
        action: { label: "Undo", onClick: () => void update({ ...task, completed: true }, { completed: false }) },
      });
    }
  }

  async function remove(task: Task) {
    setPage((p) => p && { tasks: p.tasks.filter((t) => t.id !== task.id), total: p.total - 1 });
    try {
      await tasksApi.remove(task.id);
      toast.success(`Deleted “${task.title}”`);
      changed();
    } catch (err) {
      toast.error(err instanceof ApiError ? err.message : "Could not delete the task.");
      void loadRef.current();
    }
  }

  const filtered = isFiltered(filters);
  const tasks = page?.tasks ?? [];
  const total = page?.total ?? 0;

  return (
    <main className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-4xl flex-col gap-5 px-3 py-6 sm:px-6">
        <div className="flex flex-wrap items-end justify-between gap-2">
          <div>
            <h1 className="text-2xl font-semibold">Tasks</h1>
            <p className="text-sm text-muted-foreground" aria-live="polite" data-testid="task-count">
              {page === null
                ? "Loading…"
                : total === 0
                  ? "Nothing here yet"
                  : tasks.length < total
                    ? `Showing ${tasks.length} of ${total} tasks`
                    : `${total} ${total === 1 ? "task" : "tasks"}`}
            </p>
          </div>
          <Button asChild variant="outline" size="sm">
            <Link href="/chat">
              <MessageSquare aria-hidden /> Ask the assistant
            </Link>
          </Button>
        </div>

        <NewTaskForm knownTags={knownTags} onCreated={changed} />

        <TaskFiltersBar filters={filters} knownTags={knownTags} onChange={setFilters} />

        {loadError && (
          <div role="alert" className="flex flex-wrap items-center gap-3 rounded-lg border border-destructive/40 bg-destructive/10 p-3 text-sm">
            <span className="flex-1 text-destructive">Couldn&apos;t load your tasks: {loadError}</span>
            <Button variant="outline" size="sm" onClick={() => void load()}>
              Retry
            </Button>
          </div>
        )}

        <section aria-label="Task list" aria-busy={loading} className="relative">
          {loading && <Loader2 className="absolute right-2 -top-7 size-4 animate-spin text-muted-foreground" aria-label="Loading tasks" />}
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
            <ul className="divide-y rounded-lg border" data-testid="task-list">
              {tasks.map((task) => (
                <TaskItem
                  key={task.id}
                  task={task}
                  onToggle={() => void toggle(task)}
                  onSave={(patch) => update(task, patch, "Task saved")}
                  onDelete={() => void remove(task)}
                  onTagClick={(tag) => setFilters((f) => ({ ...f, tag }))}
                />
              ))}
            </ul>
          )}
          {tasks.length < total && (
            <div className="mt-4 flex justify-center">
              <Button variant="outline" onClick={() => void load({ append: true })} disabled={loading}>
                Load more
              </Button>
            </div>
          )}
        </section>
      </div>
    </main>
  );
}

function EmptyState({ icon, title, body, action }: { icon: React.ReactNode; title: string; body: string; action: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed px-6 py-12 text-center" data-testid="empty-state">
      <span className="flex size-12 items-center justify-center rounded-full bg-muted text-muted-foreground">{icon}</span>
      <h2 className="font-semibold">{title}</h2>
      <p className="max-w-sm text-sm text-muted-foreground">{body}</p>
      <div className="mt-2">{action}</div>
    </div>
  );
}
