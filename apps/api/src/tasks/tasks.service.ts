/**
 * Task rules, shared by the REST routes, the MCP tools and so the assistant. Every method takes the
 * acting user's id; a task that belongs to someone else is indistinguishable from one that doesn't exist.
 */
import type { CreateTask, ListTasksQuery, Task, TaskPage, UpdateTask } from "@todo/contracts";
import { HttpError, notFound } from "../http/errors.ts";
import { bestMatches } from "./tasks.match.ts";
import { TaskRepository, toTask } from "./tasks.repository.ts";
import type { Database } from "../db/client.ts";

/** How a person or a model points at a task: its number (#3) or words from its title. */
export interface TaskReference {
  number?: number | undefined;
  title?: string | undefined;
}

export class TaskService {
  private readonly repo: TaskRepository;

  constructor(db: Database) {
    this.repo = new TaskRepository(db);
  }

  async listTasks(userId: string, query: ListTasksQuery): Promise<TaskPage> {
    const { rows, total } = await this.repo.list(userId, query);
    return { tasks: rows.map(toTask), total, limit: query.limit, offset: query.offset };
  }

  async allTasks(userId: string): Promise<Task[]> {
    return (await this.repo.all(userId)).map(toTask);
  }

  async getTask(userId: string, id: string): Promise<Task> {
    const row = await this.repo.findById(userId, id);
    if (!row) throw notFound("task");
    return toTask(row);
  }

  async createTask(userId: string, input: CreateTask): Promise<Task> {
    return toTask(await this.repo.insert(userId, input));
  }

  async updateTask(userId: string, id: string, patch: UpdateTask): Promise<Task> {
    const row = await this.repo.update(userId, id, patch);
    if (!row) throw notFound("task");
    return toTask(row);
  }

  async deleteTask(userId: string, id: string): Promise<Task> {
    const row = await this.repo.delete(userId, id);
    if (!row) throw notFound("task");
    return toTask(row);
  }

  /**
   * Finds the one task a reference means. A title matches fuzzily; when several match equally, the
   * ones in the preferred state win, and if that still leaves several the caller is asked to choose.
   */
  async resolveTask(
    userId: string,
    ref: TaskReference,
    prefer: "pending" | "completed" | "any" = "any",
  ): Promise<Task> {
    if (ref.number !== undefined) {
      const row = await this.repo.findByNumber(userId, ref.number);
      if (!row) throw new HttpError(404, "not_found", `there is no task #${ref.number}`);
      return toTask(row);
    }
    const words = ref.title?.trim();
    if (!words) throw new HttpError(400, "validation_error", "say which task: give its number or words from its title");
    let matches = bestMatches(words, await this.repo.all(userId), (t) => t.title);
    if (matches.length > 1 && prefer !== "any") {
      const preferred = matches.filter((m) => m.item.completed === (prefer === "completed"));
      if (preferred.length > 0) matches = preferred;
    }
    if (matches.length === 0) throw new HttpError(404, "not_found", `no task matches "${words}"`);
    if (matches.length > 1) {
      const list = matches.map((m) => `#${m.item.number} ${m.item.title}`).join("; ");
      throw new HttpError(409, "ambiguous", `several tasks match "${words}": ${list}. Say which one by number.`);
    }
    return toTask(matches[0]!.item);
  }
}
