/**
 * Undo of one named change (POST /api/changes/{id}/undo, the id from a write's Change-Id header) and
 * the bulk change of picked tasks (POST /api/tasks/bulk/selected), over REST on each database: an
 * Undo toast reverts exactly the change it names, a bulk change of the tasks page is one change, and
 * neither reaches another person's tasks or changes.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { CHANGE_ID_HEADER, type Task } from "@todo/contracts";
import { sql } from "drizzle-orm";
import { buildApp, drivers, signUp, type TestDatabase } from "../../test/support.ts";

type Person = Awaited<ReturnType<typeof signUp>>;

const task = async (p: Person, id: string): Promise<Task> => (await p.get(`/api/tasks/${id}`)).body;
const changeId = (res: { headers: Headers }) => {
  const id = res.headers.get(CHANGE_ID_HEADER);
  assert.ok(id, "the write names its change");
  return id;
};
const undoChange = (p: Person, id: string) => p.post(`/api/changes/${id}/undo`);

for (const driver of drivers) {
  describe(`undo of a named change, bulk of picked tasks on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
    });
    after(() => db.dispose());

    test("two changes A then B on different tasks: undoing A reverts only A, then A again is 409", async () => {
      const me = await signUp(app);
      const a = (await me.post("/api/tasks", { title: "Task A" })).body as Task;
      const b = (await me.post("/api/tasks", { title: "Task B" })).body as Task;
      const changeA = changeId(await me.patch(`/api/tasks/${a.id}`, { completed: true }));
      const changeB = changeId(await me.patch(`/api/tasks/${b.id}`, { completed: true }));
      assert.notEqual(changeA, changeB);

      const undone = await undoChange(me, changeA);
      assert.equal(undone.status, 200, undone.text);
      assert.equal(undone.body.op, "complete");
      assert.deepEqual(
        undone.body.tasks.map((t: Task) => t.title),
        ["Task A"],
      );
      assert.equal((await task(me, a.id)).completed, false, "A reopened");
      assert.equal((await task(me, b.id)).completed, true, "B untouched");

      const again = await undoChange(me, changeA);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, "undo_conflict");
      assert.match(again.body.error.message, /already undone/);

      // The latest-change undo still finds B (A's undo did not consume it).
      const latest = await me.post("/api/changes/undo");
      assert.equal(latest.status, 200);
      assert.equal((await task(me, b.id)).completed, false);
    });

    test("a change whose task changed since is refused (409), and allowed once the later change is undone", async () => {
      const me = await signUp(app);
      const a = (await me.post("/api/tasks", { title: "Pay rent", priority: "low" })).body as Task;
      const first = changeId(await me.patch(`/api/tasks/${a.id}`, { priority: "high" }));
      const later = changeId(await me.patch(`/api/tasks/${a.id}`, { title: "Pay the rent" }));

      const refused = await undoChange(me, first);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, "undo_conflict");
      assert.equal(refused.body.error.message, "That task has changed since; undo the later change first");
      const unchanged = await task(me, a.id);
      assert.equal(unchanged.priority, "high", "nothing was reverted");
      assert.equal(unchanged.title, "Pay the rent");

      assert.equal((await undoChange(me, later)).status, 200);
      assert.equal((await undoChange(me, first)).status, 200);
      const back = await task(me, a.id);
      assert.equal(back.priority, "low");
      assert.equal(back.title, "Pay rent");
    });

    test("isolation: another person's change id is 404 and changes nothing; an unknown or malformed id is 404 / 400", async () => {
      const me = await signUp(app);
      const other = await signUp(app);
      const mine = (await me.post("/api/tasks", { title: "Mine" })).body as Task;
      const done = changeId(await me.patch(`/api/tasks/${mine.id}`, { completed: true }));

      const theirs = await undoChange(other, done);
      assert.equal(theirs.status, 404);
      assert.equal(theirs.body.error.code, "not_found");
      assert.equal((await task(me, mine.id)).completed, true, "the owner's task is as it was");
      assert.equal((await undoChange(me, done)).status, 200, "and the owner can still undo it");

      assert.equal((await undoChange(me, randomUUID())).status, 404);
      const bad = await undoChange(me, "not-a-change");
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, "id");
    });

    test("a failed write names no change", async () => {
      const me = await signUp(app);
      const res = await me.patch(`/api/tasks/${randomUUID()}`, { completed: true });
      assert.equal(res.status, 404);
      assert.equal(res.headers.get(CHANGE_ID_HEADER), null);
    });

    test("bulk of picked tasks: one change for all of them, one undo of that change reverts them all", async () => {
      const me = await signUp(app);
      const created: Task[] = [];
      for (const title of ["One", "Two", "Three", "Four"]) created.push((await me.post("/api/tasks", { title })).body);
      const picked = created.slice(0, 3).map((t) => t.id);

      const done = await me.post("/api/tasks/bulk/selected", { ids: picked, changes: { completed: true } });
      assert.equal(done.status, 200, done.text);
      assert.equal(done.body.count, 3);
      const bulkChange = changeId(done);
      const moved = await me.post("/api/tasks/bulk/selected", { ids: picked, changes: { dueDate: "2026-12-24", priority: "high", addTag: "xmas" } });
      assert.equal(moved.status, 200, moved.text);
      for (const id of picked) {
        const t = await task(me, id);
        assert.equal(t.dueDate, "2026-12-24");
        assert.equal(t.priority, "high");
        assert.deepEqual(t.tags, ["xmas"]);
      }
      assert.equal((await task(me, created[3]!.id)).completed, false, "the unpicked task is untouched");
      assert.equal((await task(me, created[3]!.id)).dueDate, null);

      // Undo the completion by its id: the later change touched the same tasks, so it is refused first.
      assert.equal((await undoChange(me, bulkChange)).status, 409);
      assert.equal((await undoChange(me, changeId(moved))).status, 200);
      const undone = await undoChange(me, bulkChange);
      assert.equal(undone.status, 200);
      assert.equal(undone.body.op, "bulk");
      assert.equal(undone.body.count, 3);
      for (const id of picked) assert.equal((await task(me, id)).completed, false);

      const trashed = await me.post("/api/tasks/bulk/selected", { ids: picked, changes: { delete: true } });
      assert.equal(trashed.body.count, 3);
      const trash = (await me.get("/api/tasks/trash")).body.tasks as Task[];
      assert.deepEqual(trash.map((t) => t.id).sort(), [...picked].sort());
    });

    test("bulk of picked tasks: bad input is a 400 naming the field; another person's id changes nothing (404)", async () => {
      const me = await signUp(app);
      const other = await signUp(app);
      const mine = (await me.post("/api/tasks", { title: "Mine" })).body as Task;
      const theirs = (await other.post("/api/tasks", { title: "Theirs" })).body as Task;

      const empty = await me.post("/api/tasks/bulk/selected", { ids: [], changes: { completed: true } });
      assert.equal(empty.status, 400);
      assert.equal(empty.body.error.code, "validation_error");
      assert.match(empty.body.error.message, /pick at least one task/);

      const noChange = await me.post("/api/tasks/bulk/selected", { ids: [mine.id], changes: {} });
      assert.equal(noChange.status, 400);
      assert.match(noChange.body.error.message, /nothing to change/);

      const notIds = await me.post("/api/tasks/bulk/selected", { ids: ["7"], changes: { completed: true } });
      assert.equal(notIds.status, 400);
      assert.match(notIds.body.error.message, /task id/);

      const mixed = await me.post("/api/tasks/bulk/selected", { ids: [mine.id, theirs.id], changes: { completed: true } });
      assert.equal(mixed.status, 404);
      assert.equal(mixed.body.error.message, "1 of these tasks is not in your list (deleted, or never yours); nothing changed");
      assert.equal(mixed.headers.get(CHANGE_ID_HEADER), null);
      assert.equal((await task(me, mine.id)).completed, false, "nothing changed: not even my own task");
      assert.equal((await task(other, theirs.id)).completed, false, "nor theirs");

      const onlyTheirs = await me.post("/api/tasks/bulk/selected", { ids: [theirs.id], changes: { delete: true } });
      assert.equal(onlyTheirs.status, 404);
      assert.equal((await other.get("/api/tasks/trash")).body.total, 0);
    });

    // PostgreSQL only: PGlite is one connection, so no second writer can hold a lock there.
    if (driver.name === "postgres")
      test("a write landing while the undo checks: the undo waits for it, then refuses (no later change is thrown away)", async () => {
        const me = await signUp(app);
        const a = (await me.post("/api/tasks", { title: "Raced" })).body as Task;
        const done = changeId(await me.patch(`/api/tasks/${a.id}`, { completed: true }));

        // A second connection plays a write to the task that has locked its row and not yet committed.
        const writer = db.reopen();
        let release!: () => void;
        const held = new Promise<void>((r) => {
          release = r;
        });
        let locked!: () => void;
        const lockTaken = new Promise<void>((r) => {
          locked = r;
        });
        const write = writer.db.transaction(async (tx) => {
          await tx.execute(sql`select id from tasks where id = ${a.id} for update`);
          locked();
          await held;
          await tx.execute(sql`update tasks set title = 'Raced, renamed' where id = ${a.id}`);
          await tx.execute(
            sql`insert into task_changes (user_id, batch_id, task_id, op, before, after) values (${me.userId}, ${randomUUID()}, ${a.id}, 'update', ${JSON.stringify({ title: "Raced" })}::jsonb, ${JSON.stringify({ title: "Raced, renamed" })}::jsonb)`,
          );
        });
        await lockTaken;
        const undo = undoChange(me, done);
        // The undo is waiting on the task's row lock (seen by the server, not by a timer).
        for (;;) {
          const waiting = await writer.db.execute(sql`select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`);
          if ((waiting as unknown as { rows: unknown[] }).rows.length > 0) break;
          await new Promise((r) => setImmediate(r));
        }
        release();
        await write;
        const refused = await undo;
        assert.equal(refused.status, 409, refused.text);
        assert.equal(refused.body.error.code, "undo_conflict");
        const now = await task(me, a.id);
        assert.equal(now.title, "Raced, renamed", "the later write stands");
        assert.equal(now.completed, true, "and the completion was not undone under it");
        await writer.close();
      });
  });
}
