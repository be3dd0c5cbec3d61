"use client";
/**
 * The Trash: the person's deleted tasks, most recently deleted first, each with Restore (it comes back
 * under its number). Deleted tasks are kept TRASH_DAYS days, then purged by a scheduled job.
 */
import { useCallback, useEffect, useState } from "react";
import { Loader2, RotateCcw, Trash2 } from "lucide-react";
import { toast } from "sonner";
import { TRASH_DAYS } from "@todo/contracts/constants";
import type { Task } from "@todo/contracts";
import { ApiError, tasksApi } from "@/lib/api.client";
import { onTasksChanged } from "@/lib/tasks-sync";
import { Button } from "@/components/ui/button";

export function TrashView({ onRestored }: { onRestored: () => void }) {
  const [trash, setTrash] = useState<{ tasks: Task[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setTrash(await tasksApi.trash());
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not load the Trash.");
    }
  }, []);

  useEffect(() => {
    void load();
    return onTasksChanged(() => void load());
  }, [load]);

  async function restore(task: Task) {
    setTrash((t) => t && { tasks: t.tasks.filter((x) => x.id !== task.id), total: t.total - 1 });
    try {
      const back = await tasksApi.restore(task.id);
      toast.success(`Restored #${back.number} “${back.title}”`);
      onRestored();
    } catch (err) {
      toast.error(err instanceof ApiError ? err.message : "Could not restore the task.");
    }
    void load();
  }

  return (
    <section aria-labelledby="trash-heading" aria-busy={trash === null} data-testid="trash">
      <h2 id="trash-heading" className="mb-1 flex items-baseline gap-2 px-1 text-sm font-semibold">
        Trash
        {trash && <span className="text-xs font-normal text-muted-foreground">{trash.total}</span>}
      </h2>
      <p className="mb-2 px-1 text-sm text-muted-foreground" data-testid="trash-note">
        Deleted tasks are kept here for {TRASH_DAYS} days, then removed for good. Restore brings one back under its number.
      </p>
      {error && (
        <div role="alert" className="flex flex-wrap items-center gap-3 rounded-lg border border-destructive/40 bg-destructive/10 p-3 text-sm">
          <span className="flex-1 text-destructive">Couldn&apos;t load the Trash: {error}</span>
          <Button variant="outline" size="sm" onClick={() => void load()}>
            Retry
          </Button>
        </div>
      )}
      {trash === null && !error ? (
        <Loader2 className="size-4 animate-spin text-muted-foreground" aria-label="Loading the Trash" />
      ) : trash && trash.tasks.length === 0 ? (
        <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed px-6 py-12 text-center" data-testid="empty-state">
          <span className="flex size-12 items-center justify-center rounded-full bg-muted text-muted-foreground">
            <Trash2 className="size-6" aria-hidden />
          </span>
          <p className="font-semibold">The Trash is empty</p>
        </div>
      ) : (
        trash && (
          <ul className="divide-y rounded-lg border" data-testid="trash-list">
            {trash.tasks.map((task) => (
              <li key={task.id} className="flex items-center gap-3 px-3 py-1.5" data-testid="trash-item" data-task-number={task.number}>
                <span className="min-w-0 flex-1 break-words">
                  <span className="font-medium">{task.title}</span> <span className="text-xs text-muted-foreground">#{task.number}</span>
                </span>
                <Button variant="outline" size="sm" onClick={() => void restore(task)} aria-label={`Restore: ${task.title}`}>
                  <RotateCcw aria-hidden /> Restore
                </Button>
              </li>
            ))}
          </ul>
        )
      )}
    </section>
  );
}
