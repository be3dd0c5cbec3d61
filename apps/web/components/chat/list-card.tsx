"use client";
/**
 * A list answer's card is the answer: the tasks grouped (Overdue, Today, Upcoming, No date, Done),
 * overdue ones marked, each with a checkbox that ticks it off in place through the tasks API (the
 * card and an open tasks page update), the first few shown and "Show all" for the rest.
 */
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import type { Task } from "@todo/contracts";
import { ApiError, tasksApi } from "@/lib/api.client";
import { formatDue, isOverdue } from "@/lib/dates";
import { groupTasks, todayIn } from "@/lib/task-groups";
import { announceTasksChanged } from "@/lib/tasks-sync";
import { cn } from "@/lib/cn";
import { Button } from "@/components/ui/button";

/** Rows shown before "Show all". */
export const LIST_CARD_ROWS = 8;

export function ListCard({ tasks: listed, total }: { tasks: Task[]; total: number }) {
  const [changed, setChanged] = useState<Record<string, Task>>({});
  const [all, setAll] = useState(false);
  const today = todayIn(undefined);
  // Groups as listed (a task ticked here stays where it is, struck through), each row as it is now.
  const groups = [
    ...groupTasks(
      listed.filter((t) => !t.completed),
      today,
    ),
    ...(listed.some((t) => t.completed) ? [{ key: "done" as const, label: "Done", tasks: listed.filter((t) => t.completed) }] : []),
  ];
  let budget = all ? Number.POSITIVE_INFINITY : LIST_CARD_ROWS;

  async function toggle(task: Task) {
    const completed = !task.completed;
    setChanged((c) => ({ ...c, [task.id]: { ...task, completed } }));
    try {
      const saved = await tasksApi.update(task.id, { completed });
      setChanged((c) => ({ ...c, [task.id]: saved }));
      announceTasksChanged();
    } catch (err) {
      setChanged((c) => ({ ...c, [task.id]: task }));
      toast.error(err instanceof ApiError ? err.message : "Could not save the task.");
    }
  }

  return (
    <div className="mt-1 flex flex-col gap-2 pl-6" data-testid="list-card">
      {groups.map((group) => {
        if (budget <= 0) return null;
        const rows = group.tasks.slice(0, budget);
        budget -= rows.length;
        return (
          <section key={group.key} aria-label={`${group.label}: ${group.tasks.length}`} data-group={group.key}>
            <h3 className={cn("text-xs font-semibold uppercase tracking-wide text-muted-foreground", group.key === "overdue" && "text-destructive")}>
              {group.label} <span className="font-normal">{group.tasks.length}</span>
            </h3>
            <ul className="mt-0.5">
              {rows.map((original) => {
                const task = changed[original.id] ?? original;
                const overdue = isOverdue(task.dueDate, task.completed);
                return (
                  <li key={task.id} data-testid="list-card-task" data-completed={task.completed}>
                    <label className="-ml-1 flex min-h-8 cursor-pointer items-center gap-2 rounded px-1 hover:bg-muted">
                      <input
                        type="checkbox"
                        checked={task.completed}
                        onChange={() => void toggle(task)}
                        className="size-4 shrink-0 cursor-pointer accent-[var(--primary)]"
                        aria-label={`${task.completed ? "Mark as not done" : "Mark as done"}: ${task.title}`}
                      />
                      <span className={cn("min-w-0 break-words", task.completed && "text-muted-foreground line-through")}>
                        #{task.number} {task.title}
                        {task.dueDate && (
                          <span className={cn("text-muted-foreground", overdue && "font-medium text-destructive")}>
                            {overdue ? ` · overdue, due ${formatDue(task.dueDate)}` : ` · due ${formatDue(task.dueDate)}`}
                          </span>
                        )}
                        {task.repeatText && <span className="text-muted-foreground"> · {task.repeatText}</span>}
                      </span>
                    </label>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
      <div className="flex flex-wrap items-center gap-3">
        {!all && listed.length > LIST_CARD_ROWS && (
          <Button variant="link" size="sm" className="h-auto px-0" onClick={() => setAll(true)}>
            Show all {listed.length}
          </Button>
        )}
        {total > listed.length && (
          <Link href="/tasks" className="text-xs underline underline-offset-4">
            See all {total} on the Tasks page
          </Link>
        )}
      </div>
    </div>
  );
}
