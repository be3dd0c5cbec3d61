/**
 * Which tool calls wait for the person's approval, in one place: each policy previews a call (the
 * tasks it would change, read without changing anything) and says whether it needs approval. The
 * assistant's tools use it as the AI SDK's `needsApproval`; the MCP server uses it to ask through
 * elicitation. Deleting always asks (when the task it names exists: a call that names no task
 * fails and changes nothing); a bulk tool asks when its preview counts BULK_APPROVAL_THRESHOLD
 * tasks or more (`bulkApproval`, for the bulk tools as they land).
 */
import { BULK_APPROVAL_THRESHOLD, TOOL_NAMES } from "@todo/contracts/constants";
import { ListTasksQuerySchema, type ListTasksQuery, type Task, type TaskRef } from "@todo/contracts";
import { DomainError } from "../domain-error.ts";
import { isCallerError } from "../http/errors.ts";
import type { TaskService } from "../tasks/tasks.service.ts";

/** What the person is asked to approve. */
export interface ApprovalPreview {
  /** What will happen, in words a person can judge. */
  description: string;
  /** The tasks it will change (the first few of a bulk change). */
  tasks: { number: number; title: string }[];
  total: number;
  /**
   * The input to run once approved, pinned to what the preview found (the task's number, not the
   * words that matched it): an approval applies to exactly the tasks the person saw.
   */
  input: Record<string, unknown>;
}

/** Previews a call; undefined when it runs without asking. */
export type ApprovalPolicy = (tasks: TaskService, userId: string, input: Record<string, unknown>) => Promise<ApprovalPreview | undefined>;

/** How many tasks a preview names; the total says the rest. */
export const PREVIEW_TASKS = 10;

const quoted = (t: Pick<Task, "number" | "title">) => `#${t.number} “${t.title}”`;

/** A reference's task, or undefined when it names none (or several): then the call fails on its own, changing nothing. */
async function resolveOrNothing(tasks: TaskService, userId: string, ref: TaskRef): Promise<Task | undefined> {
  try {
    return await tasks.resolveTask(userId, ref);
  } catch (err) {
    if (err instanceof DomainError && isCallerError(err.code)) return undefined;
    throw err;
  }
}

/**
 * A policy for a bulk tool whose input carries a `list_tasks` filter: asks when the filter selects
 * BULK_APPROVAL_THRESHOLD tasks or more. `filterOf` takes the filter out of the input, `verb` says
 * what happens ("Complete", "Delete").
 */
export function bulkApproval(verb: string, filterOf: (input: Record<string, unknown>) => Partial<ListTasksQuery>): ApprovalPolicy {
  return async (tasks, userId, input) => {
    // The filter as list_tasks reads it (its defaults too), so the count is what the tool will change.
    const query = ListTasksQuerySchema.parse({ ...filterOf(input), limit: PREVIEW_TASKS, offset: 0 });
    const page = await tasks.listTasks(userId, query);
    if (page.total < BULK_APPROVAL_THRESHOLD) return undefined;
    const shown = page.tasks.map(quoted).join(", ");
    const more = page.total > page.tasks.length ? ` and ${page.total - page.tasks.length} more` : "";
    return {
      description: `${verb} ${page.total} tasks: ${shown}${more}`,
      tasks: page.tasks.map((t) => ({ number: t.number, title: t.title })),
      total: page.total,
      input,
    };
  };
}

export const APPROVAL_POLICIES: Partial<Record<string, ApprovalPolicy>> = {
  [TOOL_NAMES.delete]: async (tasks, userId, input) => {
    const task = await resolveOrNothing(tasks, userId, input as TaskRef);
    if (!task) return undefined;
    return { description: `Delete ${quoted(task)}`, tasks: [{ number: task.number, title: task.title }], total: 1, input: { number: task.number } };
  },
  // A change to every task a filter selects: asks when it selects BULK_APPROVAL_THRESHOLD or more (a delete at any count).
  [TOOL_NAMES.updateMany]: async (tasks, userId, input) => {
    const { filter = {}, changes = {} } = input as { filter?: Partial<ListTasksQuery>; changes?: BulkChangesInput };
    const verb = changes.delete
      ? "Delete"
      : changes.completed === true
        ? "Complete"
        : changes.completed === false
          ? "Reopen"
          : changes.dueDate !== undefined
            ? "Reschedule"
            : changes.priority !== undefined
              ? `Set priority ${changes.priority} on`
              : changes.addTag !== undefined
                ? `Tag #${changes.addTag}`
                : "Change";
    return bulkApproval(verb, () => filter)(tasks, userId, input);
  },
};

/** What update_tasks changes (as its input carries it). */
type BulkChangesInput = { delete?: boolean; completed?: boolean; dueDate?: string | null; priority?: string; addTag?: string };

/** The preview of a call that needs approval, or undefined when the call runs without asking. */
export async function previewApproval(tasks: TaskService, userId: string, toolName: string, input: unknown): Promise<ApprovalPreview | undefined> {
  const policy = APPROVAL_POLICIES[toolName];
  if (!policy || typeof input !== "object" || input === null) return undefined;
  return policy(tasks, userId, input as Record<string, unknown>);
}
