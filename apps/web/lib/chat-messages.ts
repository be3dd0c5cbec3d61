/**
 * Chat message shapes for the UI: stored conversation messages become AI SDK UI messages (so a
 * resumed chat renders like a live one), and each tool call becomes a one-line summary for its card.
 */
import type { UIMessage } from "ai";
import type { Message, Task } from "@todo/contracts";
import { formatDue } from "./dates";

export type ChatMetadata = { conversationId?: string };
export type ChatMessage = UIMessage<ChatMetadata>;

export function toUIMessages(messages: Message[]): ChatMessage[] {
  return messages.map((m) => {
    const parts: ChatMessage["parts"] = [];
    m.toolCalls.forEach((call, i) => {
      const failed = call.isError || hasErrorField(call.result);
      parts.push(
        failed
          ? {
              type: "dynamic-tool",
              toolName: call.name,
              toolCallId: `${m.id}-${i}`,
              state: "output-error",
              input: call.arguments,
              errorText: errorTextOf(call.result),
            }
          : {
              type: "dynamic-tool",
              toolName: call.name,
              toolCallId: `${m.id}-${i}`,
              state: "output-available",
              input: call.arguments,
              output: call.result,
            },
      );
    });
    if (m.content) parts.push({ type: "text", text: m.content });
    return { id: m.id, role: m.role, parts };
  });
}

function hasErrorField(value: unknown): value is { error: unknown } {
  return typeof value === "object" && value !== null && "error" in value && !("task" in value) && !("tasks" in value);
}

function errorTextOf(result: unknown): string {
  if (typeof result === "string") return result;
  if (hasErrorField(result)) {
    const e = result.error;
    if (typeof e === "string") return e;
    if (typeof e === "object" && e && "message" in e) return String((e as { message: unknown }).message);
  }
  return "The tool failed.";
}

/** The tools that change tasks: when one succeeds, the tasks page should refetch. */
export const MUTATING_TOOLS = new Set(["add_task", "complete_task", "delete_task", "update_task"]);

const RUNNING: Record<string, string> = {
  add_task: "Adding task…",
  list_tasks: "Looking at your tasks…",
  complete_task: "Completing task…",
  delete_task: "Deleting task…",
  update_task: "Updating task…",
};

const FAILED: Record<string, string> = {
  add_task: "Couldn't add the task",
  list_tasks: "Couldn't list tasks",
  complete_task: "Couldn't complete the task",
  delete_task: "Couldn't delete the task",
  update_task: "Couldn't update the task",
};

export type ToolSummary = { status: "running" | "done" | "error"; label: string; detail?: string; tasks?: Task[] };

function taskLine(task: Task): string {
  const bits = [task.title, task.priority];
  if (task.dueDate) bits.push(`due ${formatDue(task.dueDate)}`);
  return bits.join(" · ");
}

function asTask(output: unknown): Task | undefined {
  if (typeof output === "object" && output && "task" in output) return (output as { task: Task }).task;
  return undefined;
}

export function summarizeToolCall(part: {
  toolName: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
}): ToolSummary {
  const name = part.toolName;
  if (part.state === "input-streaming" || part.state === "input-available") {
    return { status: "running", label: RUNNING[name] ?? `Running ${name}…` };
  }
  if (part.state === "output-error" || hasErrorField(part.output)) {
    return {
      status: "error",
      label: FAILED[name] ?? `${name} failed`,
      detail: part.state === "output-error" ? part.errorText : errorTextOf(part.output),
    };
  }
  const task = asTask(part.output);
  switch (name) {
    case "add_task":
      return { status: "done", label: task ? `Added: ${taskLine(task)}` : "Added a task" };
    case "complete_task":
      return { status: "done", label: task ? `${task.completed ? "Completed" : "Reopened"}: ${task.title}` : "Completed a task" };
    case "delete_task":
      return { status: "done", label: task ? `Deleted: ${task.title}` : "Deleted a task" };
    case "update_task":
      return { status: "done", label: task ? `Updated: ${taskLine(task)}` : "Updated a task" };
    case "list_tasks": {
      const out = part.output as { tasks?: Task[]; total?: number } | undefined;
      const tasks = out?.tasks ?? [];
      const total = out?.total ?? tasks.length;
      return { status: "done", label: `Found ${total} task${total === 1 ? "" : "s"}`, tasks };
    }
    default:
      return { status: "done", label: `Used ${name}` };
  }
}
