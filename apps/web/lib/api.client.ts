/**
 * The browser's calls to the API, always same-origin (/api/*, proxied by this server). Errors come
 * back in the one shape `{error:{code,message,field?}}` and are thrown as ApiError.
 */
import type {
  BulkChanges,
  BulkResult,
  CreateTaskInput,
  ErrorCode,
  ListTasksQuery,
  ParsedTask,
  Reminder,
  ReminderSpec,
  Task,
  TaskPage,
  TrashPage,
  UndoResult,
  UpdateTaskInput,
} from "@todo/contracts";
import { CHANGE_ID_HEADER } from "@todo/contracts/constants";

/** One of the API's codes (contracts' ERROR_CODES), or one of Better Auth's (user_already_exists …) on auth routes. */
export type ApiErrorCode = ErrorCode | (string & {});

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Turns an error body (JSON text, or anything else) into an ApiError a person can read. */
export function toApiError(status: number, text: string, retryAfter?: number): ApiError {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; field?: string } };
    if (body?.error?.message) {
      return new ApiError(status, body.error.code ?? "bad_request", body.error.message, body.error.field, retryAfter);
    }
  } catch {
    // not JSON: fall through to a generic message
  }
  if (status === 429) return new ApiError(status, "rate_limited", "Too many requests. Wait a moment and try again.", undefined, retryAfter);
  if (status >= 500) return new ApiError(status, "internal_error", "Something went wrong on our side. Try again in a moment.");
  return new ApiError(status, "bad_request", text.slice(0, 200) || `Request failed (${status})`);
}

export const networkError = () => new ApiError(0, "network_error", "Can't reach the server. Check your connection and try again.");

export async function apiFetch<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  return (await apiRequest<T>(path, init)).body;
}

/** A write's answer and the id of the change it logged (its Change-Id header): the Undo of exactly that change. */
export type Logged<T> = { body: T; changeId: string | null };

async function apiWrite<T>(path: string, init: RequestInit & { json?: unknown }): Promise<Logged<T>> {
  const { body, headers } = await apiRequest<T>(path, init);
  return { body, changeId: headers.get(CHANGE_ID_HEADER) };
}

async function apiRequest<T>(path: string, init: RequestInit & { json?: unknown }): Promise<{ body: T; headers: Headers }> {
  const { json, ...rest } = init;
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      ...rest,
      headers: { accept: "application/json", ...(json !== undefined ? { "content-type": "application/json" } : {}), ...rest.headers },
      body: json !== undefined ? JSON.stringify(json) : rest.body,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw networkError();
  }
  if (res.status === 204) return { body: undefined as T, headers: res.headers };
  const text = await res.text();
  if (!res.ok) {
    const retryAfter = Number(res.headers.get("retry-after")) || undefined;
    throw toApiError(res.status, text, retryAfter);
  }
  return { body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

export type TaskFilters = Partial<Omit<ListTasksQuery, "limit" | "offset">>;

export function taskQueryString(filters: TaskFilters, limit = 50, offset = 0): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== "" && value !== null) params.set(key, String(value));
  }
  params.set("limit", String(limit));
  params.set("offset", String(offset));
  return params.toString();
}

export const tasksApi = {
  list: (filters: TaskFilters, limit?: number, offset?: number) => apiFetch<TaskPage>(`/tasks?${taskQueryString(filters, limit, offset)}`),
  create: (input: CreateTaskInput) => apiFetch<Task>("/tasks", { method: "POST", json: input }),
  /** Quick add: what a typed line means (title, due date, tags, priority); stores nothing. */
  parse: (text: string, timeZone?: string) => apiFetch<ParsedTask>("/tasks/parse", { method: "POST", json: { text, ...(timeZone ? { timeZone } : {}) } }),
  update: (id: string, patch: UpdateTaskInput) => apiFetch<Task>(`/tasks/${id}`, { method: "PATCH", json: patch }),
  /** The same, with the id of the change (for an Undo toast). */
  updateLogged: (id: string, patch: UpdateTaskInput) => apiWrite<Task>(`/tasks/${id}`, { method: "PATCH", json: patch }),
  /** To the Trash; answers the id of the change (for an Undo toast). */
  remove: (id: string) => apiWrite<void>(`/tasks/${id}`, { method: "DELETE" }),
  /** One change to the picked tasks, all of them or none (one Undo reverts it). */
  bulk: (ids: string[], changes: BulkChanges) => apiWrite<BulkResult>("/tasks/bulk/selected", { method: "POST", json: { ids, changes } }),
  /** Brings a deleted task back from the Trash, under its number. */
  restore: (id: string) => apiFetch<Task>(`/tasks/${id}/restore`, { method: "POST" }),
  /** The deleted tasks, most recently deleted first (kept TRASH_DAYS days). */
  trash: () => apiFetch<TrashPage>("/tasks/trash"),
};

/** A task's reminders: listed, added (at an instant or relative to its due time) and removed one at a time. */
export const remindersApi = {
  list: (taskId: string) => apiFetch<Reminder[]>(`/tasks/${taskId}/reminders`),
  add: (taskId: string, spec: ReminderSpec) => apiFetch<Reminder>(`/tasks/${taskId}/reminders`, { method: "POST", json: spec }),
  remove: (taskId: string, reminderId: string) => apiFetch<void>(`/tasks/${taskId}/reminders/${reminderId}`, { method: "DELETE" }),
};

/** The one undo mechanism (the person's change log), shared with the assistant's "undo". */
export const changesApi = {
  /** Reverts the person's latest change not yet undone, whatever it was. */
  undo: () => apiFetch<UndoResult>("/changes/undo", { method: "POST" }),
  /** Reverts exactly the change a write named (an Undo toast's), or says why not (undo_conflict). */
  undoChange: (changeId: string) => apiFetch<UndoResult>(`/changes/${changeId}/undo`, { method: "POST" }),
};

/** The person's settings: their time zone ("today", overdue and the assistant's dates are in it). */
export const settingsApi = {
  get: () => apiFetch<{ timeZone: string | null }>("/me/settings"),
  setTimeZone: (timeZone: string) => apiFetch<{ timeZone: string }>("/me/settings", { method: "PATCH", json: { timeZone } }),
};

/** Stores the browser's time zone as the person's, once: when they have none yet. */
export async function adoptBrowserTimeZone(): Promise<void> {
  const { timeZone } = await settingsApi.get();
  if (timeZone === null) await settingsApi.setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
}
