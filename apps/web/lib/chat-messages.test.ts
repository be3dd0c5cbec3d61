/** Stored messages → UI messages, and each tool call → the one line its card shows. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Message, Task } from "@todo/contracts";
import { approvalOf, MUTATING_TOOLS, summarizeToolCall, toUIMessages } from "./chat-messages.ts";

const task = (over: Partial<Task> = {}): Task => ({
  id: "8f7c1f2e-54a1-4c55-9d43-6f1d3c1b2a01",
  number: 3,
  title: "Buy milk",
  description: "",
  completed: false,
  priority: "high",
  dueDate: null,
  dueTime: null,
  timeZone: null,
  dueAt: null,
  repeat: null,
  repeatText: null,
  tags: [],
  createdAt: "2026-03-01T10:00:00.000Z",
  updatedAt: "2026-03-01T10:00:00.000Z",
  completedAt: null,
  deletedAt: null,
  ...over,
});

const ok = (structuredContent: Record<string, unknown>, text = "ok") => ({ content: [{ type: "text", text }], structuredContent });
const failed = (code: string | undefined, message: string) => ({
  isError: true,
  content: [{ type: "text", text: message }],
  structuredContent: { error: { ...(code ? { code } : {}), message } },
});

describe("toUIMessages", () => {
  it("a stored assistant turn renders as a live one: each tool call as the MCP result it was, then the text", () => {
    const stored: Message = {
      id: "m1",
      role: "assistant",
      content: "Added #3.",
      toolCalls: [{ name: "add_task", arguments: { title: "Buy milk" }, result: { task: task() }, text: "Added #3" }],
      createdAt: "2026-03-01T10:00:00.000Z",
    };
    const [ui] = toUIMessages([stored]);
    assert.equal(ui!.id, "m1");
    assert.equal(ui!.role, "assistant");
    assert.deepEqual(ui!.parts, [
      {
        type: "dynamic-tool",
        toolName: "add_task",
        toolCallId: "m1-0",
        state: "output-available",
        input: { title: "Buy milk" },
        output: ok({ task: task() }, "Added #3"),
      },
      { type: "text", text: "Added #3." },
    ]);
    assert.equal(
      summarizeToolCall(ui!.parts[0] as Parameters<typeof summarizeToolCall>[0]).label,
      "Added: Buy milk · high",
      "the card reads it as it reads a live one",
    );
  });

  it("a stored failure stays a failure, including one stored before codes with an error field alone", () => {
    const withError = (result: unknown, isError?: boolean): Message => ({
      id: "m2",
      role: "assistant",
      content: "",
      toolCalls: [{ name: "complete_task", arguments: { number: 9 }, result, ...(isError ? { isError } : {}), text: "no task #9" }],
      createdAt: "2026-03-01T10:00:00.000Z",
    });
    const summary = (m: Message) => summarizeToolCall(toUIMessages([m])[0]!.parts[0] as Parameters<typeof summarizeToolCall>[0]);
    assert.deepEqual(summary(withError({ error: { code: "not_found", message: "no task #9" } }, true)), {
      status: "error",
      label: "No such task",
      detail: "no task #9",
      code: "not_found",
    });
    assert.deepEqual(summary(withError({ error: "no task #9" })), { status: "error", label: "Couldn't complete the task", detail: "no task #9" });
    assert.equal(toUIMessages([withError({ error: "x" })])[0]!.parts.length, 1, "no text part for empty content");
  });

  it("a person's message is one text part", () => {
    const [ui] = toUIMessages([{ id: "u1", role: "user", content: "add milk", toolCalls: [], createdAt: "2026-03-01T10:00:00.000Z" }]);
    assert.deepEqual(ui!.parts, [{ type: "text", text: "add milk" }]);
  });
});

describe("summarizeToolCall", () => {
  it("says what is running while the tool runs", () => {
    assert.deepEqual(summarizeToolCall({ toolName: "add_task", state: "input-available" }), { status: "running", label: "Adding task…" });
    assert.deepEqual(summarizeToolCall({ toolName: "list_tasks", state: "input-streaming" }), { status: "running", label: "Looking at your tasks…" });
    assert.equal(summarizeToolCall({ toolName: "some_new_tool", state: "input-available" }).label, "Running some_new_tool…");
  });

  it("names the task each tool changed", () => {
    const done = (toolName: string, output: unknown) => summarizeToolCall({ toolName, state: "output-available", output }).label;
    assert.equal(done("add_task", ok({ task: task() })), "Added: Buy milk · high");
    const standup = task({ title: "Standup", repeat: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", repeatText: "every weekday at 09:00" });
    assert.equal(done("add_task", ok({ task: standup })), "Added: Standup · high · every weekday at 09:00", "a repeating task's rule in words");
    assert.equal(done("update_task", ok({ task: standup })), "Updated: Standup · high · every weekday at 09:00");
    assert.equal(done("update_task", ok({ task: task({ priority: "low" }) })), "Updated: Buy milk · low");
    assert.equal(done("complete_task", ok({ task: task({ completed: true }) })), "Completed: Buy milk");
    assert.equal(done("complete_task", ok({ task: task({ completed: false }) })), "Reopened: Buy milk");
    assert.equal(done("delete_task", ok({ task: task() })), "Deleted: Buy milk");
    assert.equal(done("add_task", ok({})), "Added a task");
  });

  it("counts what a list found and hands the tasks to the card", () => {
    const tasks = [task(), task({ number: 4, title: "Call mum" })];
    assert.deepEqual(summarizeToolCall({ toolName: "list_tasks", state: "output-available", output: ok({ tasks, total: 7 }) }), {
      status: "done",
      label: "Found 7 tasks",
      tasks,
      total: 7,
    });
    assert.equal(summarizeToolCall({ toolName: "list_tasks", state: "output-available", output: ok({ tasks: [task()] }) }).label, "Found 1 task");
  });

  it("a failure is an error with its reason, whether the call threw or the tool answered with an error", () => {
    assert.deepEqual(summarizeToolCall({ toolName: "delete_task", state: "output-error", errorText: "no task #9" }), {
      status: "error",
      label: "Couldn't delete the task",
      detail: "no task #9",
    });
    assert.deepEqual(summarizeToolCall({ toolName: "update_task", state: "output-available", output: failed("validation_error", "title is too long") }), {
      status: "error",
      label: "Couldn't update the task",
      detail: "title is too long",
      code: "validation_error",
    });
    assert.deepEqual(summarizeToolCall({ toolName: "add_task", state: "output-available", output: failed("limit_reached", "10,000 open tasks") }), {
      status: "error",
      label: "A limit is reached",
      detail: "10,000 open tasks",
      code: "limit_reached",
    });
  });

  it("every tool but list changes tasks (the tasks page refetches after them)", () => {
    assert.deepEqual([...MUTATING_TOOLS].sort(), ["add_task", "complete_task", "delete_task", "undo", "update_task", "update_tasks"]);
  });

  it("bulk changes, several adds and undo say what they did", () => {
    const done = (toolName: string, structuredContent: unknown) => summarizeToolCall({ toolName, state: "output-available", output: { structuredContent } });
    assert.equal(done("update_tasks", { count: 12, tasks: [task()] }).label, "Changed 12 tasks");
    assert.equal(done("add_task", { task: task(), tasks: [task(), task({ number: 4 })] }).label, "Added 2 tasks");
    assert.equal(done("undo", { op: "bulk", count: 3, tasks: [] }).label, "Undid the last change (3 tasks)");
    assert.equal(done("undo", { task: task() }).label, "Restored: Buy milk");
  });
});

describe("approvals", () => {
  const approval = {
    id: "ap1",
    toolCallId: "call_1",
    description: "Delete #3 “Buy milk”",
    tasks: [{ number: 3, title: "Buy milk" }],
    total: 1,
  };
  const stored = (state: "requested" | "approved" | "denied" | "expired", result: unknown = null, text = ""): Message => ({
    id: "m1",
    role: "assistant",
    content: "",
    toolCalls: [{ name: "delete_task", arguments: { number: 3 }, result, text, approval: { ...approval, state } }],
    createdAt: "2026-03-01T10:00:00.000Z",
  });
  const partOf = (m: Message) => toUIMessages([m])[0]!.parts[0] as Parameters<typeof summarizeToolCall>[0] & { toolCallId: string };

  it("a pending approval is still asking after a reload, under the id its stream gave it", () => {
    const part = partOf(stored("requested"));
    assert.equal(part.state, "approval-requested");
    assert.equal(part.toolCallId, "call_1");
    assert.equal(approvalOf(part)?.description, "Delete #3 “Buy milk”");
    assert.deepEqual(summarizeToolCall(part), { status: "asking", label: "Delete this task?" });
  });

  it("answered: running, done, declined or expired", () => {
    assert.equal(partOf(stored("approved")).state, "approval-responded");
    const done = partOf(stored("approved", { task: task() }, "Deleted #3 Buy milk"));
    assert.equal(done.state, "output-available");
    assert.equal(summarizeToolCall(done).label, "Deleted: Buy milk");
    assert.deepEqual(summarizeToolCall(partOf(stored("denied", null, "not run"))), { status: "declined", label: "Declined: the task was not deleted" });
    assert.equal(summarizeToolCall(partOf(stored("expired"))).label, "Not approved: the conversation moved on");
  });
});
