/**
 * Chat message shapes for the UI: stored conversation messages become AI SDK UI messages (so a
 * resumed chat renders like a live one), and each tool call becomes a one-line summary for its card.
 */
import type { DynamicToolUIPart, UIMessage } from "ai";
import type { ErrorCode, ErrorPayload, Message, Task, ToolApproval } from "@todo/contracts";
import { MUTATING_TOOL_NAMES, TOOL_NAMES, type ToolName } from "@todo/contracts/constants";
import { formatDue } from "./dates";

export type ChatMetadata = { conversationId?: string; error?: ErrorPayload };
export type ChatMessage = UIMessage<ChatMetadata>;

/**
 * A tool's answer as the MCP server gave it, live (the stream's tool output) and after a reload (built
 * from the stored call): its text, its structured result, and on failure `{ error: { code, message } }`.
 */
export type ToolResult = {
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export function toUIMessages(messages: Message[]): ChatMessage[] {
  return messages.map((m) => {
    const parts: ChatMessage["parts"] = [];
    m.toolCalls.forEach((call, i) => {
      if (call.approval) {
        parts.push(approvalPart(call, call.approval));
        return;
      }
      const output: ToolResult = {
        content: [{ type: "text", text: call.text }],
        ...(isRecord(call.result) ? { structuredContent: call.result } : {}),
        // Calls stored by early versions marked a failure by an `error` field alone.
        ...(call.isError || (isRecord(call.result) && "error" in call.result) ? { isError: true } : {}),
      };
      parts.push({ type: "dynamic-tool", toolName: call.name, toolCallId: `${m.id}-${i}`, state: "output-available", input: call.arguments, output });
    });
    if (m.content) parts.push({ type: "text", text: m.content });
    return { id: m.id, role: m.role, parts };
  });
}

/**
 * A stored call that waited for approval, as the AI SDK's tool part: asked (approval-requested),
 * answered and not yet run (approval-responded), run (output-available), or not run
 * (output-denied: declined, or expired). Its id is the one its stream gave it, so a turn that goes on
 * from the answer finds the card; `approval.descriptor` is what the card shows (the ToolApproval).
 */
function approvalPart(call: Message["toolCalls"][number], approval: ToolApproval): DynamicToolUIPart {
  const base = { type: "dynamic-tool" as const, toolName: call.name, toolCallId: approval.toolCallId, input: call.arguments };
  switch (approval.state) {
    case "requested":
      return { ...base, state: "approval-requested", approval: { id: approval.id, descriptor: approval } };
    case "approved": {
      if (call.result == null && !call.text)
        return { ...base, state: "approval-responded", approval: { id: approval.id, approved: true, descriptor: approval } };
      const output: ToolResult = {
        content: [{ type: "text", text: call.text }],
        ...(isRecord(call.result) ? { structuredContent: call.result } : {}),
        ...(call.isError ? { isError: true } : {}),
      };
      return { ...base, state: "output-available", output, approval: { id: approval.id, approved: true, descriptor: approval } };
    }
    default:
      return {
        ...base,
        state: "output-denied",
        approval: { id: approval.id, approved: false, descriptor: approval, ...(approval.reason ? { reason: approval.reason } : {}) },
      };
  }
}

/** What an approval card shows (sent with the request as its descriptor), if the part has one. */
export function approvalOf(part: { approval?: { descriptor?: unknown } }): ToolApproval | undefined {
  const d = part.approval?.descriptor;
  return isRecord(d) && typeof d.description === "string" ? (d as ToolApproval) : undefined;
}

/** The error of a failed tool result: its code and message (a call stored before codes existed has no code). */
function toolErrorOf(output: unknown): { code?: ErrorCode; message: string } | undefined {
  if (!isRecord(output) || output.isError !== true) return undefined;
  const result = output as ToolResult;
  const error = result.structuredContent?.error as Partial<ErrorPayload> | undefined;
  const text = result.content?.map((c) => c.text ?? "").join("\n");
  return { ...(error?.code ? { code: error.code } : {}), message: error?.message ?? (text || "The tool failed.") };
}

/** Whether a tool part is a call that succeeded. */
export function succeeded(part: { state: string; output?: unknown }): boolean {
  return part.state === "output-available" && toolErrorOf(part.output) === undefined;
}

/** The tools that change tasks: when one succeeds, the tasks page should refetch. */
export const MUTATING_TOOLS: ReadonlySet<string> = new Set(MUTATING_TOOL_NAMES);

const RUNNING: Record<ToolName, string> = {
  [TOOL_NAMES.add]: "Adding task…",
  [TOOL_NAMES.list]: "Looking at your tasks…",
  [TOOL_NAMES.complete]: "Completing task…",
  [TOOL_NAMES.delete]: "Deleting task…",
  [TOOL_NAMES.update]: "Updating task…",
  [TOOL_NAMES.updateMany]: "Updating tasks…",
  [TOOL_NAMES.undo]: "Undoing…",
};

const FAILED: Record<ToolName, string> = {
  [TOOL_NAMES.add]: "Couldn't add the task",
  [TOOL_NAMES.list]: "Couldn't list tasks",
  [TOOL_NAMES.complete]: "Couldn't complete the task",
  [TOOL_NAMES.delete]: "Couldn't delete the task",
  [TOOL_NAMES.update]: "Couldn't update the task",
  [TOOL_NAMES.updateMany]: "Couldn't update the tasks",
  [TOOL_NAMES.undo]: "Couldn't undo",
};

/** The headline of a call that waits for the person's approval (the card says what, to which tasks, under it). */
const ASKING: Partial<Record<ToolName, string>> = {
  [TOOL_NAMES.delete]: "Delete this task?",
  [TOOL_NAMES.updateMany]: "Change these tasks?",
};

const DECLINED: Partial<Record<ToolName, string>> = {
  [TOOL_NAMES.delete]: "the task was not deleted",
  [TOOL_NAMES.updateMany]: "the tasks were not changed",
};

export type ToolSummary = {
  status: "running" | "done" | "error" | "asking" | "declined";
  label: string;
  detail?: string;
  code?: ErrorCode;
  tasks?: Task[];
  total?: number;
};

/** A failed call's headline, by its code (never by its wording); the message under it says the rest. */
function failureLabel(toolName: string, code: ErrorCode | undefined): string {
  switch (code) {
    case "ambiguous":
      return "Several tasks match";
    case "not_found":
      return "No such task";
    case "limit_reached":
      return "A limit is reached";
    default:
      return FAILED[toolName as ToolName] ?? `${toolName} failed`;
  }
}

function taskLine(task: Task): string {
  const bits = [task.title, task.priority];
  if (task.dueDate) bits.push(`due ${formatDue(task.dueDate)}`);
  // The rule in words, as the API writes it ("every weekday at 09:00"); older stored results have none.
  if (task.repeatText) bits.push(task.repeatText);
  return bits.join(" · ");
}

function structuredOf(output: unknown): Record<string, unknown> | undefined {
  return isRecord(output) && isRecord(output.structuredContent) ? output.structuredContent : undefined;
}

export function summarizeToolCall(part: {
  toolName: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
  approval?: { approved?: boolean; descriptor?: unknown };
}): ToolSummary {
  const name = part.toolName;
  if (part.state === "approval-requested") return { status: "asking", label: ASKING[name as ToolName] ?? `Run ${name}?` };
  if (part.state === "approval-responded") {
    return part.approval?.approved ? { status: "running", label: RUNNING[name as ToolName] ?? `Running ${name}…` } : { status: "declined", label: "Declined" };
  }
  if (part.state === "output-denied") {
    const expired = approvalOf(part)?.state === "expired";
    return { status: "declined", label: expired ? "Not approved: the conversation moved on" : `Declined: ${DECLINED[name as ToolName] ?? "nothing ran"}` };
  }
  if (part.state === "input-streaming" || part.state === "input-available") {
    return { status: "running", label: RUNNING[name as ToolName] ?? `Running ${name}…` };
  }
  if (part.state === "output-error") return { status: "error", label: FAILED[name as ToolName] ?? `${name} failed`, detail: part.errorText };
  const failure = toolErrorOf(part.output);
  if (failure) {
    return { status: "error", label: failureLabel(name, failure.code), detail: failure.message, ...(failure.code ? { code: failure.code } : {}) };
  }
  const result = structuredOf(part.output);
  const task = result?.task as Task | undefined;
  switch (name) {
    case TOOL_NAMES.add: {
      const added = (result?.tasks as Task[] | undefined) ?? [];
      if (added.length > 1) return { status: "done", label: `Added ${added.length} tasks`, tasks: added };
      return { status: "done", label: task ? `Added: ${taskLine(task)}` : "Added a task" };
    }
    case TOOL_NAMES.updateMany: {
      const count = (result?.count as number | undefined) ?? 0;
      return { status: "done", label: `Changed ${count} task${count === 1 ? "" : "s"}`, tasks: (result?.tasks as Task[] | undefined) ?? [] };
    }
    case TOOL_NAMES.undo: {
      if (task) return { status: "done", label: `Restored: ${task.title}` };
      const count = (result?.count as number | undefined) ?? 0;
      return { status: "done", label: `Undid the last change (${count} task${count === 1 ? "" : "s"})` };
    }
    case TOOL_NAMES.complete:
      return { status: "done", label: task ? `${task.completed ? "Completed" : "Reopened"}: ${task.title}` : "Completed a task" };
    case TOOL_NAMES.delete:
      return { status: "done", label: task ? `Deleted: ${task.title}` : "Deleted a task" };
    case TOOL_NAMES.update:
      return { status: "done", label: task ? `Updated: ${taskLine(task)}` : "Updated a task" };
    case TOOL_NAMES.list: {
      const out = result as { tasks?: Task[]; total?: number } | undefined;
      const tasks = out?.tasks ?? [];
      const total = out?.total ?? tasks.length;
      return { status: "done", label: `Found ${total} task${total === 1 ? "" : "s"}`, tasks, total };
    }
    default:
      return { status: "done", label: `Used ${name}` };
  }
}
