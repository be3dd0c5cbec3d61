/**
 * Task rules, shared by the REST routes, the MCP tools and so the assistant. Every method takes the
 * acting user's id; a task that belongs to someone else is indistinguishable from one that doesn't exist.
 */
import {
  splitDue,
  TASK_LIMITS,
  type CreateTask,
  type ListTasksQuery,
  type MyTasksQuery,
  type Task,
  type TaskPage,
  type TaskRef,
  type UpdateTask,
} from "@todo/contracts";
import { DomainError, notFound } from "../domain-error.ts";
import { bestMatches, titleKeyPatterns } from "./tasks.match.ts";
import { TaskRepository, toTask, type TaskPatch, type TaskRow, type TimingValues } from "./tasks.repository.ts";
import { anchorRule, dueInstant, firstOccurrence, nextOccurrence, normalizeRule, todayIn } from "./tasks.time.ts";
import type { Database } from "../db/client.ts";
import { DEFAULT_TIME_ZONE, SettingsRepository } from "../settings/settings.repository.ts";

/** What a create or update says about a task's time. */
interface TimingPatch {
  dueDate?: string | null | undefined;
  dueTime?: string | null | undefined;
  timeZone?: string | undefined;
  repeat?: string | null | undefined;
}

const invalid = (field: string, message: string) => new DomainError("validation_error", message, { field });

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
  readonly settings: SettingsRepository;

  constructor(
    db: Database,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.repo = new TaskRepository(db);
    this.settings = new SettingsRepository(db);
  }

  /** The person's time zone: their setting, else UTC. "Today", overdue and printed dates are in it. */
  async timeZoneOf(userId: string): Promise<string> {
    return (await this.settings.timeZone(userId)) ?? DEFAULT_TIME_ZONE;
  }

  /**
   * A task's time fields after a create or an update: the date, the local time, the zone they are
   * meant in (the request's, else the person's), the rule (pinned to its start) and the derived
   * instant. Undefined when an update does not touch them.
   */
  private async timing(userId: string, current: TaskRow | undefined, given: TimingPatch): Promise<TimingValues | undefined> {
    const patch = { ...given, ...splitDue(given.dueDate, given.dueTime) };
    const touched = patch.dueDate !== undefined || patch.dueTime !== undefined || patch.timeZone !== undefined || patch.repeat !== undefined;
    if (current && !touched) return undefined;
    const cleared = patch.dueDate === null;
    if (cleared && patch.dueTime) throw invalid("dueTime", "a due time needs a due date");
    const keepZone = current?.timeZone && patch.dueDate === undefined && patch.dueTime === undefined;
    const timeZone = patch.timeZone ?? (keepZone ? current!.timeZone! : await this.timeZoneOf(userId));
    let dueDate = patch.dueDate !== undefined ? patch.dueDate : (current?.dueDate ?? null);
    const dueTime = patch.dueTime !== undefined ? patch.dueTime : cleared ? null : (current?.dueTime ?? null);
    let repeat = patch.repeat !== undefined ? (patch.repeat === null ? null : normalizeRule(patch.repeat)) : cleared ? null : (current?.repeat ?? null);
    if (repeat && !dueDate) {
      dueDate = firstOccurrence(repeat, todayIn(this.clock(), timeZone));
      if (!dueDate) throw invalid("repeat", "this rule has no occurrence from today on");
    }
    if (dueTime && !dueDate) throw invalid("dueTime", "a due time needs a due date");
    if (repeat && patch.repeat) repeat = anchorRule(repeat, dueDate!);
    const zoned = dueTime !== null || repeat !== null;
    const values = { dueDate, dueTime, timeZone: zoned ? timeZone : null, repeat };
    return { ...values, dueAt: dueInstant(values) };
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
    const timing = (await this.timing(userId, undefined, input))!;
    const { timeZone: _, ...fields } = input;
    return toTask(await this.repo.insert(userId, { ...fields, ...timing }, admitNewOpenTask));
  }

  async updateTask(userId: string, id: string, patch: UpdateTask): Promise<Task> {
    if (patch.completed === false) {
      const counts = await this.repo.counts(userId);
      if (counts.open >= TASK_LIMITS.openTasksMax) admitNewOpenTask(counts);
    }
    const touchesTime = patch.dueDate !== undefined || patch.dueTime !== undefined || patch.timeZone !== undefined || patch.repeat !== undefined;
    const current = touchesTime || patch.completed === true ? await this.repo.findById(userId, id) : undefined;
    if ((touchesTime || patch.completed === true) && !current) throw notFound("task");
    const { timeZone: _, ...fields } = patch;
    const values: TaskPatch = { ...fields, ...(await this.timing(userId, current, patch)) };
    if (patch.completed === true && current && !current.completed) {
      const moved = await this.completeOccurrence(userId, current, values);
      if (moved) return toTask(moved);
    }
    const row = await this.repo.update(userId, id, values);
    if (!row) throw notFound("task");
    return toTask(row);
  }

  /**
   * Completing a repeating task records the occurrence and moves the same task to the next one (it
   * stays open). Undefined when it does not repeat or its rule has ended: then it is simply completed.
   */
  private async completeOccurrence(userId: string, current: TaskRow, values: TaskPatch): Promise<TaskRow | undefined> {
    const timing = { dueDate: values.dueDate ?? current.dueDate, dueTime: values.dueTime ?? current.dueTime, timeZone: values.timeZone ?? current.timeZone };
    const repeat = values.repeat === undefined ? current.repeat : values.repeat;
    if (!repeat || !timing.dueDate) return undefined;
    const next = nextOccurrence({ ...timing, repeat }, todayIn(this.clock(), timing.timeZone ?? (await this.timeZoneOf(userId))));
    if (!next) return undefined;
    const { completed: _, ...rest } = values;
    const moved = { ...timing, dueDate: next.dueDate, repeat: next.repeat };
    const row = await this.repo.completeOccurrence(userId, current, { ...rest, ...moved, dueAt: dueInstant(moved) });
    return row ?? undefined;
  }

  /** The completed occurrences of a repeating task (dates it was due, and when each was done). */
  async taskCompletions(userId: string, id: string): Promise<{ dueDate: string | null; completedAt: string }[]> {
    if (!(await this.repo.findById(userId, id))) throw notFound("task");
    return (await this.repo.completions(userId, id)).map((c) => ({ dueDate: c.dueDate, completedAt: c.completedAt.toISOString() }));
  }

  async deleteTask(userId: string, id: string): Promise<Task> {
    const row = await this.repo.delete(userId, id);
    if (!row) throw notFound("task");
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
