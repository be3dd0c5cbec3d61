/**
 * Changing the time zone setting re-plans: the person's open tasks meant in their old zone keep their
 * local wall time in the new one (floating), their instants and reminders move with them, in the same
 * transaction; tasks given another zone, and every other person's tasks, stay as they were.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildApp, drivers, signUp, type TestDatabase } from "../../test/support.ts";

for (const driver of drivers) {
  describe(`changing the time zone on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    const now = new Date("2026-11-30T10:30:00Z");

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle, { clock: () => now }).app;
    });
    after(() => db.dispose());

    test("tasks in the old zone keep 09:00 local in the new one, with their reminders; another zone and another person stay", async () => {
      const me = await signUp(app);
      const other = await signUp(app, "Other Person");
      for (const person of [me, other]) assert.equal((await person.patch("/api/me/settings", { timeZone: "Europe/Berlin" })).status, 200);

      const standup = (await me.post("/api/tasks", { title: "Standup", dueDate: "2026-12-07T09:00", repeat: "FREQ=WEEKLY;BYDAY=MO" })).body;
      assert.equal(standup.dueAt, "2026-12-07T08:00:00.000Z");
      const tokyo = (await me.post("/api/tasks", { title: "Call Tokyo", dueDate: "2026-12-08", dueTime: "10:00", timeZone: "Asia/Tokyo" })).body;
      const allDay = (await me.post("/api/tasks", { title: "Pay rent", dueDate: "2026-12-10" })).body;
      const theirs = (await other.post("/api/tasks", { title: "Their standup", dueDate: "2026-12-07T09:00" })).body;

      const soon = (await me.post(`/api/tasks/${standup.id}/reminders`, { minutesBefore: 30 })).body;
      assert.equal(soon.fireAt, "2026-12-07T07:30:00.000Z");
      const eve = (await me.post(`/api/tasks/${allDay.id}/reminders`, { daysBefore: 1, time: "09:00" })).body;
      assert.equal(eve.fireAt, "2026-12-09T08:00:00.000Z");
      const theirReminder = (await other.post(`/api/tasks/${theirs.id}/reminders`, { minutesBefore: 15 })).body;

      const changed = await me.patch("/api/me/settings", { timeZone: "America/New_York" });
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual(changed.body, { timeZone: "America/New_York" });

      const moved = (await me.get(`/api/tasks/${standup.id}`)).body;
      assert.equal(moved.timeZone, "America/New_York");
      assert.equal(moved.dueDate, "2026-12-07");
      assert.equal(moved.dueTime, "09:00", "the wall time stays");
      assert.equal(moved.dueAt, "2026-12-07T14:00:00.000Z", "09:00 in New York");
      assert.equal(moved.repeat, standup.repeat, "the rule stays");
      const reminderOf = async (taskId: string) => (await me.get(`/api/tasks/${taskId}/reminders`)).body[0];
      assert.equal((await reminderOf(standup.id)).fireAt, "2026-12-07T13:30:00.000Z", "30 minutes before the new instant");
      assert.equal((await reminderOf(allDay.id)).fireAt, "2026-12-09T14:00:00.000Z", "09:00 the day before, in the new zone");

      const kept = (await me.get(`/api/tasks/${tokyo.id}`)).body;
      assert.equal(kept.timeZone, "Asia/Tokyo", "a task given its own zone keeps it");
      assert.equal(kept.dueAt, tokyo.dueAt);

      const untouched = (await other.get(`/api/tasks/${theirs.id}`)).body;
      assert.equal(untouched.timeZone, "Europe/Berlin", "another person's task is not moved");
      assert.equal(untouched.dueAt, "2026-12-07T08:00:00.000Z");
      assert.equal((await other.get(`/api/tasks/${theirs.id}/reminders`)).body[0].fireAt, theirReminder.fireAt);
      assert.deepEqual((await other.get("/api/me/settings")).body, { timeZone: "Europe/Berlin" });

      // Completing it now moves it on in the new zone.
      const next = (await me.patch(`/api/tasks/${standup.id}`, { completed: true })).body;
      assert.equal(next.dueAt, "2026-12-14T14:00:00.000Z");
    });

    test("a wall time the new zone skips for DST moves forward by the gap; one on the other side of DST keeps its offset", async () => {
      const me = await signUp(app);
      assert.equal((await me.patch("/api/me/settings", { timeZone: "Europe/Berlin" })).status, 200);
      // New York springs forward on 14 March 2027 (02:00 → 03:00); Berlin only on 28 March.
      const gap = (await me.post("/api/tasks", { title: "Night shift", dueDate: "2027-03-14T02:30" })).body;
      assert.equal(gap.dueAt, "2027-03-14T01:30:00.000Z");
      const summer = (await me.post("/api/tasks", { title: "Spring review", dueDate: "2027-03-20T09:00" })).body;
      assert.equal(summer.dueAt, "2027-03-20T08:00:00.000Z", "Berlin still on CET");
      const done = (await me.post("/api/tasks", { title: "Old one", dueDate: "2026-12-01T09:00" })).body;
      await me.patch(`/api/tasks/${done.id}`, { completed: true });

      assert.equal((await me.patch("/api/me/settings", { timeZone: "America/New_York" })).status, 200);
      const skipped = (await me.get(`/api/tasks/${gap.id}`)).body;
      assert.equal(skipped.dueTime, "02:30");
      assert.equal(skipped.dueAt, "2027-03-14T07:30:00.000Z", "02:30 does not exist that night: 03:30 EDT");
      assert.equal((await me.get(`/api/tasks/${summer.id}`)).body.dueAt, "2027-03-20T13:00:00.000Z", "09:00 EDT (UTC-4)");
      const old = (await me.get(`/api/tasks/${done.id}`)).body;
      assert.equal(old.timeZone, "Europe/Berlin", "a completed task keeps the zone it was done in");
    });

    test("a zone that is not IANA is refused and nothing moves", async () => {
      const me = await signUp(app);
      assert.equal((await me.patch("/api/me/settings", { timeZone: "Europe/Berlin" })).status, 200);
      const task = (await me.post("/api/tasks", { title: "Standup", dueDate: "2026-12-07T09:00" })).body;
      const bad = await me.patch("/api/me/settings", { timeZone: "Mars/Olympus" });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /IANA time zone/);
      assert.equal((await me.get(`/api/tasks/${task.id}`)).body.dueAt, task.dueAt);
      assert.deepEqual((await me.get("/api/me/settings")).body, { timeZone: "Europe/Berlin" });
    });
  });
}
