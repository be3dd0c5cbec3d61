/**
 * The task domain's fixed vocabularies and limits, with no zod: the single place priorities, list
 * statuses, sorts, limits and the assistant's tool names are written. The zod schemas in this package
 * are built from them; the database schema, the offline model and the web app import them directly
 * (the web app through `@todo/contracts/constants`, so no page pulls zod into its first load).
 * Error codes live in their own module, not here.
 */

export const PRIORITIES = ["low", "medium", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEFAULT_PRIORITY: Priority = "medium";

/** Which tasks a list shows. */
export const TASK_STATUSES = ["all", "pending", "completed"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_SORTS = ["created", "due", "priority", "title"] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export const SORT_ORDERS = ["asc", "desc"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const TASK_LIMITS = {
  titleMax: 200,
  descriptionMax: 2000,
  tagMax: 32,
  tagsMax: 10,
  /** Per person: far beyond a real list, and what keeps one person's work bounded. */
  openTasksMax: 10_000,
  tasksMax: 50_000,
  /** GET /api/tasks/me answers at most this many tasks per page. */
  pageMax: 100,
  /** GET /api/tasks answers at most this many tasks per page, and its search text is at most qMax long. */
  listMax: 100,
  listDefault: 50,
  qMax: 200,
} as const;

/**
 * The largest request body the API reads (REST, chat, MCP, auth alike), and the default of what the
 * web app's proxy passes on to it (its BODY_LIMIT_BYTES).
 */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** A size as a person reads it: "64 KB", "1,500 bytes". */
function sizeInWords(bytes: number): string {
  return bytes >= 1024 && bytes % 1024 === 0 ? `${(bytes / 1024).toLocaleString("en-US")} KB` : `${bytes.toLocaleString("en-US")} bytes`;
}

/** What a 413 says, wherever it is answered: the limit, in words. */
export function bodyTooLargeMessage(limitBytes: number): string {
  return `this request is too large: a request body can be at most ${sizeInWords(limitBytes)}`;
}

/** Years a due date may have: PostgreSQL has no year 0, and the date picker and sorting assume four digits. */
export const DUE_YEARS = { min: 1900, max: 9999 } as const;

/** PostgreSQL's integer column: a task number beyond it names no task and cannot be queried. */
export const TASK_NUMBER_MAX = 2_147_483_647;

export const CHAT_LIMITS = {
  messageMax: 4000,
  /** A conversation's name in the history (made from the first request, or given by the person). */
  titleMax: 80,
  /** Per person and per conversation: far beyond real use, and what keeps one person's data bounded. */
  conversationsMax: 200,
  messagesPerConversation: 2000,
  /** GET /api/conversations/:id answers the latest messages a page at a time. */
  pageDefault: 50,
  pageMax: 200,
} as const;

/** Limits of an account's own fields (Better Auth stores them). */
export const USER_LIMITS = { nameMax: 100, emailMax: 254, imageMax: 2048 } as const;

/** The MCP tools the assistant acts through, by what they do. */
export const TOOL_NAMES = {
  add: "add_task",
  list: "list_tasks",
  complete: "complete_task",
  delete: "delete_task",
  update: "update_task",
  /** Every task matching a filter at once: complete, reopen, reschedule, re-prioritise, tag or delete. */
  updateMany: "update_tasks",
  /** Reverts the latest change, or brings a deleted task back from the Trash. */
  undo: "undo",
} as const;
export type ToolName = (typeof TOOL_NAMES)[keyof typeof TOOL_NAMES];

/** Reminders: how many one task may have, and how far before its due time a relative one may be. */
export const REMINDER_LIMITS = {
  perTaskMax: 10,
  /** 30 days, in minutes. */
  minutesBeforeMax: 43_200,
  daysBeforeMax: 30,
} as const;
export const REMINDER_STATES = ["pending", "fired", "cancelled", "suspended"] as const;
/** The tools that change tasks (every one but list): after one succeeds, a task list on screen is stale. */
export const MUTATING_TOOL_NAMES: readonly ToolName[] = [
  TOOL_NAMES.add,
  TOOL_NAMES.complete,
  TOOL_NAMES.delete,
  TOOL_NAMES.update,
  TOOL_NAMES.updateMany,
  TOOL_NAMES.undo,
];

/** Deleted tasks stay in the Trash, restorable, this many days; then they (and the change log as old) are purged. */
export const TRASH_DAYS = 30;

/**
 * A change to this many tasks or more at once waits for the person's approval in the web chat (and
 * the JSON chat API): a bulk tool's preview count at or above it asks first. Deleting always asks.
 */
export const BULK_APPROVAL_THRESHOLD = 3;

/** The most titles one add_task call adds ("eggs, bread and milk"). */
export const ADD_MANY_MAX = 20;

/** Tasks a bulk change or its preview names in its answer (it counts them all). */
export const BULK_SAMPLE = 5;

/** The most tasks one bulk change of picked tasks (POST /api/tasks/bulk/selected) names: a page of the list. */
export const BULK_SELECTED_MAX = 100;

/**
 * The response header of every task write (REST) naming the change it logged: POST
 * /api/changes/{id}/undo with it reverts exactly that change (the tasks page's Undo toasts).
 */
export const CHANGE_ID_HEADER = "change-id";

/** Notifications (reminders delivered): the bell's list, snoozing and Web Push subscriptions. */
export const NOTIFICATION_LIMITS = {
  /** GET /api/notifications answers at most this many, newest first. */
  listMax: 50,
  snoozeMaxMinutes: 7 * 24 * 60,
  /** A person's browsers with push on; past it the oldest subscription makes room. */
  subscriptionsPerUser: 20,
  endpointMax: 2048,
  /** A resumed event stream (Last-Event-ID) replays at most this many missed notifications. */
  replayMax: 50,
} as const;

/** The SSE event name a notification arrives under on GET /api/notifications/stream. */
export const NOTIFICATION_EVENT = "notification";
