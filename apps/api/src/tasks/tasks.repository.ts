/** Task persistence. Every query is scoped by the owner's user id; nothing here decides rules. */
import { and, asc, desc, eq, gt, gte, ilike, like, lte, or, sql, type SQL } from "drizzle-orm";
import type { CreateTask, ListTasksQuery, MyTasksQuery, Task, UpdateTask } from "@todo/contracts";
import type { Database } from "../db/client.ts";
import { taskCompletions, taskCounters, tasks } from "../db/schema.ts";
import { titleKey } from "./tasks.match.ts";
import { describeRule } from "./tasks.time.ts";

type TaskRow = typeof tasks.$inferSelect;

/** The time fields the service derives on every write (dueAt from the other three). */
export interface TimingValues {
  dueDate: string | null;
  dueTime: string | null;
  timeZone: string | null;
  dueAt: Date | null;
  repeat: string | null;
}

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
  };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
const priorityRank = sql`case ${tasks.priority} when 'high' then 3 when 'medium' then 2 else 1 end`;

/**
 * The WHERE clause for the filters a query uses, with placeholders for their values: queries of one
 * shape (which filters, which sort) share one prepared statement, built once per process.
 */
function filters(q: ListTasksQuery): SQL {
  const conditions: (SQL | undefined)[] = [eq(tasks.userId, sql.placeholder("userId"))];
  if (q.status === "pending") conditions.push(eq(tasks.completed, false));
  if (q.status === "completed") conditions.push(eq(tasks.completed, true));
  if (q.priority) conditions.push(eq(tasks.priority, sql.placeholder("priority")));
  if (q.tag) conditions.push(sql`${tasks.tags} @> array[${sql.placeholder("tag")}]::text[]`);
  if (q.dueBefore) conditions.push(lte(tasks.dueDate, sql.placeholder("dueBefore")));
  if (q.dueAfter) conditions.push(gte(tasks.dueDate, sql.placeholder("dueAfter")));
  if (q.q) conditions.push(or(ilike(tasks.title, sql.placeholder("pattern")), ilike(tasks.description, sql.placeholder("pattern"))));
  return and(...conditions)!;
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

function listStatements(db: Database, q: ListTasksQuery, name: string) {
  const where = filters(q);
  return {
    // The total rides along as a window count: one round trip for the page and its size.
    page: db
      .select({ task: tasks, total: sql<number>`count(*) over()`.mapWith(Number) })
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

export type { TaskRow };
/** The fields an update writes: the person's changes with the time fields the service derived. */
export type TaskPatch = Omit<UpdateTask, "timeZone"> & Partial<TimingValues>;

export class TaskRepository {
  private readonly statements = new Map<string, ReturnType<typeof listStatements>>();

  constructor(private readonly db: Database) {}

  async list(userId: string, q: ListTasksQuery): Promise<{ rows: TaskRow[]; total: number }> {
    const name = shapeOf(q);
    let statements = this.statements.get(name);
    if (!statements) this.statements.set(name, (statements = listStatements(this.db, q, name)));
    const values = {
      userId,
      priority: q.priority,
      tag: q.tag,
      dueBefore: q.dueBefore,
      dueAfter: q.dueAfter,
      pattern: q.q ? `%${escapeLike(q.q)}%` : undefined,
      limit: q.limit,
      offset: q.offset,
    };
    const page = await statements.page.execute(values);
    if (page.length > 0 || q.offset === 0) return { rows: page.map((p) => p.task), total: page[0]?.total ?? 0 };
    const [count] = await statements.count.execute(values);
    return { rows: [], total: count?.n ?? 0 };
  }

  /** A page of the person's tasks in number order, after a number: keyset pagination. */
  async page(userId: string, q: MyTasksQuery): Promise<TaskRow[]> {
    return this.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), gt(tasks.number, q.after)))
      .orderBy(asc(tasks.number))
      .limit(q.limit);
  }

  /**
   * Tasks whose title_key fits any of the patterns, those fitting most first: the candidates for a
   * title match, selected in SQL so a person's whole list is never loaded.
   */
  async findByTitlePatterns(userId: string, patterns: string[], limit: number): Promise<TaskRow[]> {
    if (patterns.length === 0) return [];
    const fits = sql.join(
      patterns.map((p) => sql`(case when ${tasks.titleKey} like ${p} then 1 else 0 end)`),
      sql` + `,
    );
    return this.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), or(...patterns.map((p) => like(tasks.titleKey, p)))))
      .orderBy(desc(fits), asc(tasks.number))
      .limit(limit);
  }

  /** How many tasks the person has, and how many of them are open. */
  async counts(userId: string, db: Database = this.db): Promise<{ open: number; total: number }> {
    const [row] = await db
      .select({
        open: sql<number>`count(*) filter (where ${tasks.completed} = false)`.mapWith(Number),
        total: sql<number>`count(*)`.mapWith(Number),
      })
      .from(tasks)
      .where(eq(tasks.userId, userId));
    return row ?? { open: 0, total: 0 };
  }

  async findById(userId: string, id: string): Promise<TaskRow | undefined> {
    const [row] = await this.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)));
    return row;
  }

  async findByNumber(userId: string, number: number): Promise<TaskRow | undefined> {
    const [row] = await this.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.number, number)));
    return row;
  }

  /**
   * Inserts a task under its next number. `admit` sees the person's counts first; the counter row
   * is locked by then, so a person's concurrent inserts are counted one after the other.
   */
  async insert(userId: string, input: Omit<CreateTask, "timeZone"> & TimingValues, admit: (counts: { open: number; total: number }) => void): Promise<TaskRow> {
    return this.db.transaction(async (tx) => {
      const [counter] = await tx
        .insert(taskCounters)
        .values({ userId, lastNumber: 1 })
        .onConflictDoUpdate({ target: taskCounters.userId, set: { lastNumber: sql`${taskCounters.lastNumber} + 1` } })
        .returning({ number: taskCounters.lastNumber });
      admit(await this.counts(userId, tx as unknown as Database));
      const [row] = await tx
        .insert(tasks)
        .values({ ...input, titleKey: titleKey(input.title), userId, number: counter!.number })
        .returning();
      return row!;
    });
  }

  async update(userId: string, id: string, patch: TaskPatch): Promise<TaskRow | undefined> {
    const completedAt = patch.completed === undefined ? {} : { completedAt: patch.completed ? sql`coalesce(${tasks.completedAt}, now())` : null };
    const [row] = await this.db
      .update(tasks)
      .set({ ...patch, ...(patch.title === undefined ? {} : { titleKey: titleKey(patch.title) }), ...completedAt, updatedAt: new Date() })
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
      .returning();
    return row;
  }

  /**
   * Completes one occurrence of a repeating task: records it, and moves the same task (its number and
   * tags) to the next occurrence, in one transaction. Only a task still open is moved.
   */
  async completeOccurrence(userId: string, row: TaskRow, next: Omit<TaskPatch, "completed">): Promise<TaskRow | undefined> {
    return this.db.transaction(async (tx) => {
      const [moved] = await tx
        .update(tasks)
        .set({ ...next, ...(next.title === undefined ? {} : { titleKey: titleKey(next.title) }), updatedAt: new Date() })
        .where(and(eq(tasks.userId, userId), eq(tasks.id, row.id), eq(tasks.completed, false)))
        .returning();
      if (moved) await tx.insert(taskCompletions).values({ taskId: row.id, userId, dueDate: row.dueDate, dueAt: row.dueAt });
      return moved;
    });
  }

  /** The completed occurrences of a task, newest first. */
  async completions(userId: string, taskId: string): Promise<{ dueDate: string | null; completedAt: Date }[]> {
    return this.db
      .select({ dueDate: taskCompletions.dueDate, completedAt: taskCompletions.completedAt })
      .from(taskCompletions)
      .where(and(eq(taskCompletions.userId, userId), eq(taskCompletions.taskId, taskId)))
      .orderBy(desc(taskCompletions.completedAt));
  }

  async delete(userId: string, id: string): Promise<TaskRow | undefined> {
    const [row] = await this.db
      .delete(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
      .returning();
    return row;
  }
}
