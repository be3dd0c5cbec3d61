import assert from "node:assert/strict";
import { test } from "node:test";
import type { Task } from "@todo/contracts";
import { changedFields, validateTaskEdit } from "./task-form.ts";

const task: Task = {
  id: "8d6f1c1e-0000-4000-8000-000000000000",
  number: 3,
  title: "Team sync",
  description: "",
  completed: false,
  priority: "medium",
  dueDate: "2026-12-07",
  dueTime: "10:00",
  timeZone: "UTC",
  dueAt: "2026-12-07T10:00:00.000Z",
  repeat: "FREQ=WEEKLY;BYDAY=MO",
  repeatText: "every week on Monday at 10:00",
  tags: ["work"],
  createdAt: "2026-11-30T10:00:00.000Z",
  updatedAt: "2026-11-30T10:00:00.000Z",
  completedAt: null,
  deletedAt: null,
};
const form = {
  title: "Team sync",
  description: "",
  priority: "medium" as const,
  dueDate: "2026-12-07",
  dueTime: "10:00",
  repeat: "FREQ=WEEKLY;BYDAY=MO",
  tags: "work",
};

async function patchFor(values: Partial<typeof form>) {
  const checked = await validateTaskEdit({ ...form, ...values });
  assert.ok(checked.ok);
  return changedFields(task, checked.body);
}

test("an edit sends only what changed; a new date carries the time; nothing changed sends nothing", async () => {
  assert.equal(await patchFor({}), null);
  assert.deepEqual(await patchFor({ repeat: "" }), { repeat: null }, "stop repeating");
  assert.deepEqual(await patchFor({ dueTime: "" }), { dueTime: null }, "clearing the time keeps the date");
  assert.deepEqual(await patchFor({ dueDate: "2026-12-08" }), { dueDate: "2026-12-08", dueTime: "10:00" });
  assert.deepEqual(await patchFor({ title: "Team sync!", tags: "work, home" }), { title: "Team sync!", tags: ["work", "home"] });
});
