/**
 * The reminders scheduler as separate processes (test/reminders-worker.ts, the scheduler main.ts
 * runs) on one PostgreSQL: two replicas fire 1,000 reminders due in the same minute exactly once
 * each; one killed mid-batch loses none and doubles none; one started after a downtime fires what
 * fell due meanwhile, marked late. Counted in the database.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { createFleetDatabase, type Fleet, insertReminders, startWorker, waitFor, type Worker } from "../../test/reminders-fleet.ts";
import { postgresOnly } from "../../test/support.ts";

interface Counts {
  delivered: number;
  attempts: number;
  fired: number;
  pending: number;
}

describe("reminder schedulers as processes on one PostgreSQL", postgresOnly, () => {
  let fleet: Fleet;
  const workers: Worker[] = [];
  const counts = async (): Promise<Counts> => {
    const [row] = await fleet.query<Counts>(sql`
      select (select count(*)::int from reminder_deliveries) as delivered,
             (select coalesce(sum(attempts), 0)::int from reminder_deliveries) as attempts,
             (select count(*)::int from reminders where state = 'fired') as fired,
             (select count(*)::int from reminders where state = 'pending') as pending`);
    return row!;
  };

  before(async () => {
    fleet = await createFleetDatabase();
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await fleet?.dispose();
  });

  test("two replicas fire 1,000 reminders due in the same minute exactly once each", async () => {
    await insertReminders(fleet, 1000, new Date(Date.now() - 60_000), 60_000);
    const env = { NOTIFY_DELAY_MS: "1", REMINDERS_BATCH: "50", REMINDERS_POLL_MS: "200" };
    const [a, b] = await Promise.all([startWorker(fleet.url, { ...env, WORKER_ID: "a" }), startWorker(fleet.url, { ...env, WORKER_ID: "b" })]);
    workers.push(a, b);
    await waitFor("1,000 firings", async () => (await counts()).fired === 1000);
    const c = await counts();
    assert.deepEqual(c, { delivered: 1000, attempts: 1000, fired: 1000, pending: 0 });
    const perWorker = await fleet.query<{ worker: string; n: number }>(
      sql`select worker, count(*)::int as n from reminder_deliveries group by worker order by worker`,
    );
    console.log(`# deliveries per replica: ${perWorker.map((w) => `${w.worker}=${w.n}`).join(" ")}`);
    await Promise.all([a.stop(), b.stop()]);
  });

  test("a replica killed mid-batch: none lost, none delivered twice", async () => {
    await fleet.query(sql`delete from reminder_deliveries`);
    await fleet.query(sql`delete from reminders`);
    await insertReminders(fleet, 1000, new Date(Date.now() - 60_000), 60_000);
    // Slow deliveries and a short lease, so the kill lands inside a batch and the takeover comes soon.
    const env = { NOTIFY_DELAY_MS: "200", REMINDERS_BATCH: "50", REMINDERS_POLL_MS: "200", REMINDERS_LEASE_MS: "2000" };
    const a = await startWorker(fleet.url, { ...env, WORKER_ID: "a" });
    const b = await startWorker(fleet.url, { ...env, WORKER_ID: "b" });
    workers.push(a, b);
    await waitFor("some firings by the replica to kill", async () => {
      const [row] = await fleet.query<{ n: number }>(sql`select count(*)::int as n from reminder_deliveries where worker = 'a'`);
      return row!.n >= 50;
    });
    const [held] = await fleet.query<{ n: number }>(sql`select count(*)::int as n from reminders where state = 'pending' and claimed_until is not null`);
    await a.kill();
    assert.ok(held!.n > 0, "the kill lands while claims are held");
    await waitFor("every reminder fired after the takeover", async () => (await counts()).fired === 1000);
    const c = await counts();
    assert.equal(c.delivered, 1000, "none lost: every reminder delivered");
    assert.equal(c.fired, 1000, "each marked fired once");
    // A notify call the killed replica finished but did not get to mark is repeated by the one
    // taking over; the (reminder_id, fire_at) key keeps it one delivery. Report how many there were.
    assert.ok(c.attempts - c.delivered <= 50, `repeated notify calls (${c.attempts - c.delivered}) are at most one batch`);
    console.log(`# claims held at the kill: ${held!.n}; notify calls repeated after the takeover: ${c.attempts - c.delivered}`);
    await b.stop();
  });

  test("a reminder that fell due while every replica was down fires on start, marked late", async () => {
    await fleet.query(sql`delete from reminder_deliveries`);
    await fleet.query(sql`delete from reminders`);
    // Due ten and five minutes ago, while no replica ran; and one due in the future.
    await insertReminders(fleet, 2, new Date(Date.now() - 600_000), 600_000);
    await insertReminders(fleet, 1, new Date(Date.now() + 3_600_000), 1);
    const a = await startWorker(fleet.url, { WORKER_ID: "a" });
    workers.push(a);
    await waitFor("the missed reminders", async () => (await counts()).fired === 2);
    const rows = await fleet.query<{ state: string; late: boolean }>(sql`select state, late from reminders order by fire_at`);
    assert.deepEqual(
      rows.map((r) => [r.state, r.late]),
      [
        ["fired", true],
        ["fired", true],
        ["pending", false],
      ],
    );
    await a.stop();
  });
});
