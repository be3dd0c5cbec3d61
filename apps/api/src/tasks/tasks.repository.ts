/** Task persistence. Every query is scoped by the owner's user id; nothing here decides rules. */
import { and, asc, desc, eq, gt, gte, ilike, inArray, isNotNull, isNull, like, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { CreateTask, ListedTask, ListTasksQuery, MyTasksQuery, Task, TaskFilter, UpdateTask } from "@todo/contracts";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.ts";
import { reminders, taskChanges, taskCompletions, taskCounters, tasks } from "../db/schema.ts";
import { titleKey } from "./tasks.match.ts";
import { describeRule, dueInstant } from "./tasks.time.ts";

export type TaskRow = typeof tasks.$inferSelect;
/** A row of the tasks list: the task and when its next reminder fires (null: none pending). */
export type ListedTaskRow = TaskRow & { nextReminderAt: Date | null };

/** The earliest pending reminder of the row's task: one lookup in reminders_task_idx per listed task. */
// Written out qualified: drizzle leaves column names bare in a one-table select, which would bind them to reminders here.
const pendingReminderAt = sql`(select min(r.fire_at) from reminders r where r.task_id = ${tasks}.id and r.state = 'pending')`;
const nextReminderAt = sql<Date | null>`${pendingReminderAt}`.mapWith(reminders.fireAt);

/** The time fields the service derives on every write (dueAt from the other three). */
export interface TimingValues {
  dueDate: string | null;
  dueTime: string | null;
  timeZone: string | null;
  dueAt: Date | null;
  repeat: string | null;
}

/** The fields an update writes: the person's changes with the time fields the service derived. */
export type TaskPatch = Omit<UpdateTask, "timeZone"> & Partial<TimingValues>;

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    description: row.description,
    completed: row.completed,
    priority: row.priority,
    dueDate: row.dueDate,
    dueTime: row.dueTime,
    timeZone: row.timeZone,
    dueAt: row.dueAt?.toISOString() ?? null,
    repeat: row.repeat,
    repeatText: row.repeat ? describeRule(row.repeat, row.dueTime) : null,
    tags: row.tags,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** The fields of a task a change can touch, as the change log stores them (before and after). */
export interface TaskSnapshot {
  title: string;
  description: string;
  completed: boolean;
  priority: TaskRow["priority"];
  dueDate: string | null;
  dueTime: string | null;
  timeZone: string | null;
  dueAt: string | null;
  repeat: string | null;
  tags: string[];
  completedAt: string | null;
  deletedAt: string | null;
}
const SNAPSHOT_FIELDS = [
  "title",
  "description",
  "completed",
  "priority",
  "dueDate",
  "dueTime",
  "timeZone",
  "dueAt",
  "repeat",
  "tags",
  "completedAt",
  "deletedAt",
] as const;
/** Snapshot fields stored as ISO strings and written back as instants. */
const INSTANT_FIELDS: ReadonlySet<string> = new Set(["dueAt", "completedAt", "deletedAt"]);

export function snapshotOf(row: TaskRow): TaskSnapshot {
  return {
    title: row.title,
    description: row.description,
    completed: row.completed,
    priority: row.priority,
    dueDate: row.dueDate,
    dueTime: row.dueTime,
    timeZone: row.timeZone,
    dueAt: row.dueAt?.toISOString() ?? null,
    repeat: row.repeat,
    tags: row.tags,
    completedAt: row.completedAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** The column values that put back what `before` had where a change made it `after`, and nothing else. */
function revertValues(before: TaskSnapshot, after: TaskSnapshot | null): Partial<typeof tasks.$inferInsert> {
  const values: Record<string, unknown> = {};
  for (const field of SNAPSHOT_FIELDS) {
    // A change logged before these fields existed has none of them: nothing to put back there.
    if (!(field in before)) continue;
    if (after && JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    const value = before[field];
    values[field] = INSTANT_FIELDS.has(field) && typeof value === "string" ? new Date(value) : value;
  }
  if (values.title !== undefined) values.titleKey = titleKey(before.title);
  return values as Partial<typeof tasks.$inferInsert>;
}

export interface ChangeRow {
  userId: string;
  conversationId: string | null;
  batchId: string;
  taskId: string;
  op: string;
  before: TaskSnapshot | null;
  after: TaskSnapshot | null;
}

/** Rows per INSERT of the change log: well under PostgreSQL's 65,535 bound parameters. */
const CHANGE_ROWS_PER_INSERT = 1000;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
const priorityRank = sql`case ${tasks.priority} when 'high' then 3 when 'medium' then 2 else 1 end`;

/**
 * The WHERE clause for the filters a query uses, with placeholders for their values: queries of one
 * shape (which filters, which sort) share one prepared statement, built once per process.
 */
function filters(q: TaskFilter, values?: Record<string, unknown>): SQL {
  // A prepared statement takes placeholders; a one-off statement (a bulk change) takes the values.
  const param = (name: string) => (values ? values[name] : sql.placeholder(name)) as string;
  const conditions: (SQL | undefined)[] = [eq(tasks.userId, param("userId")), isNull(tasks.deletedAt)];
  if (q.status === "pending") conditions.push(eq(tasks.completed, false));
  if (q.status === "completed") conditions.push(eq(tasks.completed, true));
  if (q.priority) conditions.push(eq(tasks.priority, param("priority") as TaskRow["priority"]));
  if (q.tag) conditions.push(sql`${tasks.tags} @> array[${param("tag")}]::text[]`);
  if (q.dueBefore) conditions.push(lte(tasks.dueDate, param("dueBefore")));
  if (q.dueAfter) conditions.push(gte(tasks.dueDate, param("dueAfter")));
  if (q.q) conditions.push(or(ilike(tasks.title, param("pattern")), ilike(tasks.description, param("pattern"))));
  return and(...conditions)!;
}

/** The values the filters bind, by placeholder name. */
function filterValues(userId: string, q: TaskFilter): Record<string, unknown> {
  return {
    userId,
    priority: q.priority,
    tag: q.tag,
    dueBefore: q.dueBefore,
    dueAfter: q.dueAfter,
    pattern: q.q ? `%${escapeLike(q.q)}%` : undefined,
  };
}

/** The statement name for a query's shape: its sort, direction and which filters it uses. */
function shapeOf(q: ListTasksQuery): string {
  const used = [q.priority, q.tag, q.dueBefore, q.dueAfter, q.q].map((v) => (v ? 1 : 0)).join("");
  return `${q.status}_${used}_${q.sort}_${q.order ?? "default"}`;
}

function ordering(q: ListTasksQuery): SQL[] {
  const defaultDesc = q.sort === "created" || q.sort === "priority";
  const direction = q.order ?? (defaultDesc ? "desc" : "asc");
  const dir = direction === "desc" ? desc : asc;
  switch (q.sort) {
    case "due":
      return [sql`${tasks.dueDate} ${sql.raw(direction)} nulls last`, sql`${tasks.dueTime} ${sql.raw(direction)} nulls first`, dir(tasks.number)];
    case "priority":
      return [dir(priorityRank), sql`${tasks.dueDate} asc nulls last`, dir(tasks.number)];
    case "title":
      return [dir(sql`lower(${tasks.title})`), dir(tasks.number)];
    case "created":
      return [dir(tasks.createdAt), dir(tasks.number)];
  }
}

/** An instant as `Date.toISOString()` writes it (UTC, milliseconds), formatted by the database. */
const isoText = (column: AnyPgColumn | SQL) => sql<string | null>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The list's columns already in the API's shape, named as the API names them: the lean read maps
 * a row to a task in one pass, with no Date in between. A new field is one line here and one in
 * `toListedTask`.
 */
const LEAN_FIELDS = {
  id: sql<string>`${tasks.id}`.as("id"),
  number: sql<number>`${tasks.number}`.as("number"),
  title: sql<string>`${tasks.title}`.as("title"),
  description: sql<string>`${tasks.description}`.as("description"),
  completed: sql<boolean>`${tasks.completed}`.as("completed"),
  priority: sql<TaskRow["priority"]>`${tasks.priority}`.as("priority"),
  dueDate: sql<string | null>`${tasks.dueDate}::text`.as("dueDate"),
  dueTime: sql<string | null>`${tasks.dueTime}`.as("dueTime"),
  timeZone: sql<string | null>`${tasks.timeZone}`.as("timeZone"),
  dueAt: isoText(tasks.dueAt).as("dueAt"),
  repeat: sql<string | null>`${tasks.repeat}`.as("repeat"),
  tags: sql<string[]>`${tasks.tags}`.as("tags"),
  createdAt: isoText(tasks.createdAt).as("createdAt"),
  updatedAt: isoText(tasks.updatedAt).as("updatedAt"),
  completedAt: isoText(tasks.completedAt).as("completedAt"),
  deletedAt: isoText(tasks.deletedAt).as("deletedAt"),
  nextReminderAt: isoText(pendingReminderAt).as("nextReminderAt"),
  // int4, so both drivers give a number (a bigint count comes back as a string or a BigInt).
  total: sql<number>`(count(*) over())::int`.as("total"),
};

/** A row of the lean read as the driver gives it: keyed by the aliases above. */
interface LeanRow {
  id: string;
  number: number;
  title: string;
  description: string;
  completed: boolean;
  priority: TaskRow["priority"];
  dueDate: string | null;
  dueTime: string | null;
  timeZone: string | null;
  dueAt: string | null;
  repeat: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  deletedAt: string | null;
  nextReminderAt: string | null;
  total: number;
}

/** A lean row as the list gives it (`toTask`'s fields in its order, then nextReminderAt). */
function toListedTask(row: LeanRow): ListedTask {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    description: row.description,
    completed: row.completed,
    priority: row.priority,
    dueDate: row.dueDate,
    dueTime: row.dueTime,
    timeZone: row.timeZone,
    dueAt: row.dueAt,
    repeat: row.repeat,
    repeatText: row.repeat ? describeRule(row.repeat, row.dueTime) : null,
    tags: row.tags,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    completedAt: row.completedAt,
    deletedAt: row.deletedAt,
    nextReminderAt: row.nextReminderAt,
  };
}

/**
 * A prepared select run for the driver's rows as they come. Drizzle's `execute` maps every value of
 * every row through its columns (most of a list request's CPU); both drivers' prepared queries also
 * have `all`, which skips that and returns the rows keyed by column alias (with the same statement
 * name, so PostgreSQL still plans it once per connection). Drizzle's types leave `all` out.
 */
const rawRows = <T>(statement: unknown, values: Record<string, unknown>) => (statement as { all(values: Record<string, unknown>): Promise<T[]> }).all(values);

function listStatements(db: Database, q: ListTasksQuery, name: string) {
  const where = filters(q);
  return {
    lean: db
      .select(LEAN_FIELDS)
      .from(tasks)
      .where(where)
      .orderBy(...ordering(q))
      .limit(sql.placeholder("limit"))
      .offset(sql.placeholder("offset"))
      .prepare(`tasks_lean_${name}`),
    // The total rides along as a window count: one round trip for the page and its size.
    page: db
      .select({ task: tasks, nextReminderAt, total: sql<number>`count(*) over()`.mapWith(Number) })
      .from(tasks)
      .where(where)
      .orderBy(...ordering(q))
      .limit(sql.placeholder("limit"))
      .offset(sql.placeholder("offset"))
      .prepare(`tasks_page_${name}`),
    count: db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(tasks)
      .where(where)
      .prepare(`tasks_count_${name}`),
  };
}

export class TaskRepository {
  private readonly statements = new Map<string, ReturnType<typeof listStatements>>();

  constructor(private readonly db: Database) {}

  private statementsFor(q: ListTasksQuery): ReturnType<typeof listStatements> {
    const name = shapeOf(q);
    let statements = this.statements.get(name);
    if (!statements) this.statements.set(name, (statements = listStatements(this.db, q, name)));
    return statements;
  }

  /**
   * A page of the person's tasks already as the API gives them, and how many match: what `list`
   * then `toTask` give, without Drizzle's per-value mapping (GET /api/tasks and list_tasks).
   */
  async listTasks(userId: string, q: ListTasksQuery): Promise<{ tasks: ListedTask[]; total: number }> {
    const statements = this.statementsFor(q);
    const values = { ...filterValues(userId, q), limit: q.limit, offset: q.offset };
    const page = await rawRows<LeanRow>(statements.lean, values);
    if (page.length > 0 || q.offset === 0) return { tasks: page.map(toListedTask), total: page[0]?.total ?? 0 };
    const [count] = await statements.count.execute(values);
    return { tasks: [], total: count?.n ?? 0 };
  }

  /** The same page as rows through Drizzle's mapping: the reference `listTasks` is checked against. */
  async list(userId: string, q: ListTasksQuery): Promise<{ rows: ListedTaskRow[]; total: number }> {
    const statements = this.statementsFor(q);
    const values = { ...filterValues(userId, q), limit: q.limit, offset: q.offset };
    const page = await statements.page.execute(values);
    if (page.length > 0 || q.offset === 0) return { rows: page.map((p) => ({ ...p.task, nextReminderAt: p.nextReminderAt })), total: page[0]?.total ?? 0 };
    const [count] = await statements.count.execute(values);
    return { rows: [], total: count?.n ?? 0 };
  }

  /** A page of the person's tasks in number order, after a number: keyset pagination. */
  async page(userId: string, q: MyTasksQuery): Promise<TaskRow[]> {
    return this.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), isNull(tasks.deletedAt), gt(tasks.number, q.after)))
      .orderBy(asc(tasks.number))
      .limit(q.limit);
  }

  /**
   * Tasks whose title_key fits any of the patterns, those fitting most first: the candidates for a
   * title match, selected in SQL so a person's whole list is never loaded.
   */
  async findByTitlePatterns(userId: string, patterns: string[], limit: number, inTrash = false): Promise<TaskRow[]> {
    if (patterns.length === 0) return [];
    const fits = sql.join(
      patterns.map((p) => sql`(case when ${tasks.titleKey} like ${p} then 1 else 0 end)`),
      sql` + `,
    );
    return this.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), inTrash ? isNotNull(tasks.deletedAt) : isNull(tasks.deletedAt), or(...patterns.map((p) => like(tasks.titleKey, p)))))
      .orderBy(desc(fits), asc(tasks.number))
      .limit(limit);
  }

  /** How many tasks the person has, and how many of them are open (the Trash not counted). */
  async counts(userId: string, db: Database = this.db): Promise<{ open: number; total: number }> {
    const [row] = await db
      .select({
        open: sql<number>`count(*) filter (where ${tasks.completed} = false)`.mapWith(Number),
        total: sql<number>`count(*)`.mapWith(Number),
      })
      .from(tasks)
      .where(and(eq(tasks.userId, userId), isNull(tasks.deletedAt)));
    return row ?? { open: 0, total: 0 };
  }

  async findById(userId: string, id: string, inTrash = false, db: Database = this.db): Promise<TaskRow | undefined> {
    const [row] = await db
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id), inTrash ? isNotNull(tasks.deletedAt) : isNull(tasks.deletedAt)));
    return row;
  }

  async findByNumber(userId: string, number: number, inTrash = false): Promise<TaskRow | undefined> {
    const [row] = await this.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.number, number), inTrash ? isNotNull(tasks.deletedAt) : isNull(tasks.deletedAt)));
    return row;
  }

  /** The person's Trash, most recently deleted first. */
  async listTrash(userId: string, limit: number): Promise<{ rows: TaskRow[]; total: number }> {
    const page = await this.db
      .select({ task: tasks, total: sql<number>`count(*) over()`.mapWith(Number) })
      .from(tasks)
      .where(and(eq(tasks.userId, userId), isNotNull(tasks.deletedAt)))
      .orderBy(desc(tasks.deletedAt), desc(tasks.number))
      .limit(limit);
    return { rows: page.map((p) => p.task), total: page[0]?.total ?? 0 };
  }

  /** Every live task a filter selects (what list_tasks would list), locked for a change, in number order. */
  async selectForChange(tx: Database, userId: string, filter: TaskFilter): Promise<TaskRow[]> {
    return tx
      .select()
      .from(tasks)
      .where(filters(filter, filterValues(userId, filter)))
      .orderBy(asc(tasks.number))
      .for("update");
  }

  /** The person's live tasks among `ids`, locked for a change, in number order (another's or a deleted one is absent). */
  async selectByIdsForChange(tx: Database, userId: string, ids: string[]): Promise<TaskRow[]> {
    return tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), inArray(tasks.id, ids), isNull(tasks.deletedAt)))
      .orderBy(asc(tasks.number))
      .for("update");
  }

  /** How many live tasks a filter selects, and the first few of them (in number order). */
  async preview(userId: string, filter: TaskFilter, sample: number): Promise<{ rows: TaskRow[]; total: number }> {
    const page = await this.db
      .select({ task: tasks, total: sql<number>`count(*) over()`.mapWith(Number) })
      .from(tasks)
      .where(filters(filter, filterValues(userId, filter)))
      .orderBy(asc(tasks.number))
      .limit(sample);
    return { rows: page.map((p) => p.task), total: page[0]?.total ?? 0 };
  }

  /** Sets the same values on the given tasks of the person; `addTag` appends a tag they lack. */
  async updateMany(tx: Database, userId: string, ids: string[], values: Partial<typeof tasks.$inferInsert>, addTag?: string): Promise<TaskRow[]> {
    if (ids.length === 0) return [];
    const tagValue =
      addTag === undefined
        ? {}
        : { tags: sql`case when ${addTag} = any(${tasks.tags}) then ${tasks.tags} else array_append(${tasks.tags}, ${addTag}::text) end` };
    return tx
      .update(tasks)
      .set({ ...values, ...tagValue, updatedAt: new Date() } as Partial<typeof tasks.$inferInsert>)
      .where(and(eq(tasks.userId, userId), inArray(tasks.id, ids)))
      .returning();
  }

  async logChanges(tx: Database, rows: ChangeRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHANGE_ROWS_PER_INSERT) {
      await tx.insert(taskChanges).values(rows.slice(i, i + CHANGE_ROWS_PER_INSERT));
    }
  }

  /**
   * The person's latest batch of changes not yet undone (in the conversation, when one is given),
   * locked, its rows newest first.
   */
  async latestBatch(tx: Database, userId: string, conversationId?: string): Promise<(typeof taskChanges.$inferSelect)[]> {
    const scope = conversationId === undefined ? undefined : eq(taskChanges.conversationId, conversationId);
    const [latest] = await tx
      .select({ batchId: taskChanges.batchId })
      .from(taskChanges)
      .where(and(eq(taskChanges.userId, userId), isNull(taskChanges.undoneAt), scope))
      .orderBy(desc(taskChanges.id))
      .limit(1)
      .for("update");
    if (!latest) return [];
    return tx
      .select()
      .from(taskChanges)
      .where(and(eq(taskChanges.userId, userId), eq(taskChanges.batchId, latest.batchId)))
      .orderBy(desc(taskChanges.id))
      .for("update");
  }

  /** One batch of the person's changes (none when it is not theirs), locked, its rows newest first. */
  async batch(tx: Database, userId: string, batchId: string): Promise<(typeof taskChanges.$inferSelect)[]> {
    return tx
      .select()
      .from(taskChanges)
      .where(and(eq(taskChanges.userId, userId), eq(taskChanges.batchId, batchId)))
      .orderBy(desc(taskChanges.id))
      .for("update");
  }

  /**
   * Locks the person's tasks among `ids` (live or in the Trash) in number order, as every write does,
   * so that a change checked against them cannot be overtaken by a write landing meanwhile.
   */
  async lockTasks(tx: Database, userId: string, ids: string[]): Promise<void> {
    await tx
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(eq(tasks.userId, userId), inArray(tasks.id, ids)))
      .orderBy(asc(tasks.number))
      .for("update");
  }

  /** How many of the person's changes after change `afterId`, not undone, touched any of these tasks. */
  async laterChanges(tx: Database, userId: string, afterId: number, taskIds: string[]): Promise<number> {
    const [row] = await tx
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(taskChanges)
      .where(and(eq(taskChanges.userId, userId), gt(taskChanges.id, afterId), isNull(taskChanges.undoneAt), inArray(taskChanges.taskId, taskIds)));
    return row?.n ?? 0;
  }

  /**
   * Puts one logged change back: an added task is removed, any other change has the fields it
   * changed set back to what they were. Answers the task as it is now (an undone add: as it was).
   */
  async revert(tx: Database, userId: string, change: { taskId: string; before: unknown; after: unknown }): Promise<TaskRow | undefined> {
    const where = and(eq(tasks.userId, userId), eq(tasks.id, change.taskId));
    if (change.before === null) {
      const [row] = await tx.delete(tasks).where(where).returning();
      return row;
    }
    const values = revertValues(change.before as TaskSnapshot, change.after as TaskSnapshot | null);
    const [row] = await tx
      .update(tasks)
      .set({ ...values, updatedAt: new Date() })
      .where(where)
      .returning();
    // The instant is derived: worked out again from the date, time and zone the task has now (a zone
    // change since, which the log does not hold, would otherwise leave the old zone's instant).
    const dueAt = row && dueInstant(row);
    if (row && (dueAt?.getTime() ?? null) !== (row.dueAt?.getTime() ?? null)) {
      const [fixed] = await tx.update(tasks).set({ dueAt }).where(where).returning();
      return fixed;
    }
    return row;
  }

  async markUndone(tx: Database, userId: string, batchId: string, at: Date): Promise<void> {
    await tx
      .update(taskChanges)
      .set({ undoneAt: at })
      .where(and(eq(taskChanges.userId, userId), eq(taskChanges.batchId, batchId)));
  }

  /** Removes for good the tasks deleted before `cutoff`, and the change log written before it. */
  async purge(cutoff: Date): Promise<{ tasks: number; changes: number }> {
    return this.db.transaction(async (tx) => {
      const gone = await tx
        .delete(tasks)
        .where(and(isNotNull(tasks.deletedAt), lt(tasks.deletedAt, cutoff)))
        .returning({ id: tasks.id });
      const changes = await tx.delete(taskChanges).where(lt(taskChanges.createdAt, cutoff)).returning({ id: taskChanges.id });
      return { tasks: gone.length, changes: changes.length };
    });
  }

  /**
   * Locks the person's counter row (made when missing), the row an insert locks first: while it is
   * held, no other change of theirs can add an open or live task, so counts read after it stay true.
   */
  async lockCounter(tx: Database, userId: string): Promise<void> {
    await tx
      .insert(taskCounters)
      .values({ userId, lastNumber: 0 })
      .onConflictDoUpdate({ target: taskCounters.userId, set: { lastNumber: sql`${taskCounters.lastNumber}` } });
  }

  /**
   * Inserts a task under its next number. `admit` sees the person's counts first; the counter row
   * is locked by then, so a person's concurrent inserts are counted one after the other.
   */
  async insert(
    tx: Database,
    userId: string,
    input: Omit<CreateTask, "timeZone"> & TimingValues,
    admit: (counts: { open: number; total: number }) => void,
  ): Promise<TaskRow> {
    const [counter] = await tx
      .insert(taskCounters)
      .values({ userId, lastNumber: 1 })
      .onConflictDoUpdate({ target: taskCounters.userId, set: { lastNumber: sql`${taskCounters.lastNumber} + 1` } })
      .returning({ number: taskCounters.lastNumber });
    admit(await this.counts(userId, tx));
    const [row] = await tx
      .insert(tasks)
      .values({ ...input, titleKey: titleKey(input.title), userId, number: counter!.number })
      .returning();
    return row!;
  }

  /** Changes a live task; answers it before and after (locked meanwhile), or nothing when there is none. */
  async update(tx: Database, userId: string, id: string, patch: TaskPatch): Promise<{ before: TaskRow; after: TaskRow } | undefined> {
    const before = await this.lockLive(tx, userId, id);
    if (!before) return undefined;
    const completedAt = patch.completed === undefined ? {} : { completedAt: patch.completed ? sql`coalesce(${tasks.completedAt}, now())` : null };
    const [after] = await tx
      .update(tasks)
      .set({ ...patch, ...(patch.title === undefined ? {} : { titleKey: titleKey(patch.title) }), ...completedAt, updatedAt: new Date() })
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
      .returning();
    return { before, after: after! };
  }

  /**
   * Completes one occurrence of a repeating task: records it, and moves the same task (its number and
   * tags) to the next occurrence. Answers it before and after, or nothing when it is not a live open task.
   */
  async completeOccurrence(
    tx: Database,
    userId: string,
    id: string,
    next: (before: TaskRow) => Promise<Omit<TaskPatch, "completed"> | undefined>,
  ): Promise<{ before: TaskRow; after: TaskRow } | undefined> {
    const before = await this.lockLive(tx, userId, id);
    if (!before || before.completed) return undefined;
    const values = await next(before);
    if (!values) return undefined;
    const [after] = await tx
      .update(tasks)
      .set({ ...values, ...(values.title === undefined ? {} : { titleKey: titleKey(values.title) }), updatedAt: new Date() })
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
      .returning();
    await tx.insert(taskCompletions).values({ taskId: id, userId, dueDate: before.dueDate, dueAt: before.dueAt });
    return { before, after: after! };
  }

  /** Forgets the latest recorded occurrence of a task (an undone completion of a repeating task). */
  async forgetLatestCompletion(tx: Database, userId: string, taskId: string): Promise<void> {
    const [latest] = await tx
      .select({ id: taskCompletions.id })
      .from(taskCompletions)
      .where(and(eq(taskCompletions.userId, userId), eq(taskCompletions.taskId, taskId)))
      .orderBy(desc(taskCompletions.completedAt))
      .limit(1);
    if (latest) await tx.delete(taskCompletions).where(eq(taskCompletions.id, latest.id));
  }

  /** The completed occurrences of a task, newest first. */
  async completions(userId: string, taskId: string): Promise<{ dueDate: string | null; completedAt: Date }[]> {
    return this.db
      .select({ dueDate: taskCompletions.dueDate, completedAt: taskCompletions.completedAt })
      .from(taskCompletions)
      .where(and(eq(taskCompletions.userId, userId), eq(taskCompletions.taskId, taskId)))
      .orderBy(desc(taskCompletions.completedAt));
  }

  /** Moves a task into the Trash (`deleted`) or out of it; answers it before and after, or nothing. */
  async setDeleted(tx: Database, userId: string, id: string, deleted: boolean): Promise<{ before: TaskRow; after: TaskRow } | undefined> {
    const [before] = await tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id), deleted ? isNull(tasks.deletedAt) : isNotNull(tasks.deletedAt)))
      .for("update");
    if (!before) return undefined;
    const [after] = await tx
      .update(tasks)
      .set({ deletedAt: deleted ? new Date() : null, updatedAt: new Date() })
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
      .returning();
    return { before, after: after! };
  }

  /** The person's open tasks meant in a time zone (those in the Trash too), locked for a change. */
  async selectInZone(tx: Database, userId: string, timeZone: string): Promise<TaskRow[]> {
    return tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.timeZone, timeZone), eq(tasks.completed, false)))
      .orderBy(asc(tasks.number))
      .for("update");
  }

  /** Moves a task to another zone, its instant recomputed by the caller. */
  async setZone(tx: Database, userId: string, id: string, values: { timeZone: string; dueAt: Date | null }): Promise<void> {
    await tx
      .update(tasks)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)));
  }

  private async lockLive(tx: Database, userId: string, id: string): Promise<TaskRow | undefined> {
    const [row] = await tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id), isNull(tasks.deletedAt)))
      .for("update");
    return row;
  }
}
