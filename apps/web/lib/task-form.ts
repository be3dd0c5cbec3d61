/**
 * Task form fields ↔ API bodies, validated with the shared zod schemas from @todo/contracts.
 * The schemas (and zod with them) load on demand — when a form is first focused — rather than
 * with the page, which keeps the tasks page's first load small.
 */
import type { CreateTaskInput, Priority, Task, UpdateTaskInput } from "@todo/contracts";

/** dueTime ("HH:MM") and repeat (an RRULE, "" for none) are sent only by the forms that show them. */
export type TaskFormValues = { title: string; description: string; priority: Priority; dueDate: string; tags: string; dueTime?: string; repeat?: string };
export type TaskFormErrors = Partial<Record<keyof TaskFormValues | "form", string>>;

let schemas: Promise<typeof import("@todo/contracts")> | undefined;
export function loadTaskSchemas() {
  schemas ??= import("@todo/contracts");
  return schemas;
}

/** "work, Home  errands" → ["work", "home", "errands"] (the schema lowercases and dedupes). */
export function parseTags(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.replace(/^#/, ""))
    .filter(Boolean);
}

function firstErrors(issues: { path: PropertyKey[]; message: string }[]): TaskFormErrors {
  const out: TaskFormErrors = {};
  for (const issue of issues) {
    const key = (typeof issue.path[0] === "string" ? issue.path[0] : "form") as keyof TaskFormErrors;
    out[key] ??= issue.message;
  }
  return out;
}

function toBody(values: TaskFormValues) {
  return {
    title: values.title,
    description: values.description,
    priority: values.priority,
    dueDate: values.dueDate || null,
    ...(values.dueTime !== undefined && values.dueDate ? { dueTime: values.dueTime || null } : {}),
    ...(values.repeat !== undefined ? { repeat: values.repeat || null } : {}),
    tags: parseTags(values.tags),
  };
}

export async function validateNewTask(values: TaskFormValues): Promise<{ ok: true; body: CreateTaskInput } | { ok: false; errors: TaskFormErrors }> {
  const { CreateTaskSchema } = await loadTaskSchemas();
  const result = CreateTaskSchema.safeParse(toBody(values));
  return result.success ? { ok: true, body: result.data } : { ok: false, errors: firstErrors(result.error.issues) };
}

export async function validateTaskEdit(values: TaskFormValues): Promise<{ ok: true; body: UpdateTaskInput } | { ok: false; errors: TaskFormErrors }> {
  const { UpdateTaskSchema } = await loadTaskSchemas();
  const result = UpdateTaskSchema.safeParse(toBody(values));
  return result.success ? { ok: true, body: result.data } : { ok: false, errors: firstErrors(result.error.issues) };
}

/**
 * Only what the edit changed, so a save never rewrites a field someone else (the assistant, another
 * tab) changed meanwhile. A new date carries the time with it, so the time stays on the new day.
 * Null when nothing changed.
 */
export function changedFields(task: Task, body: UpdateTaskInput): UpdateTaskInput | null {
  const patch: Record<string, unknown> = {};
  const differs = (key: keyof UpdateTaskInput, now: unknown) => key in body && JSON.stringify(body[key] ?? null) !== JSON.stringify(now ?? null);
  for (const key of ["title", "description", "priority", "dueDate", "dueTime", "repeat"] as const) {
    if (differs(key, task[key])) patch[key] = body[key] ?? null;
  }
  if (body.tags && body.tags.join(",") !== task.tags.join(",")) patch.tags = body.tags;
  if ("dueDate" in patch && body.dueTime) patch.dueTime = body.dueTime;
  return Object.keys(patch).length > 0 ? (patch as UpdateTaskInput) : null;
}
