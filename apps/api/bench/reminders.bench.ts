/**
 * What the reminders scheduler does under load and costs when idle (prints figures; asserts nothing).
 * Real PostgreSQL (TEST_DATABASE_URL: a server where it may create scratch databases), scheduler
 * processes as test/reminders-worker.ts runs them (the ReminderScheduler main.ts starts, default
 * poll 1 s and batch 100), each delivery written to a table as the notification centre would.
 *
 * 1. Lateness: BENCH_REMINDERS (10,000) reminders due evenly over one minute, with one replica and
 *    with two: p50/p99/max of (delivered − due), from the database's clock.
 * 2. Idle load: committed transactions per second on the database (pg_stat_database.xact_commit
 *    deltas) with no reminder due, for no replica, one and two; each tick of an idle replica is one query.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:reminders -w @todo/api
 */
import pg from "pg";
import { sql } from "drizzle-orm";
import { createFleetDatabase, insertReminders, startWorker, waitFor, type Worker } from "../test/reminders-fleet.ts";
import { adminUrl } from "../test/support.ts";

if (!adminUrl) {
  console.error("set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)");
  process.exit(1);
}
const N = Number(process.env.BENCH_REMINDERS ?? 10_000);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);

async function lateness(replicas: number): Promise<void> {
  const fleet = await createFleetDatabase();
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < replicas; i++) workers.push(await startWorker(fleet.url, { WORKER_ID: String.fromCharCode(97 + i) }));
    // Due from 3 s from now, evenly over one minute.
    await insertReminders(fleet, N, new Date(Date.now() + 3000), 60_000);
    await waitFor(
      `${N} firings`,
      async () => {
        const [row] = await fleet.query<{ n: number }>(sql`select count(*)::int as n from reminders where state = 'fired'`);
        return row!.n === N;
      },
      600_000,
    );
    const [r] = await fleet.query<{ p50: number; p99: number; max: number; delivered: number; late: number }>(sql`
      select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.99) within group (order by ms) as p99,
             max(ms) as max, count(*)::int as delivered, (select count(*)::int from reminders where late) as late
        from (select extract(epoch from (delivered_at - fire_at)) * 1000 as ms from reminder_deliveries) d`);
    const perWorker = await fleet.query<{ worker: string; n: number }>(
      sql`select worker, count(*)::int as n from reminder_deliveries group by worker order by worker`,
    );
    console.log(
      `lateness, ${N} reminders due in one minute, ${replicas} replica(s): p50 ${Math.round(r!.p50)} ms, p99 ${Math.round(r!.p99)} ms, max ${Math.round(r!.max)} ms; delivered ${r!.delivered}, marked late ${r!.late}; per replica ${perWorker.map((w) => `${w.worker}=${w.n}`).join(" ")}`,
    );
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await fleet.dispose();
  }
}

async function idle(): Promise<void> {
  const fleet = await createFleetDatabase();
  const dbName = new URL(fleet.url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const commits = async () => {
    await admin.query("select pg_stat_clear_snapshot()");
    const res = await admin.query<{ n: string }>("select xact_commit::text as n from pg_stat_database where datname = $1", [dbName]);
    return Number(res.rows[0]!.n);
  };
  // Reminders exist, none due: what an idle replica sees.
  await insertReminders(fleet, 1000, new Date(Date.now() + 86_400_000), 3_600_000);
  await fleet.handle.close();
  const workers: Worker[] = [];
  try {
    for (const replicas of [0, 1, 2]) {
      while (workers.length < replicas) workers.push(await startWorker(fleet.url, { WORKER_ID: String(workers.length) }));
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const before = await commits();
      await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
      const rate = ((await commits()) - before) / IDLE_SECONDS;
      console.log(
        `idle load, ${replicas} replica(s), no reminder due: ${rate.toFixed(2)} transactions/s on the database (xact_commit delta over ${IDLE_SECONDS} s)`,
      );
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await admin.end();
    const dropper = new pg.Client({ connectionString: adminUrl });
    await dropper.connect();
    await dropper.query(`drop database if exists ${dbName} with (force)`);
    await dropper.end();
  }
}

await lateness(1);
await lateness(2);
await idle();
process.exit(0);
