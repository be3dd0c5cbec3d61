import type { Metadata } from "next";
import { listTasks } from "@/lib/backend.server";
import { taskQueryString } from "@/lib/api.client";
import { filtersFromParams, toApiFilters } from "@/lib/task-filters";
import { TasksView } from "@/components/tasks/tasks-view";
import { TaskFocus } from "@/components/notifications/task-focus";

export const metadata: Metadata = { title: "Tasks" };

export default async function TasksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const filters = filtersFromParams((key) => {
    const v = params[key];
    return Array.isArray(v) ? v[0] : v;
  });
  // Due windows depend on the person's calendar day, which only the browser knows: let it fetch those.
  const initial = filters.due === "any" ? await listTasks(taskQueryString(toApiFilters(filters))) : null;
  const focus = Array.isArray(params.task) ? params.task[0] : params.task;
  return (
    <>
      <TasksView initialFilters={filters} initialPage={initial} />
      {focus && <TaskFocus taskId={focus} />}
    </>
  );
}
