/**
 * Task rules, shared by the REST routes, the MCP tools and so the assistant. Every method takes the
 * acting user's id; a task that belongs to someone else is indistinguishable from one that doesn't exist.
 */
import { TASK_LIMITS, type CreateTask, type ListTasksQuery, type MyTasksQuery, type Task, type TaskPage, type TaskRef, type UpdateTask } from "@todo/contracts";
import { DomainError, notFound } from "../domain-error.ts";
import { bestMatches, titleKeyPatterns } from "./tasks.match.ts";
import { TaskRepository, toTask } from "./tasks.repository.ts";
import type { Database } from "../db/client.ts";
import type { TaskReminders } from "../reminders/reminders.service.ts";

/** Candidates a title match ranks: those fitting most of the person's words come first. */
const MATCH_CANDIDATES = 50;
/** Query words turned into SQL patterns; a title matching none of the first ones cannot score. */
const MATCH_PATTERNS_MAX = 16;

const limitReached = (message: string) => new DomainError("limit_reached", message);
const fmt = (n: number) => n.toLocaleString("en-US");

function admitNewOpenTask(counts: { open: number; total: number }): void {
  if (counts.open >= TASK_LIMITS.openTasksMax) {
    throw limitReached(`you have ${fmt(TASK_LIMITS.openTasksMax)} open tasks, the most a list can hold; complete or delete some first`);
  }
  if (counts.total >= TASK_LIMITS.tasksMax) {
    throw limitReached(`you have ${fmt(TASK_LIMITS.tasksMax)} tasks, the most a list can hold; delete some first`);
  }
}

export class TaskService {
  private readonly repo: TaskRepository;

  /** `reminders` re-plans a task's reminders after each change (due date, completion, deletion). */
  constructor(
    db: Database,
    readonly reminders?: TaskReminders,
  ) {
    this.repo = new TaskRepository(db);
  }

  async listTasks(userId: string, query: ListTasksQuery): Promise<TaskPage> {
    const { rows, total } = await this.repo.list(userId, query);
    return { tasks: rows.map(toTask), total, limit: query.limit, offset: query.offset };
  }

  /** The person's tasks, oldest first, a page at a time (GET /api/tasks/me). */
  async myTasks(userId: string, query: MyTasksQuery): Promise<Task[]> {
    return (await this.repo.page(userId, query)).map(toTask);
  }

  async getTask(userId: string, id: string): Promise<Task> {
    const row = await this.repo.findById(userId, id);
    if (!row) throw notFound("task");
    return toTask(row);
  }

  async createTask(userId: string, input: CreateTask): Promise<Task> {
    return toTask(await this.repo.insert(userId, input, admitNewOpenTask));
  }

  async updateTask(userId: string, id: string, patch: UpdateTask): Promise<Task> {
    if (patch.completed === false) {
      const counts = await this.repo.counts(userId);
      if (counts.open >= TASK_LIMITS.openTasksMax) admitNewOpenTask(counts);
    }
    const row = await this.repo.update(userId, id, patch);
    if (!row) throw notFound("task");
    await this.reminders?.replanTask(userId, id);
    return toTask(row);
  }

  async deleteTask(userId: string, id: string): Promise<Task> {
    const row = await this.repo.delete(userId, id);
    if (!row) throw notFound("task");
    await this.reminders?.replanTask(userId, id);
    return toTask(row);
  }

  /** Marks the task a reference means done: among open tasks first, and no change to one already done. */
  async completeTask(userId: string, ref: TaskRef): Promise<Task> {
    const task = await this.resolveTask(userId, ref, "pending");
    return task.completed ? task : this.updateTask(userId, task.id, { completed: true });
  }

  async updateTaskByRef(userId: string, ref: TaskRef, patch: UpdateTask): Promise<Task> {
    return this.updateTask(userId, (await this.resolveTask(userId, ref)).id, patch);
  }

  async deleteTaskByRef(userId: string, ref: TaskRef): Promise<Task> {
    return this.deleteTask(userId, (await this.resolveTask(userId, ref)).id);
  }

  /**
   * Finds the one task a reference means. A title matches fuzzily; when several match equally, the
   * ones in the preferred state win, and if that still leaves several the caller is asked to choose.
   */
  async resolveTask(userId: string, ref: TaskRef, prefer: "pending" | "completed" | "any" = "any"): Promise<Task> {
    if (ref.number !== undefined) {
      const row = await this.repo.findByNumber(userId, ref.number);
      if (!row) throw new DomainError("not_found", `there is no task #${ref.number}`);
      return toTask(row);
    }
    const words = ref.match?.trim();
    if (!words) throw new DomainError("validation_error", "say which task: give its number or words from its title", { field: "match" });
    const patterns = titleKeyPatterns(words).slice(0, MATCH_PATTERNS_MAX);
    let matches = bestMatches(words, await this.repo.findByTitlePatterns(userId, patterns, MATCH_CANDIDATES), (t) => t.title);
    if (matches.length > 1 && prefer !== "any") {
      const preferred = matches.filter((m) => m.item.completed === (prefer === "completed"));
      if (preferred.length > 0) matches = preferred;
    }
    if (matches.length === 0) throw new DomainError("not_found", `no task matches "${words}"`);
    if (matches.length > 1) {
      const list = matches.map((m) => `#${m.item.number} ${m.item.title}`).join("; ");
      throw new DomainError("ambiguous", `several tasks match "${words}": ${list}. Say which one by number.`);
    }
    return toTask(matches[0]!.item);
  }
}
