/**
 * Reminder delivery through the real app on PGlite and PostgreSQL: notify() (the boundary the
 * reminders engine calls) stores a notification and its owner's open event streams get it, on
 * this app and on another app on the same database; a resumed stream gets what it missed; the
 * bell's REST routes; and isolation: another person's stream never gets it and they can neither
 * read, dismiss nor snooze it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { NOTIFICATION_EVENT, type Notification } from "@todo/contracts";
import { createApp } from "../app.ts";
import { OfflineLanguageModel } from "../chat/offline/offline.model.ts";
import type { DatabaseHandle } from "../db/client.ts";
import { SseReader } from "../../test/events.ts";
import { drivers, fromAddress, signUp, silentLogger, testConfig, type TestDatabase } from "../../test/support.ts";

type Built = ReturnType<typeof createApp>;
type Person = Awaited<ReturnType<typeof signUp>>;

function build(database: DatabaseHandle, extra: Partial<Parameters<typeof createApp>[0]> = {}): Built {
  return createApp({ config: testConfig(), database, logger: silentLogger, model: new OfflineLanguageModel(), ...extra });
}

/** Opens the person's notification stream on `built` and waits for its ready event (the replica listens). */
async function openStream(built: Built, person: Person, lastEventId?: string): Promise<SseReader> {
  const headers: Record<string, string> = { authorization: `Bearer ${person.token}` };
  if (lastEventId) headers["last-event-id"] = lastEventId;
  const res = await built.app.request("/api/notifications/stream", { headers }, fromAddress("203.0.113.7"));
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
  const reader = new SseReader(res);
  const ready = await reader.next();
  assert.equal(ready?.event, "ready");
  return reader;
}

async function received(reader: SseReader): Promise<Notification> {
  const e = await reader.nextNamed(NOTIFICATION_EVENT);
  assert.ok(e, "the stream ended before a notification came");
  const n = JSON.parse(e.data) as Notification;
  assert.equal(e.id, n.id, "the event id is the notification's id (for Last-Event-ID)");
  return n;
}

const reminder = (taskId: string, title: string) => ({
  reminderId: `rem-${title}`,
  fireAt: "2026-12-01T09:00:00.000Z",
  taskId,
  title,
  body: `Reminder: ${title}`,
  dueAt: "2026-03-01T10:00:00.000Z",
  late: false,
});

async function until(check: () => boolean) {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(check());
}

