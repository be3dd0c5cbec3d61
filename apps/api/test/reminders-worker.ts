/**
 * One backend replica's reminders scheduler as a process of its own, for the multi-process tests and
 * the bench: the same ReminderScheduler main.ts starts, on PostgreSQL (DATABASE_URL), with a
 * notifier that records each delivery in `reminder_deliveries` (made by the test) after an optional
 * delay (NOTIFY_DELAY_MS, so a kill lands mid-batch). Prints "ready" once polling; SIGTERM stops it.
 */
import { pino } from "pino";
import { sql } from "drizzle-orm";
import { openPostgres } from "../src/db/client.ts";
import { ReminderRepository } from "../src/reminders/reminders.repository.ts";
import { ReminderScheduler } from "../src/reminders/reminders.scheduler.ts";
import { utcForEveryone } from "../src/reminders/reminders.service.ts";

const env = process.env;
const database = openPostgres(env.DATABASE_URL!, 0, Number(env.POOL_MAX ?? 10));
const worker = env.WORKER_ID ?? String(process.pid);
const delayMs = Number(env.NOTIFY_DELAY_MS ?? 0);
const scheduler = new ReminderScheduler({
  repo: new ReminderRepository(database.db),
  logger: pino({ level: env.LOG_LEVEL ?? "warn" }),
  timeZoneOf: utcForEveryone,
  notifier: {
    async notify(_userId, n) {
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      await database.db.execute(sql`insert into reminder_deliveries (reminder_id, fire_at, worker) values (${n.reminderId}, ${n.fireAt}::timestamptz, ${worker})
         on conflict (reminder_id, fire_at) do update set attempts = reminder_deliveries.attempts + 1`);
    },
  },
  options: {
    pollMs: Number(env.REMINDERS_POLL_MS ?? 1000),
    batchSize: Number(env.REMINDERS_BATCH ?? 100),
    leaseMs: Number(env.REMINDERS_LEASE_MS ?? 30_000),
  },
});
scheduler.start();
console.log("ready");
process.on("SIGTERM", () => {
  void scheduler.stop().then(async () => {
    await database.close();
    process.exit(0);
  });
});
