/** Task persistence. Every query is scoped by the owner's user id; nothing here decides rules. */
import { and, asc, desc, eq, gte, ilike, lte, or, sql, type SQL } from "drizzle-orm";
import type { CreateTask, ListTasksQuery, Task, UpdateTask } from "@todo/contracts";
import type { Database } from "../db/client.ts";
import { taskCounters, tasks } from "../db/schema.ts";

type TaskRow = typeof tasks.$inferSelect;

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    description: row.description,
    completed: row.completed,
    priority: row.priority,
    dueDate: row.dueDate,
    tags: row.tags,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
const priorityRank = sql`case ${tasks.priority} when 'high' then 3 when 'medium' then 2 else 1 end`;

function filters(userId: string, q: ListTasksQuery): SQL {
  const conditions: (SQL | undefined)[] = [eq(tasks.userId, userId)];
  if (q.status === "pending") conditions.push(eq(tasks.completed, false));
  if (q.status === "completed") conditions.push(eq(tasks.completed, true));
  if (q.priority) conditions.push(eq(tasks.priority, q.priority));
  if (q.tag) conditions.push(sql`${tasks.tags} @> array[${q.tag}]::text[]`);
  if (q.dueBefore) conditions.push(lte(tasks.dueDate, q.dueBefore));
  if (q.dueAfter) conditions.push(gte(tasks.dueDate, q.dueAfter));
  if (q.q) {
    const pattern = `%${escapeLike(q.q)}%`;
    conditions.push(or(ilike(tasks.title, pattern), ilike(tasks.description, pattern)));
  }
  return and(...conditions)!;
}

function ordering(q: ListTasksQuery): SQL[] {
  const defaultDesc = q.sort === "created" || q.sort === "priority";
  const direction = q.order ?? (defaultDesc ? "desc" : "asc");
  const dir = direction === "desc" ? desc : asc;
  switch (q.sort) {
    case "due":
      return [sql`${tasks.dueDate} ${sql.raw(direction)} nulls last`, dir(tasks.number)];
    case "priority":
      return [dir(priorityRank), sql`${tasks.dueDate} asc nulls last`, dir(tasks.number)];
    case "title":
      return [dir(sql`lower(${tasks.title})`), dir(tasks.number)];
    case "created":
      return [dir(tasks.createdAt), dir(tasks.number)];
  }
}

export class TaskRepository {
  constructor(private readonly db: Database) {}

  async list(userId: string, q: ListTasksQuery): Promise<{ rows: TaskRow[]; total: number }> {
    const where = filters(userId, q);
    // The total rides along as a window count: one round trip for the page and its size.
    const page = await this.db
      .select({ task: tasks, total: sql<number>`count(*) over()`.mapWith(Number) })
      .from(tasks)
      .where(where)
      .orderBy(...ordering(q))
      .limit(q.limit)
      .offset(q.offset);
    if (page.length > 0 || q.offset === 0) return { rows: page.map((p) => p.task), total: page[0]?.total ?? 0 };
    const [count] = await this.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(tasks).where(where);
    return { rows: [], total: count?.n ?? 0 };
  }

  async all(userId: string): Promise<TaskRow[]> {
    return this.db.select().from(tasks).where(eq(tasks.userId, userId)).orderBy(asc(tasks.number));
  }

  async findById(userId: string, id: string): Promise<TaskRow | undefined> {
    const [row] = await this.db.select().from(tasks).where(and(eq(tasks.userId, userId), eq(tasks.id, id)));
    return row;
  }

  async findByNumber(userId: string, number: number): Promise<TaskRow | undefined> {
    const [row] = await this.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.number, number)));
    return row;
  }

  async insert(userId: string, input: CreateTask): Promise<TaskRow> {
    return this.db.transaction(async (tx) => {
      const [counter] = await tx
        .insert(taskCounters)
        .values({ userId, lastNumber: 1 })
        .onConflictDoUpdate({ target: taskCounters.userId, set: { lastNumber: sql`${taskCounters.lastNumber} + 1` } })
        .returning({ number: taskCounters.lastNumber });
      const [row] = await tx
        .insert(tasks)
        .values({ ...input, userId, number: counter!.number })
        .returning();
      return row!;
    });
  }

  async update(userId: string, id: string, patch: UpdateTask): Promise<TaskRow | undefined> {
    const completedAt =
      patch.completed === undefined ? {} : { completedAt: patch.completed ? sql`coalesce(${tasks.completedAt}, now())` : null };
    const [row] = await this.db
      .update(tasks)
      .set({ ...patch, ...completedAt, updatedAt: new Date() })
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
      .returning();
    return row;
  }

  async delete(userId: string, id: string): Promise<TaskRow | undefined> {
    const [row] = await this.db
      .delete(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
      .returning();
    return row;
  }
}
