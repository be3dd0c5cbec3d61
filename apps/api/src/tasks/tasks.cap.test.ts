/**
 * The open-task cap holds on every path that brings a task back into the list, under concurrency:
 * reopening a completed task, restoring one from the Trash, undoing a completion. At one below the
 * cap, many of these at once let exactly one through; the others get a 409 saying the limit.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CHANGE_ID_HEADER } from "@todo/contracts";
import { TASK_LIMITS } from "@todo/contracts";
import { sql } from "drizzle-orm";
import { buildApp, drivers, signUp, type TestDatabase } from "../../test/support.ts";

const CAP = TASK_LIMITS.openTasksMax;
/** How many changes race for the one place left. */
const RACERS = 8;

for (const driver of drivers) {
  describe(`open-task cap under concurrency on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
    });
    after(() => db.dispose());

    /** `open` open tasks numbered from 1, then `done` completed ones, then `trashed` open ones in the Trash. */
    const seed = async (userId: string, open: number, done: number, trashed: number) => {
      const total = open + done + trashed;
      await db.handle.db.execute(sql`
        insert into tasks (user_id, number, title, title_key, completed, completed_at, deleted_at)
        select ${userId}, g, 'Chore ' || g, ' chore ' || g || ' ',
          g > ${open} and g <= ${open + done},
          case when g > ${open} and g <= ${open + done} then now() end,
          case when g > ${open + done} then now() end
        from generate_series(1, ${total}) g`);
      await db.handle.db.execute(sql`insert into task_counters (user_id, last_number) values (${userId}, ${total})`);
      const rows = (await db.handle.db.execute(
        sql`select id, number from tasks where user_id = ${userId} and number > ${open} order by number`,
      )) as unknown as {
        rows: { id: string; number: number }[];
      };
      return { done: rows.rows.slice(0, done).map((r) => r.id), trashed: rows.rows.slice(done).map((r) => r.id) };
    };
    const openCount = async (userId: string) => {
      const res = (await db.handle.db.execute(
        sql`select count(*)::int as n from tasks where user_id = ${userId} and completed = false and deleted_at is null`,
      )) as unknown as { rows: { n: number }[] };
      return res.rows[0]!.n;
    };
    const assertOneThrough = (results: { status: number; body: any }[], what: string) => {
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status !== 200);
      assert.equal(ok.length, 1, `exactly one ${what} gets the last place: ${results.map((r) => r.status).join(",")}`);
      for (const r of refused) {
        assert.equal(r.status, 409);
        assert.equal(r.body.error.code, "limit_reached");
        assert.match(r.body.error.message, /10,000 open tasks/);
      }
    };

    test("many reopens at once, one below the cap: exactly one reopens", async () => {
      const you = await signUp(app);
      const { done } = await seed(you.userId, CAP - 1, RACERS, 0);
      const results = await Promise.all(done.map((id) => you.patch(`/api/tasks/${id}`, { completed: false })));
      assertOneThrough(results, "reopen");
      assert.equal(await openCount(you.userId), CAP);
    });

    test("many restores from the Trash at once, one below the cap: exactly one comes back", async () => {
      const you = await signUp(app);
      const { trashed } = await seed(you.userId, CAP - 1, 0, RACERS);
      const results = await Promise.all(trashed.map((id) => you.post(`/api/tasks/${id}/restore`)));
      assertOneThrough(results, "restore");
      assert.equal(await openCount(you.userId), CAP);
      assert.equal((await you.get("/api/tasks/trash")).body.total, RACERS - 1, "the refused ones stay in the Trash");
    });

    test("an undone completion, reopens and restores at once, one below the cap: exactly one gets through", async () => {
      const you = await signUp(app);
      const { done, trashed } = await seed(you.userId, CAP, RACERS / 2, RACERS / 2);
      // Completing task #1 leaves one place, and a completion to undo.
      const first = (await you.get("/api/tasks/me?limit=1")).body[0];
      assert.equal((await you.patch(`/api/tasks/${first.id}`, { completed: true })).status, 200);
      const results = await Promise.all([
        you.post("/api/changes/undo"),
        ...done.map((id) => you.patch(`/api/tasks/${id}`, { completed: false })),
        ...trashed.map((id) => you.post(`/api/tasks/${id}/restore`)),
      ]);
      assertOneThrough(results, "change");
      assert.equal(await openCount(you.userId), CAP);
    });

    test("undoing a completion at the cap is refused, and the task stays done", async () => {
      const you = await signUp(app);
      await seed(you.userId, CAP, 1, 0);
      const first = (await you.get("/api/tasks/me?limit=1")).body[0];
      assert.equal((await you.patch(`/api/tasks/${first.id}`, { completed: true })).status, 200);
      // Another way back to the cap that logs no change (the undo would otherwise undo that).
      await db.handle.db.execute(sql`update tasks set completed = false, completed_at = null where user_id = ${you.userId} and number = ${CAP + 1}`);
      const undo = await you.post("/api/changes/undo");
      assert.equal(undo.status, 409, undo.text);
      assert.equal(undo.body.error.code, "limit_reached");
      assert.match(undo.body.error.message, /10,000 open tasks/);
      assert.equal((await you.get(`/api/tasks/${first.id}`)).body.completed, true);
      assert.equal(await openCount(you.userId), CAP);
    });

    test("undoing a named completion (an Undo toast) at the cap is refused too", async () => {
      const you = await signUp(app);
      await seed(you.userId, CAP, 1, 0);
      const first = (await you.get("/api/tasks/me?limit=1")).body[0];
      const done = await you.patch(`/api/tasks/${first.id}`, { completed: true });
      const changeId = done.headers.get(CHANGE_ID_HEADER);
      assert.ok(changeId);
      await db.handle.db.execute(sql`update tasks set completed = false, completed_at = null where user_id = ${you.userId} and number = ${CAP + 1}`);
      const undo = await you.post(`/api/changes/${changeId}/undo`);
      assert.equal(undo.status, 409, undo.text);
      assert.equal(undo.body.error.code, "limit_reached");
      assert.equal((await you.get(`/api/tasks/${first.id}`)).body.completed, true);
      assert.equal(await openCount(you.userId), CAP);
    });
  });
}