for (const driver of drivers) {
  describe(`notification delivery on ${driver.name}`, () => {
    let db: TestDatabase;
    let built: Built;
    let other: Built;
    let alice: Person;
    let bob: Person;
    let aliceTask: string;
    let bobTask: string;
    let now = new Date("2026-03-01T09:00:00.000Z");
    const snoozes: { userId: string; id: string; until: string }[] = [];

    before(async () => {
      db = await driver.create();
      built = build(db.handle, {
        clock: () => now,
        onSnooze: async (userId, n, at) => void snoozes.push({ userId, id: n.id, until: at.toISOString() }),
      });
      // A second replica: its own connections (its own pool on PostgreSQL) to the same database.
      other = build(db.reopen());
      alice = await signUp(built.app, "Alice");
      bob = await signUp(built.app, "Bob");
      aliceTask = (await alice.post("/api/tasks", { title: "Call mom" })).body.id;
      bobTask = (await bob.post("/api/tasks", { title: "Bob's own" })).body.id;
    });
    after(async () => {
      await built.notificationHub.close();
      await other.notificationHub.close();
      await db.dispose();
    });

    test("notify() reaches the owner's open stream and nobody else's; the bell lists it unread", async () => {
      const aliceStream = await openStream(built, alice);
      const bobStream = await openStream(built, bob);
      await built.notifier.notify(alice.userId, reminder(aliceTask, "Call mom"));
      const got = await received(aliceStream);
      assert.equal(got.title, "Call mom");
      assert.equal(got.body, "Reminder: Call mom");
      assert.equal(got.taskId, aliceTask);
      assert.equal(got.reminderId, "rem-Call mom");
      assert.equal(got.dueAt, "2026-03-01T10:00:00.000Z");
      assert.equal(got.late, false);
      assert.equal(got.readAt, null);

      // Bob's stream was open the whole time: the first notification it gets is his own, announced after Alice's.
      await built.notifier.notify(bob.userId, reminder(bobTask, "Bob's own"));
      assert.equal((await received(bobStream)).title, "Bob's own");

      const list = await alice.get("/api/notifications");
      assert.equal(list.status, 200);
      assert.equal(list.body.unread, 1);
      assert.deepEqual(
        list.body.notifications.map((n: Notification) => n.id),
        [got.id],
      );
      const bobs = await bob.get("/api/notifications");
      assert.deepEqual(
        bobs.body.notifications.map((n: Notification) => n.title),
        ["Bob's own"],
      );
      await aliceStream.close();
      await bobStream.close();
      await until(() => built.notificationHub.size === 0);
    });

    test("a notification made on one replica reaches a stream open on another", async () => {
      const onOther = await openStream(other, alice);
      await built.notifier.notify(alice.userId, reminder(aliceTask, "From replica one"));
      assert.equal((await received(onOther)).title, "From replica one");
      await other.notifier.notify(alice.userId, reminder(aliceTask, "From replica two"));
      assert.equal((await received(onOther)).title, "From replica two");
      await onOther.close();
    });

    test("a stream resumed with Last-Event-ID first gets what it missed, in order; another person's id replays nothing", async () => {
      const first = await openStream(built, alice);
      await built.notifier.notify(alice.userId, reminder(aliceTask, "Seen"));
      const seen = await received(first);
      await first.close();
      await built.notifier.notify(alice.userId, reminder(aliceTask, "Missed 1"));
      await built.notifier.notify(alice.userId, reminder(aliceTask, "Missed 2"));

      const resumed = await openStream(other, alice, seen.id);
      assert.equal((await received(resumed)).title, "Missed 1");
      assert.equal((await received(resumed)).title, "Missed 2");
      await built.notifier.notify(alice.userId, reminder(aliceTask, "Live again"));
      assert.equal((await received(resumed)).title, "Live again");
      await resumed.close();

      const nosy = await openStream(built, bob, seen.id);
      await built.notifier.notify(bob.userId, reminder(bobTask, "Bob live"));
      assert.equal((await received(nosy)).title, "Bob live", "Bob gets none of Alice's notifications by naming her event id");
      await nosy.close();
    });

    test("read, dismiss and snooze act on the owner's notification only", async () => {
      await built.notifier.notify(alice.userId, reminder(aliceTask, "Act on me"));
      const list = (await alice.get("/api/notifications")).body;
      const target = list.notifications.find((n: Notification) => n.title === "Act on me");
      const unread = list.unread;
      assert.ok(target);

      for (const res of [
        await bob.post(`/api/notifications/${target.id}/read`),
        await bob.post(`/api/notifications/${target.id}/dismiss`),
        await bob.post(`/api/notifications/${target.id}/snooze`, { minutes: 10 }),
      ]) {
        assert.equal(res.status, 404);
        assert.equal(res.body.error.code, "not_found");
      }
      assert.deepEqual((await alice.get("/api/notifications")).body, list, "Bob's attempts changed nothing");
      assert.equal(snoozes.length, 0);

      const read = await alice.post(`/api/notifications/${target.id}/read`);
      assert.equal(read.status, 200);
      assert.equal(read.body.readAt, now.toISOString());
      assert.equal((await alice.get("/api/notifications")).body.unread, unread - 1);

      now = new Date("2026-03-01T09:05:00.000Z");
      const snoozed = await alice.post(`/api/notifications/${target.id}/snooze`, { minutes: 30 });
      assert.equal(snoozed.status, 200);
      assert.equal(snoozed.body.snoozedUntil, "2026-03-01T09:35:00.000Z");
      assert.deepEqual(snoozes, [{ userId: alice.userId, id: target.id, until: "2026-03-01T09:35:00.000Z" }]);

      const dismissed = await alice.post(`/api/notifications/${target.id}/dismiss`);
      assert.equal(dismissed.status, 200);
      assert.equal(dismissed.body.dismissedAt, now.toISOString());
      const afterDismiss = (await alice.get("/api/notifications")).body;
      assert.ok(!afterDismiss.notifications.some((n: Notification) => n.id === target.id), "a dismissed notification leaves the list");
      const again = await alice.post(`/api/notifications/${target.id}/snooze`, { minutes: 5 });
      assert.equal(again.status, 422);
      assert.equal(again.body.error.code, "unprocessable");
    });

    test("bad input answers 400 naming what is wrong; no session answers 401", async () => {
      const badId = await alice.post("/api/notifications/not-a-uuid/read");
      assert.equal(badId.status, 400);
      assert.equal(badId.body.error.code, "validation_error");
      const id = (await alice.get("/api/notifications")).body.notifications[0].id;
      for (const body of [{}, { minutes: 0 }, { minutes: 1.5 }, { minutes: 99999 }, { minutes: "ten" }, { minutes: 5, extra: 1 }]) {
        const res = await alice.post(`/api/notifications/${id}/snooze`, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, "validation_error");
      }
      const anon = await built.app.request("/api/notifications/stream", {}, fromAddress("203.0.113.7"));
      assert.equal(anon.status, 401);
      assert.equal((await built.app.request("/api/notifications", {}, fromAddress("203.0.113.7"))).status, 401);
    });

    test("notify() for a task that is not the person's stores and sends nothing", async () => {
      const bobStream = await openStream(built, bob);
      await assert.rejects(built.notifier.notify(bob.userId, reminder(aliceTask, "Smuggled")), { code: "not_found" });
      await assert.rejects(built.notifier.notify(bob.userId, reminder("not-a-task", "Smuggled")), { code: "not_found" });
      await built.notifier.notify(bob.userId, reminder(bobTask, "After"));
      assert.equal((await received(bobStream)).title, "After");
      await bobStream.close();
      const titles = (await bob.get("/api/notifications")).body.notifications.map((n: Notification) => n.title);
      assert.ok(!titles.includes("Smuggled"));
    });

    test("a task in the Trash has its notifications hidden, and back with it when restored", async () => {
      const task = (await alice.post("/api/tasks", { title: "Short-lived" })).body.id;
      const listed = async () => (await alice.get("/api/notifications")).body.notifications.some((n: Notification) => n.taskId === task);
      await built.notifier.notify(alice.userId, reminder(task, "Short-lived"));
      assert.ok(await listed());
      assert.equal((await alice.delete(`/api/tasks/${task}`)).status, 204);
      assert.ok(!(await listed()), "hidden while the task is in the Trash");
      assert.equal((await alice.post(`/api/tasks/${task}/restore`, {})).status, 200);
      assert.ok(await listed(), "back with the task");
    });

    test("the same firing told twice (re-delivered after a replica died) is stored and streamed once", async () => {
      const stream = await openStream(built, alice);
      const firing = reminder(aliceTask, "Once only");
      await built.notifier.notify(alice.userId, firing);
      await built.notifier.notify(alice.userId, firing);
      await built.notifier.notify(alice.userId, { ...firing, fireAt: "2026-12-01T09:10:00.000Z", title: "Snoozed firing" });
      assert.equal((await received(stream)).title, "Once only");
      assert.equal((await received(stream)).title, "Snoozed firing", "a later firing of the same reminder is told again");
      await stream.close();
      const titles = (await alice.get("/api/notifications")).body.notifications.map((n: Notification) => n.title);
      assert.equal(titles.filter((t: string) => t === "Once only").length, 1);
    });

    test("an idle stream sends heartbeat comments, and closing the hub ends open streams", async () => {
      const beating = build(db.reopen(), { notificationHeartbeatMs: 5 });
      const stream = await openStream(beating, alice);
      const beat = await stream.next();
      assert.equal(beat?.comment, "heartbeat");
      await beating.notificationHub.close();
      let ended = false;
      for (let i = 0; i < 100 && !ended; i++) ended = (await stream.next()) === undefined;
      assert.ok(ended, "the stream ends when its replica shuts down");
    });
  });
}
