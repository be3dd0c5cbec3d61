/**
 * Due times, time-zone settings and repeating tasks through the REST API, on PGlite and PostgreSQL,
 * with a fake clock: the API stays backward compatible, dueAt is derived in the task's zone, completing
 * a repeating task records it and moves the same task on, and one person never sees another's settings.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { taskCompletions } from "../db/schema.ts";
import { buildApp, Client, drivers, signUp, type TestDatabase } from "../../test/support.ts";

for (const driver of drivers) {
  describe(`due times and recurrence on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    let now = new Date("2026-11-30T10:30:00Z");

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle, { clock: () => now }).app;
    });
    after(() => db.dispose());

    test("a date stays all day as before; a date-time or dueTime adds a local time in the person's zone", async () => {
      const me = await signUp(app);
      assert.deepEqual((await me.get("/api/me/settings")).body, { timeZone: null });
      const allDay = await me.post("/api/tasks", { title: "Pay rent", dueDate: "2026-12-01" });
      assert.equal(allDay.status, 201);
      assert.equal(allDay.body.dueDate, "2026-12-01");
      assert.equal(allDay.body.dueTime, null);
      assert.equal(allDay.body.dueAt, null);
      assert.equal(allDay.body.timeZone, null);

      assert.equal((await me.patch("/api/me/settings", { timeZone: "Europe/Berlin" })).status, 200);
      const timed = await me.post("/api/tasks", { title: "Call Bob", dueDate: "2026-12-07T17:00" });
      assert.equal(timed.status, 201);
      assert.equal(timed.body.dueDate, "2026-12-07");
      assert.equal(timed.body.dueTime, "17:00");
      assert.equal(timed.body.timeZone, "Europe/Berlin");
      assert.equal(timed.body.dueAt, "2026-12-07T16:00:00.000Z");

      const ny = await me.post("/api/tasks", { title: "Standup", dueDate: "2026-07-01", dueTime: "09:30", timeZone: "America/New_York" });
      assert.equal(ny.body.dueAt, "2026-07-01T13:30:00.000Z", "a zone given with the task wins over the setting");

      const moved = await me.patch(`/api/tasks/${timed.body.id}`, { dueTime: "08:15" });
      assert.equal(moved.body.dueAt, "2026-12-07T07:15:00.000Z");
      const cleared = await me.patch(`/api/tasks/${timed.body.id}`, { dueTime: null });
      assert.equal(cleared.body.dueTime, null);
      assert.equal(cleared.body.dueAt, null);
      assert.equal(cleared.body.dueDate, "2026-12-07");
    });

    test("completing a repeating task moves it and its relative reminders to the next occurrence; undo puts both back exactly", async () => {
      const me = await signUp(app);
      assert.equal((await me.patch("/api/me/settings", { timeZone: "Europe/Berlin" })).status, 200);
      const task = (await me.post("/api/tasks", { title: "Team sync", dueDate: "2026-12-07T17:00", repeat: "FREQ=WEEKLY" })).body;
      assert.equal(task.dueAt, "2026-12-07T16:00:00.000Z");
      const base = `/api/tasks/${task.id}/reminders`;
      const soon = await me.post(base, { minutesBefore: 30 });
      assert.equal(soon.status, 201, soon.text);
      assert.equal(soon.body.fireAt, "2026-12-07T15:30:00.000Z");
      const eve = await me.post(base, { daysBefore: 1, time: "09:00" });
      assert.equal(eve.body.fireAt, "2026-12-06T08:00:00.000Z", "09:00 the day before, in the person's zone");
      const fireTimes = async () => ((await me.get(base)).body as { fireAt: string }[]).map((r) => r.fireAt).sort();
      const completions = () => db.handle.db.select().from(taskCompletions).where(eq(taskCompletions.taskId, task.id));

      const done = await me.patch(`/api/tasks/${task.id}`, { completed: true });
      assert.equal(done.status, 200, done.text);
      assert.equal(done.body.completed, false, "a repeating task stays open");
      assert.equal(done.body.dueDate, "2026-12-14");
      assert.equal(done.body.dueTime, "17:00");
      assert.equal(done.body.dueAt, "2026-12-14T16:00:00.000Z");
      assert.deepEqual(await fireTimes(), ["2026-12-13T08:00:00.000Z", "2026-12-14T15:30:00.000Z"], "relative reminders follow the next occurrence");
      assert.equal((await completions()).length, 1);

      const undone = await me.post("/api/changes/undo");
      assert.equal(undone.status, 200, undone.text);
      assert.equal(undone.body.op, "complete");
      const back = (await me.get(`/api/tasks/${task.id}`)).body;
      for (const field of ["dueDate", "dueTime", "timeZone", "dueAt", "repeat", "completed", "completedAt"]) {
        assert.deepEqual(back[field], task[field], `undo restores ${field}`);
      }
      assert.deepEqual(await fireTimes(), ["2026-12-06T08:00:00.000Z", "2026-12-07T15:30:00.000Z"], "and the reminders with it");
      assert.equal((await completions()).length, 0, "the undone occurrence is not recorded");
    });

    test("a bulk due date change moves each task's instant in its own zone", async () => {
      const me = await signUp(app);
      const berlin = (await me.post("/api/tasks", { title: "bulk a", dueDate: "2026-12-07", dueTime: "17:00", timeZone: "Europe/Berlin", tags: ["bulk"] }))
        .body;
      const ny = (await me.post("/api/tasks", { title: "bulk b", dueDate: "2026-12-07", dueTime: "09:00", timeZone: "America/New_York", tags: ["bulk"] })).body;
      const res = await me.post("/api/tasks/bulk", { filter: { tag: "bulk" }, changes: { dueDate: "2027-01-04" } });
      assert.equal(res.status, 200, res.text);
      assert.equal((await me.get(`/api/tasks/${berlin.id}`)).body.dueAt, "2027-01-04T16:00:00.000Z");
      assert.equal((await me.get(`/api/tasks/${ny.id}`)).body.dueAt, "2027-01-04T14:00:00.000Z");
      assert.equal((await me.post("/api/changes/undo")).status, 200);
      assert.equal((await me.get(`/api/tasks/${berlin.id}`)).body.dueAt, berlin.dueAt);
      assert.equal((await me.get(`/api/tasks/${ny.id}`)).body.dueAt, ny.dueAt);
    });

    test("bad times, zones and rules answer 400 naming the field, and store nothing", async () => {
      const me = await signUp(app);
      const cases: [unknown, string][] = [
        [{ title: "x", dueDate: "2026-12-07T25:00" }, "dueDate"],
        [{ title: "x", dueDate: "2026-12-07T17:00:00Z" }, "dueDate"],
        [{ title: "x", dueDate: "2026-12-07", dueTime: "5pm" }, "dueTime"],
        [{ title: "x", dueTime: "17:00" }, "dueTime"],
        [{ title: "x", dueDate: "2026-12-07", timeZone: "Mars/Olympus" }, "timeZone"],
        [{ title: "x", repeat: "every day" }, "repeat"],
        [{ title: "x", repeat: "FREQ=HOURLY" }, "repeat"],
        [{ title: "x", repeat: "FREQ=DAILY;BYHOUR=9" }, "repeat"],
      ];
      for (const [body, field] of cases) {
        const res = await me.post("/api/tasks", body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, "validation_error");
        assert.equal(res.body.error.field, field, JSON.stringify(body));
      }
      assert.deepEqual((await me.get("/api/tasks/me")).body, []);
      const badZone = await me.patch("/api/me/settings", { timeZone: "Not/AZone" });
      assert.equal(badZone.status, 400);
      assert.equal(badZone.body.error.field, "timeZone");
      assert.equal((await me.patch("/api/me/settings", { timeZone: "UTC", extra: 1 })).status, 400);
      assert.deepEqual((await me.get("/api/me/settings")).body, { timeZone: null }, "nothing stored");
    });

    test("completing a repeating task records it and moves the same task on; reschedule keeps the rule; stop ends it", async () => {
      now = new Date("2026-12-04T10:00:00Z"); // a Friday
      const me = await signUp(app);
      await me.patch("/api/me/settings", { timeZone: "Europe/Berlin" });
      const created = await me.post("/api/tasks", {
        title: "Standup",
        dueDate: "2026-12-04T09:00",
        repeat: "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        tags: ["work"],
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.repeat, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
      assert.equal(created.body.repeatText, "every weekday at 09:00");

      const done = await me.patch(`/api/tasks/${created.body.id}`, { completed: true });
      assert.equal(done.status, 200);
      assert.equal(done.body.id, created.body.id);
      assert.equal(done.body.number, created.body.number, "the same task, so its number carries over");
      assert.deepEqual(done.body.tags, ["work"]);
      assert.equal(done.body.completed, false);
      assert.equal(done.body.dueDate, "2026-12-07", "Friday → Monday");
      assert.equal(done.body.dueAt, "2026-12-07T08:00:00.000Z");

      const rescheduled = await me.patch(`/api/tasks/${created.body.id}`, { dueDate: "2026-12-08T10:00" });
      assert.equal(rescheduled.body.repeat, created.body.repeat, "rescheduling one occurrence keeps the rule");
      const again = await me.patch(`/api/tasks/${created.body.id}`, { completed: true });
      assert.equal(again.body.dueDate, "2026-12-09");

      const stopped = await me.patch(`/api/tasks/${created.body.id}`, { repeat: null });
      assert.equal(stopped.body.repeat, null);
      assert.equal(stopped.body.repeatText, null);
      const finished = await me.patch(`/api/tasks/${created.body.id}`, { completed: true });
      assert.equal(finished.body.completed, true, "without a rule, completing completes");
    });

    test("a rule without a date starts at its first occurrence from today; COUNT ends it", async () => {
      now = new Date("2026-11-30T10:00:00Z"); // Monday
      const me = await signUp(app);
      const monthly = await me.post("/api/tasks", { title: "Rent", repeat: "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=2" });
      assert.equal(monthly.body.dueDate, "2026-12-01");
      const first = await me.patch(`/api/tasks/${monthly.body.id}`, { completed: true });
      assert.equal(first.body.dueDate, "2027-01-01");
      assert.match(first.body.repeat, /COUNT=1/);
      const last = await me.patch(`/api/tasks/${monthly.body.id}`, { completed: true });
      assert.equal(last.body.completed, true, "the last occurrence completes the task");
    });

    test("a person's time zone decides 'today': Kiritimati and Los Angeles at the same instant", async () => {
      now = new Date("2026-11-30T10:30:00Z");
      const kiri = await signUp(app);
      const la = await signUp(app);
      await kiri.patch("/api/me/settings", { timeZone: "Pacific/Kiritimati" });
      await la.patch("/api/me/settings", { timeZone: "America/Los_Angeles" });
      const kiriTask = await kiri.post("/api/tasks", { title: "Swim", repeat: "FREQ=DAILY" });
      const laTask = await la.post("/api/tasks", { title: "Swim", repeat: "FREQ=DAILY" });
      assert.equal(kiriTask.body.dueDate, "2026-12-01");
      assert.equal(laTask.body.dueDate, "2026-11-30");
    });

    test("the assistant works in the person's zone from their setting, keeps times and sets rules", async () => {
      now = new Date("2026-11-30T10:30:00Z");
      const kiri = await signUp(app);
      const la = await signUp(app);
      await kiri.patch("/api/me/settings", { timeZone: "Pacific/Kiritimati" });
      await la.patch("/api/me/settings", { timeZone: "America/Los_Angeles" });
      // The browser's zone in the request does not override a stored setting.
      const k = await kiri.post("/api/chat", { message: "add swim today", timeZone: "Europe/Paris" });
      const l = await la.post("/api/chat", { message: "add swim today" });
      assert.equal(k.body.toolCalls[0].result.task.dueDate, "2026-12-01");
      assert.equal(l.body.toolCalls[0].result.task.dueDate, "2026-11-30");

      const bob = await la.post("/api/chat", { message: "add call Bob at 5pm tomorrow" });
      const task = bob.body.toolCalls[0].result.task;
      assert.equal(task.dueTime, "17:00", "call Bob at 5pm tomorrow keeps 5pm");
      assert.equal(task.dueAt, "2026-12-02T01:00:00.000Z");
      assert.match(bob.body.reply, /17:00/);

      const standup = await la.post("/api/chat", { message: "add standup every weekday at 9" });
      const created = standup.body.toolCalls[0].result.task;
      assert.equal(created.repeatText, "every weekday at 09:00");
      assert.equal(created.dueDate, "2026-11-30");
      const done = await la.post("/api/chat", { message: "complete standup" });
      assert.equal(done.body.toolCalls[0].result.task.dueDate, "2026-12-01");
      assert.match(done.body.reply, /Next: tomorrow 09:00 \(every weekday at 09:00\)/);
      const stop = await la.post("/api/chat", { message: "stop repeating the standup" });
      assert.equal(stop.body.toolCalls[0].result.task.repeat, null);
    });

    test("settings and repeating tasks are the owner's only", async () => {
      const alice = await signUp(app);
      const bob = await signUp(app);
      await alice.patch("/api/me/settings", { timeZone: "Asia/Tokyo" });
      assert.deepEqual((await bob.get("/api/me/settings")).body, { timeZone: null });
      const task = await alice.post("/api/tasks", { title: "Secret", repeat: "FREQ=DAILY" });
      assert.equal((await bob.patch(`/api/tasks/${task.body.id}`, { completed: true })).status, 404);
      assert.equal((await bob.patch(`/api/tasks/${task.body.id}`, { repeat: null })).status, 404);
      assert.equal((await alice.get(`/api/tasks/${task.body.id}`)).body.repeat, "FREQ=DAILY");
      for (const [method, path] of [
        ["GET", "/api/me/settings"],
        ["PATCH", "/api/me/settings"],
      ] as const) {
        assert.equal((await new Client(app).call(method, path, method === "PATCH" ? { timeZone: "UTC" } : undefined)).status, 401);
      }
    });
  });
}
