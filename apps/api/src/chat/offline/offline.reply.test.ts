/** The offline assistant's list answers sum up: the tasks themselves are on the chat's card. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Task } from "@todo/contracts";
import { TOOL_NAMES } from "@todo/contracts/constants";
import { toolReply } from "./offline.reply.ts";

const TODAY = "2026-11-25"; // a Wednesday
let n = 0;
const task = (dueDate: string | null, extra: Partial<Task> = {}): Task =>
  ({
    id: `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    number: n,
    title: `Task ${n}`,
    description: "",
    priority: "medium",
    dueDate,
    tags: [],
    completed: false,
    createdAt: "2026-11-20T10:00:00.000Z",
    updatedAt: "2026-11-20T10:00:00.000Z",
    ...extra,
  }) as Task;
const list = (tasks: Task[], args: Record<string, unknown>, total = tasks.length) =>
  toolReply(TOOL_NAMES.list, { tasks, total }, TODAY, { kind: "list", args });

describe("list answers", () => {
  test("this week's 49 tasks: counted, overdue and today said, no task said twice", () => {
    const tasks = [task("2026-11-20"), task("2026-11-24"), task(TODAY), ...Array.from({ length: 46 }, () => task("2026-11-27"))];
    const reply = list(tasks, { status: "pending", dueBefore: "2026-11-28", sort: "due" });
    assert.equal(reply, "You have 49 tasks due by Sat — 2 overdue, 1 due today.");
    assert.doesNotMatch(reply, /#\d|Task \d/);
  });

  test("open, overdue, one day and a tag each read as such", () => {
    assert.equal(list([task(null), task("2026-11-30")], { status: "pending" }), "You have 2 open tasks.");
    assert.equal(list([task("2026-11-20"), task("2026-11-21")], { status: "pending", dueBefore: "2026-11-24" }), "You have 2 tasks overdue.");
    assert.equal(list([task(TODAY), task(TODAY)], { status: "pending", dueAfter: TODAY, dueBefore: TODAY }), "You have 2 tasks due today.");
    assert.equal(list([task(null), task(null)], { tag: "home" }), "You have 2 tasks tagged #home.");
    assert.equal(list([task(null), task(null, { completed: true })], {}, 2), "You have 2 tasks.");
  });

  test("finished tasks are counted; a single task is named, so a follow-up can point at it", () => {
    assert.equal(list([task(null, { completed: true }), task(null, { completed: true })], { status: "completed" }), "You've finished 2 tasks.");
    const one = task("2026-11-26", { title: "Call mum", priority: "high" });
    assert.equal(list([one], { status: "pending" }), `You have 1 open task: • #${one.number} Call mum — high · due tomorrow.`);
  });

  test("an empty list still says what to do", () => {
    assert.match(list([], { status: "pending" }), /Nothing here/);
  });
});
