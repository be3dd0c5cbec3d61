/**
 * A fleet of reminder-scheduler processes (test/reminders-worker.ts) on one PostgreSQL database, for
 * the multi-process tests and the bench: a migrated database with one person and one task, bulk
 * reminders, a `reminder_deliveries` table the workers' notifier writes (one row per firing, unique
 * on (reminder_id, fire_at), `attempts` counting every notify call), and the workers themselves.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { openPostgres, type DatabaseHandle } from "../src/db/client.ts";
import { migrateDatabase } from "../src/db/migrate.ts";
import { createPostgresDatabase } from "./support.ts";

const apiDir = fileURLToPath(new URL("..", import.meta.url));

export interface Fleet {
  url: string;
  handle: DatabaseHandle;
  userId: string;
  taskId: string;
  /** One row per (reminder_id, fire_at) delivered; `attempts` counts the notify calls. */
  query<T>(text: ReturnType<typeof sql>): Promise<T[]>;
  dispose(): Promise<void>;
}

export async function createFleetDatabase(): Promise<Fleet> {
  const created = await createPostgresDatabase();
  const handle = openPostgres(created.url, 0, 5);
  await migrateDatabase(handle);
  const userId = "fleet-user";
  await handle.db.execute(sql`insert into "user" (id, name, email) values (${userId}, 'Fleet', 'fleet@example.test')`);
  const task = await handle.db.execute(
    sql`insert into tasks (user_id, number, title, due_date) values (${userId}, 1, 'Fleet task', '2026-12-01') returning id`,
  );
  await handle.db.execute(sql`
    create table reminder_deliveries (
      reminder_id uuid not null, fire_at timestamptz not null, worker text not null,
      delivered_at timestamptz not null default clock_timestamp(), attempts int not null default 1,
      primary key (reminder_id, fire_at))`);
  const query = async <T>(text: ReturnType<typeof sql>) => ((await handle.db.execute(text)) as unknown as { rows: T[] }).rows;
  return {
    url: created.url,
    handle,
    userId,
    taskId: (task as unknown as { rows: { id: string }[] }).rows[0]!.id,
    query,
    async dispose() {
      await handle.close();
      await created.drop();
    },
  };
}

/** `n` absolute reminders of the fleet's task, due evenly spread over `spreadMs` from `start`. */
export async function insertReminders(fleet: Fleet, n: number, start: Date, spreadMs: number): Promise<void> {
  await fleet.handle.db.execute(sql`
    insert into reminders (user_id, task_id, spec, fire_at)
    select ${fleet.userId}, ${fleet.taskId}, jsonb_build_object('at', ${start.toISOString()}::text),
           ${start.toISOString()}::timestamptz + (i * ${spreadMs / n}::double precision) * interval '1 millisecond'
      from generate_series(0, ${n - 1}::int) as i`);
}

export interface Worker {
  child: ChildProcess;
  exited: Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export async function startWorker(url: string, env: Record<string, string> = {}): Promise<Worker> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/reminders-worker.ts"], {
    cwd: apiDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`reminders worker exited during start-up (${code})`)));
  });
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Polls `probe` until it is true (a test's deadline, never a speed assertion). */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
