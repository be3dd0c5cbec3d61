/**
 * Reminders end to end on each database: REST (add, list, remove, snooze, dismiss, clear 4xx),
 * the scheduler on a fake clock (fires once, not before its time, late after downtime), re-planning
 * on task changes, two schedulers sharing one database, and isolation between people.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { connectMcp, toolText } from "../../test/mcp-client.ts";
import { buildApp, Client, drivers, signUp, silentLogger, type TestDatabase } from "../../test/support.ts";
import type { Notifier, ReminderNotification } from "./notifier.ts";
import { ReminderRepository } from "./reminders.repository.ts";
import { ReminderScheduler } from "./reminders.scheduler.ts";
import { utcForEveryone } from "./reminders.service.ts";

/** A clock tests move by hand. */
function fakeClock(start: string) {
  let now = new Date(start).getTime();
  const clock = () => new Date(now);
  return Object.assign(clock, { set: (iso: string) => void (now = new Date(iso).getTime()), advance: (ms: number) => void (now += ms) });
}

/** Keeps every notification it is given. */
function recordingNotifier() {
  const sent: { userId: string; n: ReminderNotification }[] = [];
  const notifier: Notifier = { notify: async (userId, n) => void sent.push({ userId, n }) };
  return { notifier, sent };
}

for (const driver of drivers) {
  describe(`reminders on ${driver.name}`, () => {
    let db: TestDatabase;
    const clock = fakeClock("2026-12-01T08:00:00Z");
    let built: ReturnType<typeof buildApp>;
    let rec: ReturnType<typeof recordingNotifier>;
    let scheduler: ReminderScheduler;

    const newScheduler = (handle = db.handle) =>
      new ReminderScheduler({ repo: new ReminderRepository(handle.db), notifier: rec.notifier, logger: silentLogger, timeZoneOf: utcForEveryone, clock });

    before(async () => {
      db = await driver.create();
      built = buildApp(db.handle, { clock });
    });
    beforeEach(async () => {
      // Each test counts only its own firings: what earlier tests left pending never fires.
      await db.handle.db.execute(sql`update reminders set state = 'cancelled' where state = 'pending'`);
      clock.set("2026-12-01T08:00:00Z");
      rec = recordingNotifier();
      scheduler = newScheduler();
    });
    after(() => db.dispose());

    test("add, list and remove reminders; bad input is a clear 4xx and stores nothing", async () => {
      const alice = await signUp(built.app);
      const task = (await alice.post("/api/tasks", { title: "Call mom", dueDate: "2026-12-06" })).body;
      const base = `/api/tasks/${task.id}/reminders`;

      const at = await alice.post(base, { at: "2026-12-06T18:00:00+01:00" });
      assert.equal(at.status, 201, at.text);
      assert.equal(at.body.fireAt, "2026-12-06T17:00:00.000Z");
      assert.equal(at.body.state, "pending");
      const before30 = await alice.post(base, { minutesBefore: 30 });
      assert.equal(before30.body.fireAt, "2026-12-06T08:30:00.000Z");
      const dayBefore = await alice.post(base, { daysBefore: 1, time: "09:00" });
      assert.equal(dayBefore.body.fireAt, "2026-12-05T09:00:00.000Z");

      for (const [body, field] of [
        [{ at: "tomorrow" }, "at"],
        [{ minutesBefore: -5 }, "minutesBefore"],
        [{ daysBefore: 1, time: "25:00" }, "time"],
        [{ minutesBefore: 10, at: "2026-12-06T18:00:00Z" }, undefined],
        [{}, undefined],
      ] as const) {
        const res = await alice.post(base, body);
        assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
        assert.equal(res.body.error.code, "validation_error");
        if (field) assert.match(res.text, new RegExp(field));
      }
      const past = await alice.post(base, { at: "2026-11-30T08:00:00Z" });
      assert.equal(past.status, 400);
      assert.match(past.body.error.message, /passed/);
      const undated = (await alice.post("/api/tasks", { title: "Someday" })).body;
      const relative = await alice.post(`/api/tasks/${undated.id}/reminders`, { minutesBefore: 60 });
      assert.equal(relative.status, 400);
      assert.match(relative.body.error.message, /no due date/);
      assert.equal((await alice.post("/api/tasks/8d6f1c1e-0000-4000-8000-000000000000/reminders", { minutesBefore: 5 })).status, 404);
      assert.equal((await alice.post("/api/tasks/not-a-uuid/reminders", { minutesBefore: 5 })).status, 400);

      const listed = await alice.get(base);
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.map((r: { id: string }) => r.id),
        [at.body.id, before30.body.id, dayBefore.body.id],
      );
      assert.equal((await alice.delete(`${base}/${before30.body.id}`)).status, 204);
      assert.equal((await alice.delete(`${base}/${before30.body.id}`)).status, 404);
      assert.equal((await alice.get(base)).body.length, 2);
    });

    test("the tasks list carries each task's next pending reminder (nextReminderAt), the owner's only", async () => {
      const alice = await signUp(built.app);
      const bob = await signUp(built.app);
      const reminded = (await alice.post("/api/tasks", { title: "Pay rent", dueDate: "2026-12-06", dueTime: "18:00", timeZone: "UTC" })).body;
      const plain = (await alice.post("/api/tasks", { title: "Read a book", dueDate: "2026-12-06" })).body;
      const later = (await alice.post(`/api/tasks/${reminded.id}/reminders`, { minutesBefore: 10 })).body;
      const sooner = (await alice.post(`/api/tasks/${reminded.id}/reminders`, { minutesBefore: 60 })).body;
      const bobTask = (await bob.post("/api/tasks", { title: "Bob's errand", dueDate: "2026-12-06" })).body;
      await bob.post(`/api/tasks/${bobTask.id}/reminders`, { minutesBefore: 5 });

      const listed = async () => {
        const page = await alice.get("/api/tasks?limit=50");
        assert.equal(page.status, 200, page.text);
        return new Map(page.body.tasks.map((t: { id: string; nextReminderAt: string | null }) => [t.id, t.nextReminderAt]));
      };
      let next = await listed();
      assert.equal(next.get(reminded.id), "2026-12-06T17:00:00.000Z", "the earliest pending one");
      assert.equal(next.get(plain.id), null);
      assert.equal(next.has(bobTask.id), false, "another person's task (and its reminder) is never listed");

      // Removing the soonest moves it on; removing the last clears it; a dismissed one is not pending.
      await alice.delete(`/api/tasks/${reminded.id}/reminders/${sooner.id}`);
      assert.equal((await listed()).get(reminded.id), "2026-12-06T17:50:00.000Z");
      await alice.post(`/api/reminders/${later.id}/dismiss`, {});
      next = await listed();
      assert.equal(next.get(reminded.id), null);
      const bobs = (await bob.get("/api/tasks")).body.tasks;
      assert.equal(bobs.length, 1);
      assert.equal(bobs[0].nextReminderAt, "2026-12-06T08:55:00.000Z", "Bob's list carries his own reminder");
    });

    test("the scheduler fires each due reminder once, at its time and not before", async () => {
      const alice = await signUp(built.app);
      const task = (await alice.post("/api/tasks", { title: "Water plants", dueDate: "2026-12-02" })).body;
      const r = (await alice.post(`/api/tasks/${task.id}/reminders`, { minutesBefore: 15 })).body;
      assert.equal(r.fireAt, "2026-12-02T08:45:00.000Z");

      clock.set("2026-12-02T08:44:59Z");
      assert.equal(await scheduler.runDue(), 0);
      clock.set("2026-12-02T08:45:00Z");
      assert.equal(await scheduler.runDue(), 1);
      assert.equal(await scheduler.runDue(), 0, "fired once only");
      assert.equal(rec.sent.length, 1);
      const [{ userId, n }] = rec.sent as [{ userId: string; n: ReminderNotification }];
      assert.equal(userId, alice.userId);
      assert.deepEqual(n, {
        reminderId: r.id,
        taskId: task.id,
        title: "Water plants",
        body: "Due 2 Dec, 09:00",
        dueAt: "2026-12-02T09:00:00.000Z",
        fireAt: "2026-12-02T08:45:00.000Z",
        late: false,
      });
      const [stored] = (await alice.get(`/api/tasks/${task.id}/reminders`)).body;
      assert.equal(stored.state, "fired");
      assert.equal(stored.firedAt, "2026-12-02T08:45:00.000Z");
      assert.equal(stored.late, false);
    });

    test("a reminder that fell due while every replica was down fires on start, marked late", async () => {
      const alice = await signUp(built.app);
      const task = (await alice.post("/api/tasks", { title: "Pay rent", dueDate: "2026-12-03" })).body;
      const early = (await alice.post(`/api/tasks/${task.id}/reminders`, { at: "2026-12-03T07:00:00Z" })).body;
      const onTime = (await alice.post(`/api/tasks/${task.id}/reminders`, { at: "2026-12-03T09:59:30Z" })).body;
      // Every replica is down from 06:00 to 10:00; a new one starts (a fresh scheduler on a new connection).
      clock.set("2026-12-03T10:00:00Z");
      const restarted = newScheduler(db.reopen());
      assert.equal(await restarted.runDue(), 2);
      const byId = new Map(rec.sent.map((s) => [s.n.reminderId, s.n]));
      assert.equal(byId.get(early.id)?.late, true);
      assert.equal(byId.get(onTime.id)?.late, false, "30 s after its time is not late");
      const stored = (await alice.get(`/api/tasks/${task.id}/reminders`)).body;
      assert.deepEqual(
        stored.map((r: { late: boolean; state: string }) => [r.state, r.late]),
        [
          ["fired", true],
          ["fired", false],
        ],
      );
    });

    test("re-planned when the task's due date changes, and cancelled when it is completed or deleted", async () => {
      const alice = await signUp(built.app);
      const task = (await alice.post("/api/tasks", { title: "Dentist", dueDate: "2026-12-10" })).body;
      const base = `/api/tasks/${task.id}/reminders`;
      const rel = (await alice.post(base, { minutesBefore: 60 })).body;
      const abs = (await alice.post(base, { at: "2026-12-09T12:00:00Z" })).body;

      await alice.patch(`/api/tasks/${task.id}`, { dueDate: "2026-12-12" });
      let list = (await alice.get(base)).body;
      assert.equal(list[0].fireAt, "2026-12-12T08:00:00.000Z", "the relative one follows the due date");
      assert.equal(list[1].fireAt, abs.fireAt, "the absolute one stays");

      // Fires, then the task is rescheduled: the relative reminder is armed again for the new date.
      clock.set("2026-12-12T08:00:00Z");
      assert.equal(await scheduler.runDue(), 2);
      await alice.patch(`/api/tasks/${task.id}`, { dueDate: "2026-12-19" });
      list = (await alice.get(base)).body;
      assert.deepEqual([list[0].state, list[0].fireAt], ["pending", "2026-12-19T08:00:00.000Z"]);
      assert.equal(list[1].state, "fired", "an absolute reminder that fired stays fired");

      // No due date: the relative one has no time and does not fire.
      await alice.patch(`/api/tasks/${task.id}`, { dueDate: null });
      assert.equal((await alice.get(base)).body[0].fireAt, null);
      await alice.patch(`/api/tasks/${task.id}`, { dueDate: "2026-12-20" });

      await alice.patch(`/api/tasks/${task.id}`, { completed: true });
      list = (await alice.get(base)).body;
      assert.equal(list[0].id, rel.id);
      assert.equal(list[0].state, "suspended", "held while the task is done");
      clock.set("2026-12-25T00:00:00Z");
      const sentBefore = rec.sent.length;
      assert.equal(await scheduler.runDue(), 0);
      assert.equal(rec.sent.length, sentBefore);
      assert.equal((await alice.post(base, { minutesBefore: 5 })).status, 400, "no new reminder on a completed task");

      const other = (await alice.post("/api/tasks", { title: "Gym", dueDate: "2026-12-28" })).body;
      await alice.post(`/api/tasks/${other.id}/reminders`, { minutesBefore: 10 });
      assert.equal((await alice.delete(`/api/tasks/${other.id}`)).status, 204);
      // Deleting moves the task to the Trash: its reminders stay, held (and go with the task when the Trash is purged).
      const left = await db.handle.db.execute(sql`select state from reminders where task_id = ${other.id}`);
      assert.deepEqual(
        (left as unknown as { rows: { state: string }[] }).rows.map((r) => r.state),
        ["suspended"],
        "a deleted task's reminders are held",
      );
      clock.set("2026-12-28T12:00:00Z");
      assert.equal(await scheduler.runDue(), 0);
    });

    test("snooze fires a reminder again later; dismiss stops one still to fire", async () => {
      const alice = await signUp(built.app);
      const task = (await alice.post("/api/tasks", { title: "Stretch", dueDate: "2026-12-04" })).body;
      const r = (await alice.post(`/api/tasks/${task.id}/reminders`, { minutesBefore: 0 })).body;
      clock.set("2026-12-04T09:00:00Z");
      assert.equal(await scheduler.runDue(), 1);

      const badSnooze = await alice.post(`/api/reminders/${r.id}/snooze`, { until: "2026-12-04T08:00:00Z" });
      assert.equal(badSnooze.status, 400);
      assert.equal(badSnooze.body.error.field, "until");
      const snoozed = await alice.post(`/api/reminders/${r.id}/snooze`, { until: "2026-12-04T09:10:00Z" });
      assert.equal(snoozed.status, 200, snoozed.text);
      assert.deepEqual([snoozed.body.state, snoozed.body.fireAt], ["pending", "2026-12-04T09:10:00.000Z"]);
      // A change to the task does not undo the snooze.
      await alice.patch(`/api/tasks/${task.id}`, { priority: "high" });
      clock.set("2026-12-04T09:09:00Z");
      assert.equal(await scheduler.runDue(), 0);
      clock.set("2026-12-04T09:10:00Z");
      assert.equal(await scheduler.runDue(), 1);
      assert.equal(rec.sent.filter((s) => s.n.reminderId === r.id).length, 2);

      await alice.post(`/api/reminders/${r.id}/snooze`, { until: "2026-12-04T09:30:00Z" });
      const dismissed = await alice.post(`/api/reminders/${r.id}/dismiss`);
      assert.equal(dismissed.status, 200);
      assert.equal(dismissed.body.state, "cancelled");
      clock.set("2026-12-04T10:00:00Z");
      assert.equal(await scheduler.runDue(), 0);
      assert.equal((await alice.post("/api/reminders/8d6f1c1e-0000-4000-8000-000000000000/dismiss")).status, 404);
    });

    test("isolation: nobody sees, adds, removes, snoozes or dismisses another person's reminders, and each is told only of their own", async () => {
      const alice = await signUp(built.app);
      const bob = await signUp(built.app);
      const task = (await alice.post("/api/tasks", { title: "Secret plan", dueDate: "2026-12-05" })).body;
      const r = (await alice.post(`/api/tasks/${task.id}/reminders`, { minutesBefore: 5 })).body;
      const base = `/api/tasks/${task.id}/reminders`;
      for (const res of [
        await bob.get(base),
        await bob.post(base, { minutesBefore: 1 }),
        await bob.delete(`${base}/${r.id}`),
        await bob.post(`/api/reminders/${r.id}/snooze`, { until: "2026-12-30T00:00:00Z" }),
        await bob.post(`/api/reminders/${r.id}/dismiss`),
      ]) {
        assert.equal(res.status, 404, res.text);
        assert.doesNotMatch(res.text, /Secret plan/);
      }
      const bobTask = (await bob.post("/api/tasks", { title: "Bob's", dueDate: "2026-12-05" })).body;
      assert.equal((await bob.delete(`/api/tasks/${bobTask.id}/reminders/${r.id}`)).status, 404, "not through his own task either");
      assert.equal((await alice.get(base)).body[0].state, "pending");
      assert.equal((await new Client(built.app).get(base)).status, 401);

      clock.set("2026-12-05T09:00:00Z");
      await scheduler.runDue();
      assert.deepEqual(
        rec.sent.filter((s) => s.n.reminderId === r.id).map((s) => s.userId),
        [alice.userId],
      );
    });

    test("two schedulers on one database fire 1,000 reminders due in the same minute exactly once each", async () => {
      const alice = await signUp(built.app);
      const task = (await alice.post("/api/tasks", { title: "Many", dueDate: "2026-12-07" })).body;
      await db.handle.db.execute(sql`
        insert into reminders (user_id, task_id, spec, fire_at)
        select ${alice.userId}, ${task.id}, '{"at":"2026-12-07T08:00:00Z"}'::jsonb,
               timestamptz '2026-12-07T08:00:00Z' + (i % 60) * interval '1 second'
          from generate_series(1, 1000) as i`);
      clock.set("2026-12-07T08:01:00Z");
      const a = newScheduler(db.reopen());
      const b = newScheduler(db.reopen());
      const [fa, fb] = await Promise.all([a.runDue(), b.runDue()]);
      assert.equal(fa + fb, 1000);
      const ids = rec.sent.filter((s) => s.n.taskId === task.id).map((s) => s.n.reminderId);
      assert.equal(ids.length, 1000, "notified 1,000 times");
      assert.equal(new Set(ids).size, 1000, "once per reminder");
      const counted = await db.handle.db.execute(sql`select count(*)::int as n from reminders where task_id = ${task.id} and state = 'fired'`);
      assert.equal((counted as unknown as { rows: { n: number }[] }).rows[0]!.n, 1000);
    });

    test("a replica that dies holding a claim: another takes the reminder over once the claim runs out", async () => {
      const alice = await signUp(built.app);
      const task = (await alice.post("/api/tasks", { title: "Handover", dueDate: "2026-12-08" })).body;
      const r = (await alice.post(`/api/tasks/${task.id}/reminders`, { at: "2026-12-08T10:00:00Z" })).body;
      clock.set("2026-12-08T10:00:00Z");
      // A replica claims it and dies before delivering (its notify never returns).
      const dying = new ReminderScheduler({
        repo: new ReminderRepository(db.handle.db),
        notifier: { notify: () => new Promise(() => undefined) },
        logger: silentLogger,
        timeZoneOf: utcForEveryone,
        clock,
      });
      void dying.runDue();
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 50 && rec.sent.length === 0; i++) {
        const held = await db.handle.db.execute(sql`select claimed_until from reminders where id = ${r.id}`);
        if ((held as unknown as { rows: { claimed_until: unknown }[] }).rows[0]!.claimed_until) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(await scheduler.runDue(), 0, "held by the other replica's claim");
      clock.advance(scheduler.options.leaseMs + 1);
      assert.equal(await scheduler.runDue(), 1, "taken over after the lease");
      assert.equal(rec.sent.filter((s) => s.n.reminderId === r.id).length, 1);
    });

    test("the assistant sets reminders: at a time when adding, relative to the task it just named", async () => {
      const alice = await signUp(built.app);
      // 2026-12-01 is a Tuesday; "sunday at 6" is 6 December 18:00 in Paris (17:00Z).
      const first = await alice.post("/api/chat", { message: "remind me to call mom on sunday at 6", timeZone: "Europe/Paris" });
      assert.equal(first.status, 200, first.text);
      assert.match(first.body.reply, /Call mom/);
      const task = (await alice.get("/api/tasks/me")).body.find((t: { title: string }) => t.title === "Call mom");
      assert.equal(task.dueDate, "2026-12-06");
      let list = (await alice.get(`/api/tasks/${task.id}/reminders`)).body;
      assert.deepEqual(
        list.map((r: { spec: unknown; fireAt: string }) => [r.spec, r.fireAt]),
        [[{ at: "2026-12-06T17:00:00.000Z" }, "2026-12-06T17:00:00.000Z"]],
      );
      const second = await alice.post("/api/chat", {
        message: "remind me an hour before",
        timeZone: "Europe/Paris",
        conversationId: first.body.conversationId,
      });
      assert.equal(second.status, 200, second.text);
      list = (await alice.get(`/api/tasks/${task.id}/reminders`)).body;
      assert.deepEqual(list[1].spec, { minutesBefore: 60 });
      assert.equal(list[1].fireAt, "2026-12-06T08:00:00.000Z", "an hour before 09:00 UTC on the due date (due times and zones land later)");
    });

    test("MCP: add_task and update_task take reminders; a bad one changes nothing; another person's task is out of reach", async () => {
      const alice = await signUp(built.app);
      const bob = await signUp(built.app);
      const mcp = await connectMcp(built.app, alice.token!);
      const added = toolText(
        await mcp.callTool({
          name: "add_task",
          arguments: { title: "Renew passport", dueDate: "2026-12-09", reminders: [{ minutesBefore: 30 }, { daysBefore: 1, time: "18:00" }] },
        }),
      );
      assert.equal(added.isError, false, added.text);
      assert.match(added.text, /reminds 9 Dec, 08:30 UTC, 8 Dec, 18:00 UTC/);
      assert.equal(added.structured.reminders.length, 2);
      const n = added.structured.task.number;

      const bad = toolText(await mcp.callTool({ name: "add_task", arguments: { title: "Undated", reminders: [{ minutesBefore: 30 }] } }));
      assert.equal(bad.isError, true);
      assert.equal(bad.structured.error.code, "validation_error");
      assert.ok(!(await alice.get("/api/tasks/me")).body.some((t: { title: string }) => t.title === "Undated"), "no task was added");

      const updated = toolText(await mcp.callTool({ name: "update_task", arguments: { number: n, reminders: [{ at: "2026-12-08T07:00:00Z" }] } }));
      assert.equal(updated.isError, false, updated.text);
      assert.equal((await alice.get(`/api/tasks/${added.structured.task.id}/reminders`)).body.length, 3);
      const nothing = toolText(await mcp.callTool({ name: "update_task", arguments: { number: n } }));
      assert.equal(nothing.isError, true);

      const bobMcp = await connectMcp(built.app, bob.token!);
      const reach = toolText(await bobMcp.callTool({ name: "update_task", arguments: { number: n, reminders: [{ minutesBefore: 5 }] } }));
      assert.equal(reach.isError, true);
      assert.equal(reach.structured.error.code, "not_found");
      assert.equal((await alice.get(`/api/tasks/${added.structured.task.id}/reminders`)).body.length, 3, "Bob added nothing to Alice's task");
    });

    test("the OpenAPI document describes the reminder routes", async () => {
      const doc = await new Client(built.app).get("/api/openapi.json");
      assert.equal(doc.status, 200);
      for (const path of ["/api/tasks/{id}/reminders", "/api/tasks/{id}/reminders/{reminderId}", "/api/reminders/{id}/snooze", "/api/reminders/{id}/dismiss"]) {
        assert.ok(doc.body.paths[path], `documents ${path}`);
      }
    });
  });
}
