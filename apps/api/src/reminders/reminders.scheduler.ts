/**
 * The reminders scheduler: every replica runs one. Each tick claims the pending reminders that are
 * due (a batch at a time, `FOR UPDATE SKIP LOCKED` under a lease), hands each to the notifier and
 * marks it fired. The reminders table is the queue, so the embedded PGlite of `npm start` and
 * PostgreSQL run the same statements, and nothing but the database is shared between replicas.
 *
 * Exactly once: a reminder is marked fired by one claim only (the claim's lease end is its token);
 * a batch is marked in one statement once its deliveries are done.
 * A replica that dies holding a claim loses it when the lease ends and another replica takes the
 * reminder over; one that fell due while every replica was down fires on the first tick after start,
 * `late` when it fires more than `lateAfterMs` after its time. The notifier is called before the
 * reminder is marked fired (see notifier.ts for the one window in which it may be called twice).
 */
import type { Logger } from "../logger.ts";
import type { Notifier } from "./notifier.ts";
import type { ClaimedReminder, ClaimToken, ReminderRepository } from "./reminders.repository.ts";
import { dueInstantFor } from "./reminders.time.ts";
import type { TimeZoneOf } from "./reminders.service.ts";

export interface SchedulerOptions {
  /** How often an idle replica looks for due reminders (one query each time). */
  pollMs: number;
  /** Reminders claimed (and delivered concurrently) per query. */
  batchSize: number;
  /** How long a claim holds before another replica may take the reminder over. */
  leaseMs: number;
  /** A reminder firing more than this after its time is marked late. */
  lateAfterMs: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = { pollMs: 1000, batchSize: 100, leaseMs: 30_000, lateAfterMs: 60_000 };

export interface SchedulerDeps {
  repo: ReminderRepository;
  notifier: Notifier;
  logger: Logger;
  timeZoneOf: TimeZoneOf;
  clock?: () => Date;
  options?: Partial<SchedulerOptions>;
}

const bodyFormatters = new Map<string, Intl.DateTimeFormat>();
/** "6 Dec, 09:00" in the person's zone (one formatter per zone, made once). */
function dateTime(d: Date, timeZone: string): string {
  let made = bodyFormatters.get(timeZone);
  if (!made) {
    made = new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    bodyFormatters.set(timeZone, made);
  }
  return made.format(d);
}

export class ReminderScheduler {
  readonly options: SchedulerOptions;
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private polling = false;
  private stopped = false;
  private lastToken = 0n;

  constructor(private readonly deps: SchedulerDeps) {
    this.options = { ...DEFAULT_SCHEDULER_OPTIONS, ...deps.options };
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Starts polling; the first tick runs at once (what fell due while every replica was down). */
  start(): void {
    if (this.polling || this.stopped) return;
    this.polling = true;
    this.schedule(0);
  }

  /** Stops polling and waits for the running tick's deliveries. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runDue();
      void this.running
        .catch((err: unknown) => this.deps.logger.error({ err }, "reminder scheduler tick failed"))
        .finally(() => this.schedule(this.options.pollMs));
    }, delayMs);
    this.timer.unref();
  }

  /** A claim token: its lease end in microseconds, unique within this process and random across replicas. */
  private token(now: Date): ClaimToken {
    let t = BigInt(now.getTime() + this.options.leaseMs) * 1000n + BigInt(Math.floor(Math.random() * 1000));
    if (t <= this.lastToken) t = this.lastToken + 1n;
    this.lastToken = t;
    return t;
  }

  /** Fires every reminder due now, a batch at a time, until none is left; returns how many fired. */
  async runDue(): Promise<number> {
    let fired = 0;
    for (;;) {
      const now = this.clock();
      const token = this.token(now);
      const batch = await this.deps.repo.claimDue(now, token, this.options.batchSize);
      if (batch.length === 0) return fired;
      const delivered = await Promise.all(batch.map((r) => this.deliver(r, now)));
      fired += await this.deps.repo.markFired(
        batch.filter((_, i) => delivered[i]).map((r) => r.id),
        token,
        now,
        this.options.lateAfterMs,
      );
      if (batch.length < this.options.batchSize || this.stopped) return fired;
    }
  }

  /** Hands one claimed reminder to the notifier; false when that failed (it is tried again later). */
  private async deliver(reminder: ClaimedReminder, now: Date): Promise<boolean> {
    const { notifier, logger } = this.deps;
    const late = now.getTime() - reminder.fireAt.getTime() > this.options.lateAfterMs;
    try {
      const timeZone = await this.deps.timeZoneOf(reminder.userId);
      const due = dueInstantFor({ dueDate: reminder.dueDate, dueTime: reminder.dueTime, timeZone: reminder.timeZone, completed: false }, timeZone);
      await notifier.notify(reminder.userId, {
        reminderId: reminder.id,
        taskId: reminder.taskId,
        title: reminder.title,
        body: due ? `Due ${dateTime(due, timeZone)}` : "Reminder",
        dueAt: due?.toISOString() ?? null,
        fireAt: reminder.fireAt.toISOString(),
        late,
      });
    } catch (err) {
      // The claim is left to run out: the reminder is tried again after the lease, not in a tight loop.
      logger.warn({ err, reminderId: reminder.id }, "delivering a reminder failed; it is tried again when its claim runs out");
      return false;
    }
    return true;
  }
}
