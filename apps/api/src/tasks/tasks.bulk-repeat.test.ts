/**
 * A bulk completion treats a repeating task as completing it alone does (its occurrence recorded,
 * the same task moved on, undo puts both back), through REST and the MCP update_tasks tool; and a
 * task that comes back (reopened, or restored from the Trash) has its reminders still ahead armed
 * again, while a dismissed one stays dismissed. Fake clock, PGlite and PostgreSQL.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { reminders, taskCompletions } from "../db/schema.ts";
import { buildApp, drivers, signUp, type TestDatabase } from "../../test/support.ts";
import { connectMcp, toolText } from "../../test/mcp-client.ts";

for (const driver of drivers) {
  describe(`bulk completion of repeating tasks, and reopening, on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    const now = new Date("2026-11-30T10:30:00Z");

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle, { clock: () => now }).app;
    });
    after(() => db.dispose());

    const completionsOf = (taskId: string) => db.handle.db.select().from(taskCompletions).where(eq(taskCompletions.taskId, taskId));

    test("REST: a bulk completion moves a repeating task on and completes the others; undo puts both back", async () => {
      const me = await signUp(app);
      const other = await signUp(app, "Other Person");
      assert.equal((await me.patch("/api/me/settings", { timeZone: "Europe/Berlin" })).status, 200);
      const standup = (await me.post("/api/tasks", { title: "Standup", dueDate: "2026-12-01T09:00", repeat: "FREQ=DAILY", tags: ["work"] })).body;
      const report = (await me.post("/api/tasks", { title: "Report", dueDate: "2026-12-01", tags: ["work"] })).body;
      const soon = (await me.post(`/api/tasks/${standup.id}/reminders`, { minutesBefore: 30 })).body;
      assert.equal(soon.fireAt, "2026-12-01T07:30:00.000Z");
      const theirs = (await other.post("/api/tasks", { title: "Their standup", dueDate: "2026-12-01T09:00", repeat: "FREQ=DAILY", tags: ["work"] })).body;

      const bulk = await me.post("/api/tasks/bulk", { filter: { tag: "work" }, changes: { completed: true, priority: "high" } });
      assert.equal(bulk.status, 200, bulk.text);
      assert.equal(bulk.body.count, 2);
      const moved = (await me.get(`/api/tasks/${standup.id}`)).body;
      assert.equal(moved.completed, false, "a repeating task stays open");
      assert.equal(moved.dueDate, "2026-12-02");
      assert.equal(moved.dueAt, "2026-12-02T08:00:00.000Z");
      assert.equal(moved.priority, "high", "the rest of the change applies too");
      assert.equal(moved.repeat, standup.repeat);
      assert.equal((await me.get(`/api/tasks/${report.id}`)).body.completed, true, "a task that does not repeat is completed");
      assert.deepEqual(
        (await completionsOf(standup.id)).map((c) => c.dueDate),
        ["2026-12-01"],
        "the occurrence is recorded",
      );
      assert.equal((await me.get(`/api/tasks/${standup.id}/reminders`)).body[0].fireAt, "2026-12-02T07:30:00.000Z", "its reminder follows");
      assert.equal((await other.get(`/api/tasks/${theirs.id}`)).body.dueDate, "2026-12-01", "another person's task is untouched");

      const undone = await me.post("/api/changes/undo");
      assert.equal(undone.status, 200, undone.text);
      assert.equal(undone.body.op, "bulk");
      assert.equal(undone.body.count, 2);
      const back = (await me.get(`/api/tasks/${standup.id}`)).body;
      assert.deepEqual([back.dueDate, back.dueAt, back.priority, back.completed], ["2026-12-01", standup.dueAt, "medium", false]);
      assert.equal((await me.get(`/api/tasks/${report.id}`)).body.completed, false);
      assert.deepEqual(await completionsOf(standup.id), [], "the recorded occurrence goes with the undo");
      assert.equal((await me.get(`/api/tasks/${standup.id}/reminders`)).body[0].fireAt, "2026-12-01T07:30:00.000Z");
    });

    test("MCP update_tasks: completing a repeating task moves it on, for the caller only", async () => {
      const me = await signUp(app);
      const other = await signUp(app, "Other Person");
      const gym = (await me.post("/api/tasks", { title: "Gym", dueDate: "2026-12-01T18:00", repeat: "FREQ=WEEKLY;BYDAY=TU", tags: ["health"] })).body;
      const theirs = (await other.post("/api/tasks", { title: "Their gym", dueDate: "2026-12-01T18:00", repeat: "FREQ=WEEKLY", tags: ["health"] })).body;
      const mcp = await connectMcp(app, me.token!);
      try {
        const result = toolText(await mcp.callTool({ name: "update_tasks", arguments: { filter: { tag: "health" }, changes: { completed: true } } }));
        assert.equal(result.isError, false, result.text);
        assert.equal(result.structured.count, 1);
        const moved = (await me.get(`/api/tasks/${gym.id}`)).body;
        assert.deepEqual([moved.completed, moved.dueDate, moved.dueTime], [false, "2026-12-08", "18:00"]);
        assert.equal((await completionsOf(gym.id)).length, 1);
        assert.equal((await other.get(`/api/tasks/${theirs.id}`)).body.dueDate, "2026-12-01");
        assert.equal((await completionsOf(theirs.id)).length, 0);
        const undone = toolText(await mcp.callTool({ name: "undo", arguments: {} }));
        assert.equal(undone.isError, false, undone.text);
        assert.equal((await me.get(`/api/tasks/${gym.id}`)).body.dueDate, "2026-12-01");
        assert.equal((await completionsOf(gym.id)).length, 0);
      } finally {
        await mcp.close();
      }
    });

    test("reopening or restoring a task arms again its reminders still ahead; a dismissed or past one does not fire", async () => {
      const me = await signUp(app);
      const task = (await me.post("/api/tasks", { title: "Call mom", dueDate: "2026-12-06T18:00" })).body;
      const base = `/api/tasks/${task.id}/reminders`;
      const before30 = (await me.post(base, { minutesBefore: 30 })).body;
      const dismissed = (await me.post(base, { minutesBefore: 60 })).body;
      const past = (await me.post(base, { at: "2026-11-30T12:00:00Z" })).body;
      assert.equal((await me.post(`/api/reminders/${dismissed.id}/dismiss`)).status, 200);
      // Read from the table: a task in the Trash has no reminders route.
      const states = async () =>
        Object.fromEntries(
          (await db.handle.db.select().from(reminders).where(eq(reminders.taskId, task.id))).map((r) => [r.id, `${r.state} ${r.fireAt?.toISOString()}`]),
        );

      assert.equal((await me.patch(`/api/tasks/${task.id}`, { completed: true })).status, 200);
      assert.equal((await states())[before30.id], "suspended 2026-12-06T17:30:00.000Z", "held while the task is done");
      now.setTime(Date.parse("2026-11-30T13:00:00Z"));
      assert.equal((await me.patch(`/api/tasks/${task.id}`, { completed: false })).status, 200);
      assert.deepEqual(await states(), {
        [before30.id]: "pending 2026-12-06T17:30:00.000Z",
        [dismissed.id]: "cancelled 2026-12-06T17:00:00.000Z",
        [past.id]: "suspended 2026-11-30T12:00:00.000Z",
      });

      assert.equal((await me.delete(`/api/tasks/${task.id}`)).status, 204);
      assert.equal((await states())[before30.id], "suspended 2026-12-06T17:30:00.000Z", "held while the task is in the Trash");
      assert.equal((await me.post(`/api/tasks/${task.id}/restore`)).status, 200);
      assert.equal((await states())[before30.id], "pending 2026-12-06T17:30:00.000Z", "armed again on restore");

      // A bulk reopen arms them again too.
      assert.equal((await me.post("/api/tasks/bulk", { filter: { q: "Call mom" }, changes: { completed: true } })).status, 200);
      assert.equal((await states())[before30.id], "suspended 2026-12-06T17:30:00.000Z");
      assert.equal((await me.post("/api/tasks/bulk", { filter: { q: "Call mom" }, changes: { completed: false } })).status, 200);
      assert.equal((await states())[before30.id], "pending 2026-12-06T17:30:00.000Z");
    });
  });
}
