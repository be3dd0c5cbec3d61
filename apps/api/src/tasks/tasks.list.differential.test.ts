/**
 * The lean list read against the Drizzle read it shortcuts: over varied tasks (every field, times
 * with microseconds, zones, repeat rules, odd tags, reminders pending or not, nulls, some in the Trash, another person's
 * alongside) and generated list queries (every filter, sort, order, limit and offset), the service's
 * page must be exactly — values, fields and their order — the Drizzle rows through `toTask`, with the
 * same total. The database's own time zone is not UTC (+05:30), so instants must not depend on it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { PRIORITIES, TASK_SORTS, type ListedTask, type ListTasksQuery } from "@todo/contracts";
import type { Database } from "../db/client.ts";
import { reminders, tasks } from "../db/schema.ts";
import { buildApp, drivers, signUp, type TestDatabase } from "../../test/support.ts";
import { TaskRepository, toTask, type ListedTaskRow } from "./tasks.repository.ts";
import { TaskService } from "./tasks.service.ts";

const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? 150);

const TAGS = ["home", "work", "a,b", 'say "hi"', "NULL", "{x}", "back\\slash", "two words", "café"];
const TITLES = ["Buy milk", "buy Milk", "Call mom", "Écrire le rapport", "100% done", "under_score", "Zebra", "apple"];
const DATES = [null, "2026-11-20", "2026-11-25", "2026-12-01", "2027-02-28"];
const TIMES = [null, "00:00", "09:30", "23:59"];
const ZONES = [null, "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"];
const RULES = [null, "FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3", "FREQ=YEARLY;INTERVAL=2", "not a rule"];
/** Instants with microseconds, some a hair under the next millisecond (truncated, never rounded). */
const INSTANTS = [null, "2026-11-30 08:15:00+00", "2026-11-30 23:59:59.999999+00", "2026-03-29 01:00:00.000500+00", "2026-12-31 18:30:00.123456-05:30"];

/** Sets the database's time zone (new connections) and the open session's (PGlite has only that one). */
async function useTimeZone(db: Database, zone: string): Promise<void> {
  await db.execute(sql.raw(`do $$ begin execute format('alter database %I set timezone = %L', current_database(), '${zone}'); end $$`));
  await db.execute(sql.raw(`set timezone = '${zone}'`));
}

/** Writes n varied tasks for a person straight into the table (the API would normalise some away). */
async function seed(db: Database, userId: string, n: number, start: number): Promise<void> {
  const pick = <T>(list: readonly T[], i: number, step: number) => list[(i * step) % list.length]!;
  for (let i = start; i < start + n; i++) {
    const title = `${pick(TITLES, i, 1)} ${i % 4 === 0 ? "" : i}`.trim();
    const instant = (step: number) => {
      const text = pick(INSTANTS, i, step);
      return text === null ? null : sql`${text}::timestamptz + make_interval(secs => ${i * 61})`;
    };
    const completed = i % 3 === 0;
    const [task] = await db
      .insert(tasks)
      .values({
        userId,
        number: i,
        title,
        titleKey: ` ${title.toLowerCase()} `,
        description: i % 2 ? "" : `notes on ${pick(TITLES, i, 3)}`,
        completed,
        priority: pick(PRIORITIES, i, 1),
        dueDate: pick(DATES, i, 2),
        dueTime: pick(TIMES, i, 3),
        timeZone: pick(ZONES, i, 2),
        dueAt: instant(1),
        repeat: pick(RULES, i, 5),
        tags: TAGS.filter((_, t) => (i + t) % 5 === 0 && i % 6 !== 0),
        completedAt: completed ? instant(3) : null,
        deletedAt: i % 7 === 0 ? sql`now()` : null,
        createdAt: sql`'2026-11-01 12:00:00.000001+00'::timestamptz + make_interval(secs => ${(i % 9) * 3600.4567891})`,
        updatedAt: sql`'2026-11-29 12:00:00+00'::timestamptz + make_interval(secs => ${i * 0.0009999})`,
      })
      .returning({ id: tasks.id });
    // Reminders: none, one pending, several (the earliest pending counts, not a fired one), only a
    // cancelled one, or a pending one without an instant.
    const reminder = (state: "pending" | "fired" | "cancelled", at: string | null) => ({
      userId,
      taskId: task!.id,
      spec: sql`'{}'::jsonb`,
      state,
      fireAt: at === null ? null : sql`${at}::timestamptz + make_interval(secs => ${i * 59})`,
    });
    const kinds = [
      [],
      [reminder("pending", "2026-12-01 08:00:00.123456+00")],
      [reminder("pending", "2026-12-02 09:00:00.999999+00"), reminder("pending", "2026-12-01 07:30:00.000001+00"), reminder("fired", "2026-11-01 00:00:00+00")],
      [reminder("cancelled", "2026-12-01 08:00:00+00")],
      [reminder("pending", null)],
    ];
    const mine = kinds[i % kinds.length]!;
    if (mine.length > 0) await db.insert(reminders).values(mine as never);
  }
}

/** The page as the service gave it before the lean read: Drizzle's rows through `toTask`. */
const asListed = (row: ListedTaskRow): ListedTask => ({ ...toTask(row), nextReminderAt: row.nextReminderAt?.toISOString() ?? null });

