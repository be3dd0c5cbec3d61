/** Task form fields ↔ API bodies, validated with the shared zod schemas from @todo/contracts. */
import { CreateTaskSchema, UpdateTaskSchema, type CreateTaskInput, type Priority, type UpdateTaskInput } from "@todo/contracts";

export type TaskFormValues = { title: string; description: string; priority: Priority; dueDate: string; tags: string };
export type TaskFormErrors = Partial<Record<keyof TaskFormValues | "form", string>>;

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

export function validateNewTask(values: TaskFormValues): { ok: true; body: CreateTaskInput } | { ok: false; errors: TaskFormErrors } {
  const body: CreateTaskInput = {
    title: values.title,
    description: values.description,
    priority: values.priority,
    dueDate: values.dueDate || null,
    tags: parseTags(values.tags),
  };
  const result = CreateTaskSchema.safeParse(body);
  return result.success ? { ok: true, body: result.data } : { ok: false, errors: firstErrors(result.error.issues) };
}

export function validateTaskEdit(values: TaskFormValues): { ok: true; body: UpdateTaskInput } | { ok: false; errors: TaskFormErrors } {
  const body: UpdateTaskInput = {
    title: values.title,
    description: values.description,
    priority: values.priority,
    dueDate: values.dueDate || null,
    tags: parseTags(values.tags),
  };
  const result = UpdateTaskSchema.safeParse(body);
  return result.success ? { ok: true, body: result.data } : { ok: false, errors: firstErrors(result.error.issues) };
}
