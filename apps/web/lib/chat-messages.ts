/**
 * Chat message shapes for the UI: stored conversation messages become AI SDK UI messages (so a
 * resumed chat renders like a live one), and each tool call becomes a one-line summary for its card.
 */
import type { UIMessage } from "ai";
import type { Message, Task } from "@todo/contracts";
import { MUTATING_TOOL_NAMES, TOOL_NAMES, type ToolName } from "@todo/contracts/constants";
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
export const MUTATING_TOOLS: ReadonlySet<string> = new Set(MUTATING_TOOL_NAMES);

const RUNNING: Record<ToolName, string> = {
  [TOOL_NAMES.add]: "Adding task…",
  [TOOL_NAMES.list]: "Looking at your tasks…",
  [TOOL_NAMES.complete]: "Completing task…",
  [TOOL_NAMES.delete]: "Deleting task…",
  [TOOL_NAMES.update]: "Updating task…",
};

const FAILED: Record<ToolName, string> = {
  [TOOL_NAMES.add]: "Couldn't add the task",
  [TOOL_NAMES.list]: "Couldn't list tasks",
  [TOOL_NAMES.complete]: "Couldn't complete the task",
  [TOOL_NAMES.delete]: "Couldn't delete the task",
  [TOOL_NAMES.update]: "Couldn't update the task",
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
    return { status: "running", label: RUNNING[name as ToolName] ?? `Running ${name}…` };
  }
  if (part.state === "output-error" || hasErrorField(part.output)) {
    return {
      status: "error",
      label: FAILED[name as ToolName] ?? `${name} failed`,
      detail: part.state === "output-error" ? part.errorText : errorTextOf(part.output),
    };
  }
  const task = asTask(part.output);
  switch (name) {
    case TOOL_NAMES.add:
      return { status: "done", label: task ? `Added: ${taskLine(task)}` : "Added a task" };
    case TOOL_NAMES.complete:
      return { status: "done", label: task ? `${task.completed ? "Completed" : "Reopened"}: ${task.title}` : "Completed a task" };
    case TOOL_NAMES.delete:
      return { status: "done", label: task ? `Deleted: ${task.title}` : "Deleted a task" };
    case TOOL_NAMES.update:
      return { status: "done", label: task ? `Updated: ${taskLine(task)}` : "Updated a task" };
    case TOOL_NAMES.list: {
      const out = part.output as { tasks?: Task[]; total?: number } | undefined;
      const tasks = out?.tasks ?? [];
      const total = out?.total ?? tasks.length;
      return { status: "done", label: `Found ${total} task${total === 1 ? "" : "s"}`, tasks };
    }
    default:
      return { status: "done", label: `Used ${name}` };
  }
}