/** A filter in about one query of four, so that most pages still hold tasks. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const queryArb: fc.Arbitrary<ListTasksQuery> = fc
  .record({
    status: fc.constantFrom("all", "all", "pending", "completed"),
    priority: sometimes(fc.constantFrom(...PRIORITIES)),
    tag: sometimes(fc.constantFrom(...TAGS)),
    dueBefore: sometimes(fc.constantFrom("2026-11-20", "2026-11-25", "2026-12-31")),
    dueAfter: sometimes(fc.constantFrom("2026-11-19", "2026-11-25", "2027-01-01")),
    q: sometimes(fc.constantFrom("milk", "MOM", "100%", "_", "é", "notes", "zzz")),
    sort: fc.constantFrom(...TASK_SORTS),
    order: sometimes(fc.constantFrom("asc", "desc")),
    limit: fc.oneof(fc.integer({ min: 1, max: 7 }), fc.constant(50), fc.constant(100)),
    offset: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 60 }) }),
  })
  // As the query schema gives it: a filter not given is absent, not undefined.
  .map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as ListTasksQuery);

for (const driver of drivers) {
  describe(`the lean list read on ${driver.name}`, () => {
    let db: TestDatabase;
    let handle: TestDatabase["handle"];
    let service: TaskService;
    let repo: TaskRepository;
    let me: string;
    let other: string;

    before(async () => {
      db = await driver.create();
      const { app } = buildApp(db.handle);
      me = (await signUp(app)).userId;
      other = (await signUp(app)).userId;
      await useTimeZone(db.handle.db, "Asia/Kolkata");
      // Fresh connections, so every one of them has the new zone.
      handle = db.reopen();
      await seed(handle.db, me, 60, 1);
      await seed(handle.db, other, 30, 1);
      service = new TaskService(handle.db);
      repo = new TaskRepository(handle.db);
    });
    after(async () => {
      if (handle !== db.handle) await handle.close();
      await db.dispose();
    });

    test("the database answers in a zone other than UTC", async () => {
      const result = (await handle.db.execute(sql`select current_setting('TimeZone') as zone`)) as unknown as { rows: { zone: string }[] };
      const [row] = result.rows;
      assert.equal(row!.zone, "Asia/Kolkata");
    });

    test("gives exactly what the Drizzle read gives, for generated queries", async () => {
      const mine = new Set(
        (await handle.db.select({ id: tasks.id }).from(tasks).where(sql`${tasks.userId} = ${me} and ${tasks.deletedAt} is null`)).map((r) => r.id),
      );
      let nonEmpty = 0;
      await fc.assert(
        fc.asyncProperty(queryArb, async (query) => {
          const lean = await service.listTasks(me, query);
          const { rows, total } = await repo.list(me, query);
          const reference = rows.map(asListed);
          assert.deepStrictEqual(lean, { tasks: reference, total, limit: query.limit, offset: query.offset });
          // Same fields in the same order, so the JSON answer is byte for byte the same.
          assert.equal(JSON.stringify(lean.tasks), JSON.stringify(reference));
          // Only the person's live tasks.
          for (const t of lean.tasks) assert.ok(mine.has(t.id), `task ${t.id} is not one of the person's live tasks`);
          if (lean.tasks.length > 0) nonEmpty++;
        }),
        { numRuns: RUNS },
      );
      // The generated queries did reach real pages, not only empty ones.
      assert.ok(nonEmpty > RUNS / 4, `only ${nonEmpty} of ${RUNS} pages had tasks`);
    });

    test("the unfiltered first page: every seeded field, the Trash and the other person left out", async () => {
      const page = await service.listTasks(me, { status: "all", sort: "created", limit: 100, offset: 0 });
      assert.equal(page.total, 60 - Math.floor(60 / 7));
      assert.deepStrictEqual(page.tasks, (await repo.list(me, { status: "all", sort: "created", limit: 100, offset: 0 })).rows.map(asListed));
      // The seed reached every kind of value the mapping handles.
      assert.ok(page.tasks.some((t) => t.dueAt?.endsWith(".999Z")));
      assert.ok(page.tasks.some((t) => t.nextReminderAt?.endsWith(".000Z")) && page.tasks.some((t) => t.nextReminderAt?.endsWith(".123Z")));
      assert.ok(page.tasks.some((t) => t.nextReminderAt === null));
      assert.ok(page.tasks.some((t) => t.repeatText !== null && t.repeatText !== t.repeat));
      for (const tag of TAGS)
        assert.ok(
          page.tasks.some((t) => t.tags.includes(tag)),
          tag,
        );
      assert.ok(page.tasks.some((t) => t.tags.length > 1) && page.tasks.some((t) => t.tags.length === 0));
      assert.ok(page.tasks.some((t) => t.completedAt !== null) && page.tasks.some((t) => t.dueDate === null));
      const others = await service.listTasks(other, { status: "all", sort: "created", limit: 100, offset: 0 });
      assert.equal(others.total, 30 - Math.floor(30 / 7));
      const ids = new Set(page.tasks.map((t) => t.id));
      assert.ok(others.tasks.every((t) => !ids.has(t.id)));
    });
  });
}
