/**
 * Task rules, shared by the REST routes, the MCP tools and so the assistant. Every method takes the
 * acting user's id; a task that belongs to someone else is indistinguishable from one that doesn't exist.
 */
import { randomUUID } from "node:crypto";
import {
  BULK_SAMPLE,
  splitDue,
  TASK_LIMITS,
  TRASH_DAYS,
  type BulkChanges,
  type BulkResult,
  type CreateTask,
  type ListTasksQuery,
  type MyTasksQuery,
  type Task,
  type TaskFilter,
  type TaskPage,
  type TaskRef,
  type TrashPage,
  type UndoResult,
  type UpdateTask,
} from "@todo/contracts";
import { DomainError, notFound } from "../domain-error.ts";
import { bestMatches, titleKeyPatterns } from "./tasks.match.ts";
import { snapshotOf, TaskRepository, toTask, type ChangeRow, type TaskPatch, type TaskRow, type TimingValues } from "./tasks.repository.ts";
import { anchorRule, dueInstant, firstOccurrence, nextOccurrence, normalizeRule, todayIn } from "./tasks.time.ts";
import type { Database } from "../db/client.ts";
import type { TaskReminders } from "../reminders/reminders.service.ts";
import { DEFAULT_TIME_ZONE, SettingsRepository } from "../settings/settings.repository.ts";

/** What a create or update says about a task's time. */
interface TimingPatch {
  dueDate?: string | null | undefined;
  dueTime?: string | null | undefined;
  timeZone?: string | undefined;
  repeat?: string | null | undefined;
}

const invalid = (field: string, message: string) => new DomainError("validation_error", message, { field });
const touchesTime = (p: TimingPatch) => p.dueDate !== undefined || p.dueTime !== undefined || p.timeZone !== undefined || p.repeat !== undefined;

/** Who made a change: the conversation whose assistant made it (undo in a chat reverts that conversation's changes). */
export interface ChangeContext {
  conversationId?: string | undefined;
  /** The id the change is logged under, chosen by the caller to hand back (REST's Change-Id header); else a new one. */
  changeId?: string | undefined;
}

/** What the change log names a change: a bulk change is one batch of op "bulk" whatever it did. */
export type ChangeOp = "add" | "complete" | "reopen" | "update" | "delete" | "restore" | "bulk";

const DAY_MS = 86_400_000;

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

  /** `reminders` re-plans a task's reminders after each change (due date, completion, deletion). */
  constructor(
    private readonly db: Database,
    readonly reminders?: TaskReminders,
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
   * meant in (the request's, else the person's `personZone`), the rule (pinned to its start) and the
   * derived instant. Undefined when an update does not touch them.
   */
  private timing(personZone: string, current: TaskRow | undefined, given: TimingPatch): TimingValues | undefined {
    const patch = { ...given, ...splitDue(given.dueDate, given.dueTime) };
    if (current && !touchesTime(patch)) return undefined;
    const cleared = patch.dueDate === null;
    if (cleared && patch.dueTime) throw invalid("dueTime", "a due time needs a due date");
    const keepZone = current?.timeZone && patch.dueDate === undefined && patch.dueTime === undefined;
    const timeZone = patch.timeZone ?? (keepZone ? current!.timeZone! : personZone);
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

  /**
   * Completing a repeating task: the values that move it to its next occurrence (it stays open).
   * Undefined when it does not repeat or its rule has ended: then it is simply completed.
   */
  private nextOccurrenceValues(personZone: string, current: TaskRow, values: TaskPatch): Omit<TaskPatch, "completed"> | undefined {
    const timing = {
      dueDate: values.dueDate === undefined ? current.dueDate : values.dueDate,
      dueTime: values.dueTime === undefined ? current.dueTime : values.dueTime,
      timeZone: values.timeZone === undefined ? current.timeZone : values.timeZone,
    };
    const repeat = values.repeat === undefined ? current.repeat : values.repeat;
    if (!repeat || !timing.dueDate) return undefined;
    const next = nextOccurrence({ ...timing, repeat }, todayIn(this.clock(), timing.timeZone ?? personZone));
    if (!next) return undefined;
    const { completed: _, ...rest } = values;
    const moved = { ...timing, dueDate: next.dueDate, repeat: next.repeat };
    return { ...rest, ...moved, dueAt: dueInstant(moved) };
  }

  /**
   * Changes the person's time zone. Their open tasks meant in the zone they had move to the new one
   * keeping their local wall time (floating, as Todoist and Google Tasks do: "09:00" stays 09:00
   * where the person now is), their instants recomputed; a task given another zone keeps it. The
   * setting, the moved tasks and the re-planned reminders change in one transaction.
   */
  async changeTimeZone(userId: string, timeZone: string): Promise<{ moved: number }> {
    return this.transaction(async (tx) => {
      const settings = new SettingsRepository(tx);
      const old = (await settings.lockTimeZone(userId)) ?? DEFAULT_TIME_ZONE;
      await settings.setTimeZone(userId, timeZone);
      if (old === timeZone) return { moved: 0 };
      const moving = await this.repo.selectInZone(tx, userId, old);
      for (const task of moving) {
        await this.repo.setZone(tx, userId, task.id, { timeZone, dueAt: dueInstant({ ...task, timeZone }) });
      }
      // Every reminder may move: relative ones of moved tasks, and those placed in the person's zone.
      await this.reminders?.replanPerson(userId, { tx, timeZone });
      return { moved: moving.length };
    });
  }

  /** The completed occurrences of a repeating task (dates it was due, and when each was done). */
  async taskCompletions(userId: string, id: string): Promise<{ dueDate: string | null; completedAt: string }[]> {
    if (!(await this.repo.findById(userId, id))) throw notFound("task");
    return (await this.repo.completions(userId, id)).map((c) => ({ dueDate: c.dueDate, completedAt: c.completedAt.toISOString() }));
  }

  private transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(tx as unknown as Database));
  }

  /**
   * Runs a change that can bring tasks back (reopen, restore, undo) holding the lock an insert takes
   * first, so a person's concurrent changes are counted one after the other, as creates are. A change
   * that leaves more open (or live) tasks than before and more than the cap throws, rolling it back.
   */
  private async withinCaps<T>(tx: Database, userId: string, change: () => Promise<T>): Promise<T> {
    await this.repo.lockCounter(tx, userId);
    const before = await this.repo.counts(userId, tx);
    const result = await change();
    const after = await this.repo.counts(userId, tx);
    if (after.open > before.open && after.open > TASK_LIMITS.openTasksMax) {
      throw limitReached(`that would pass ${fmt(TASK_LIMITS.openTasksMax)} open tasks, the most a list can hold; complete or delete some first`);
    }
    if (after.total > before.total && after.total > TASK_LIMITS.tasksMax) {
      throw limitReached(`that would pass ${fmt(TASK_LIMITS.tasksMax)} tasks, the most a list can hold; delete some first`);
    }
    return result;
  }

  /** The change-log rows of one batch: the tasks that really changed, before and after. */
  private changeRows(
    userId: string,
    ctx: ChangeContext,
    op: ChangeOp,
    pairs: { before: TaskRow | null; after: TaskRow }[],
    opOf: (taskId: string) => ChangeOp = () => op,
  ): ChangeRow[] {
    const batchId = ctx.changeId ?? randomUUID();
    return pairs.flatMap(({ before, after }) => {
      const was = before && snapshotOf(before);
      const now = snapshotOf(after);
      if (was && JSON.stringify(was) === JSON.stringify(now)) return [];
      return [{ userId, conversationId: ctx.conversationId ?? null, batchId, taskId: after.id, op: opOf(after.id), before: was, after: now }];
    });
  }

  async listTasks(userId: string, query: ListTasksQuery): Promise<TaskPage> {
    const { tasks, total } = await this.repo.listTasks(userId, query);
    return { tasks, total, limit: query.limit, offset: query.offset };
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

  async createTask(userId: string, input: CreateTask, ctx: ChangeContext = {}): Promise<Task> {
    const [task] = await this.createTasks(userId, [input], ctx);
    return task!;
  }

  /** Adds several tasks as one change (one undo removes them all). */
  async createTasks(userId: string, inputs: CreateTask[], ctx: ChangeContext = {}): Promise<Task[]> {
    // Read before the transaction: the person's zone is the default for every input's time.
    const personZone = await this.timeZoneOf(userId);
    const prepared = inputs.map((input) => {
      const { timeZone: _, ...fields } = input;
      return { ...fields, ...this.timing(personZone, undefined, input)! };
    });
    return this.transaction(async (tx) => {
      const rows: TaskRow[] = [];
      for (const input of prepared) rows.push(await this.repo.insert(tx, userId, input, admitNewOpenTask));
      await this.repo.logChanges(
        tx,
        this.changeRows(
          userId,
          ctx,
          "add",
          rows.map((after) => ({ before: null, after })),
        ),
      );
      return rows.map(toTask);
    });
  }

  async updateTask(userId: string, id: string, patch: UpdateTask, ctx: ChangeContext = {}): Promise<Task> {
    const onlyCompletion = Object.keys(patch).length === 1 && patch.completed !== undefined;
    const op: ChangeOp = onlyCompletion ? (patch.completed ? "complete" : "reopen") : "update";
    const timed = touchesTime(patch);
    // Read before the transaction: the zone a time without one is meant in, and "today" for a next occurrence.
    const personZone = timed || patch.completed === true ? await this.timeZoneOf(userId) : DEFAULT_TIME_ZONE;
    const { timeZone: _, ...fields } = patch;
    const change = async (tx: Database) => {
      if (patch.completed === true) {
        // A repeating task: the occurrence is recorded and the task moves on, in this transaction (undo puts it back).
        const moved = await this.repo.completeOccurrence(tx, userId, id, async (current) =>
          this.nextOccurrenceValues(personZone, current, { ...fields, ...this.timing(personZone, current, patch) }),
        );
        if (moved) {
          await this.repo.logChanges(tx, this.changeRows(userId, ctx, "complete", [moved]));
          return toTask(moved.after);
        }
      }
      const current = timed ? await this.repo.findById(userId, id, false, tx) : undefined;
      if (timed && !current) throw notFound("task");
      const values: TaskPatch = { ...fields, ...(current ? this.timing(personZone, current, patch) : {}) };
      const changed = await this.repo.update(tx, userId, id, values);
      if (!changed) throw notFound("task");
      await this.repo.logChanges(tx, this.changeRows(userId, ctx, op, [changed]));
      return toTask(changed.after);
    };
    // Reopening adds an open task: counted under the lock, as a create is.
    return this.transaction((tx) => (patch.completed === false ? this.withinCaps(tx, userId, () => change(tx)) : change(tx))).then((task) =>
      this.replanned(userId, [task.id], task),
    );
  }

  /** Moves a task to the Trash: it keeps its number and can be restored for TRASH_DAYS days. */
  async deleteTask(userId: string, id: string, ctx: ChangeContext = {}): Promise<Task> {
    return this.transaction(async (tx) => {
      const changed = await this.repo.setDeleted(tx, userId, id, true);
      if (!changed) throw notFound("task");
      await this.repo.logChanges(tx, this.changeRows(userId, ctx, "delete", [changed]));
      return toTask(changed.after);
    }).then((task) => this.replanned(userId, [task.id], task));
  }

  /** Brings a task back from the Trash, under its own number. */
  async restoreTask(userId: string, id: string, ctx: ChangeContext = {}): Promise<Task> {
    return this.transaction((tx) =>
      this.withinCaps(tx, userId, async () => {
        const changed = await this.repo.setDeleted(tx, userId, id, false);
        if (!changed) throw new DomainError("not_found", "that task is not in the Trash");
        await this.repo.logChanges(tx, this.changeRows(userId, ctx, "restore", [changed]));
        return toTask(changed.after);
      }),
    ).then((task) => this.replanned(userId, [task.id], task));
  }

  /** After a change has committed: the changed tasks' reminders follow it (moved, cancelled). */
  private async replanned<T>(userId: string, taskIds: string[], result: T): Promise<T> {
    if (this.reminders) for (const id of taskIds) await this.reminders.replanTask(userId, id);
    return result;
  }

  /** The person's Trash, most recently deleted first (at most a page). */
  async listTrash(userId: string): Promise<TrashPage> {
    const { rows, total } = await this.repo.listTrash(userId, TASK_LIMITS.listMax);
    return { tasks: rows.map(toTask), total };
  }

  /** Marks the task a reference means done: among open tasks first, and no change to one already done. */
  async completeTask(userId: string, ref: TaskRef, ctx: ChangeContext = {}): Promise<Task> {
    const task = await this.resolveTask(userId, ref, "pending");
    return task.completed ? task : this.updateTask(userId, task.id, { completed: true }, ctx);
  }

  async updateTaskByRef(userId: string, ref: TaskRef, patch: UpdateTask, ctx: ChangeContext = {}): Promise<Task> {
    return this.updateTask(userId, (await this.resolveTask(userId, ref)).id, patch, ctx);
  }

  async deleteTaskByRef(userId: string, ref: TaskRef, ctx: ChangeContext = {}): Promise<Task> {
    return this.deleteTask(userId, (await this.resolveTask(userId, ref)).id, ctx);
  }

  async restoreTaskByRef(userId: string, ref: TaskRef, ctx: ChangeContext = {}): Promise<Task> {
    return this.restoreTask(userId, (await this.resolveTask(userId, ref, "any", true)).id, ctx);
  }

  /** How many tasks a filter selects (exactly what list_tasks would list) and the first few: what a bulk change would touch. */
  async previewBulk(userId: string, filter: TaskFilter): Promise<BulkResult> {
    const { rows, total } = await this.repo.preview(userId, filter, BULK_SAMPLE);
    return { count: total, tasks: rows.map(toTask) };
  }

  /**
   * Changes every task a filter selects, as one change (one undo reverts it). Tasks the change
   * would leave as they are (completing a done task) are not touched and not counted.
   */
  async updateMany(userId: string, filter: TaskFilter, changes: BulkChanges, ctx: ChangeContext = {}): Promise<BulkResult> {
    // Read before the transaction: "today" for the next occurrence of a repeating task it completes.
    const personZone = changes.completed === true ? await this.timeZoneOf(userId) : DEFAULT_TIME_ZONE;
    return this.transaction(async (tx) => {
      // Reopening counts under the lock an insert takes (taken before the tasks are), so a concurrent reopen or create waits.
      if (changes.completed === false) await this.repo.lockCounter(tx, userId);
      return this.applyBulk(tx, userId, await this.repo.selectForChange(tx, userId, filter), changes, ctx, personZone);
    }).then(({ result, ids }) => this.replanned(userId, ids, result));
  }

  /**
   * The same change for the tasks a person picked (the tasks page's selection): all of them or, when
   * any is not theirs or no longer there, none.
   */
  async updateSelected(userId: string, ids: string[], changes: BulkChanges, ctx: ChangeContext = {}): Promise<BulkResult> {
    const wanted = [...new Set(ids)];
    const personZone = changes.completed === true ? await this.timeZoneOf(userId) : DEFAULT_TIME_ZONE;
    return this.transaction(async (tx) => {
      // Reopening counts under the lock an insert takes (taken before the tasks are), so a concurrent reopen or create waits.
      if (changes.completed === false) await this.repo.lockCounter(tx, userId);
      const selected = await this.repo.selectByIdsForChange(tx, userId, wanted);
      const missing = wanted.length - selected.length;
      if (missing > 0) {
        const which = missing === 1 ? "1 of these tasks is" : `${fmt(missing)} of these tasks are`;
        throw new DomainError("not_found", `${which} not in your list (deleted, or never yours); nothing changed`);
      }
      return this.applyBulk(tx, userId, selected, changes, ctx, personZone);
    }).then(({ result, ids: changed }) => this.replanned(userId, changed, result));
  }

  /** One bulk change of the selected (locked) tasks, logged as one batch: the code path of update_tasks and the tasks page. */
  private async applyBulk(
    tx: Database,
    userId: string,
    selected: TaskRow[],
    changes: BulkChanges,
    ctx: ChangeContext,
    personZone: string,
  ): Promise<{ result: BulkResult; ids: string[] }> {
    const touched = selected.filter(
      (t) =>
        changes.delete === true ||
        (changes.completed !== undefined && t.completed !== changes.completed) ||
        (changes.priority !== undefined && t.priority !== changes.priority) ||
        (changes.dueDate !== undefined && t.dueDate !== changes.dueDate) ||
        (changes.addTag !== undefined && !t.tags.includes(changes.addTag)),
    );
    const reopened = changes.completed === false ? touched.filter((t) => t.completed).length : 0;
    if (reopened > 0) {
      const counts = await this.repo.counts(userId, tx);
      if (counts.open + reopened > TASK_LIMITS.openTasksMax) {
        throw new DomainError("limit_reached", `reopening ${fmt(reopened)} tasks would pass ${fmt(TASK_LIMITS.openTasksMax)} open tasks; narrow the filter`);
      }
    }
    const now = new Date();
    const values = {
      ...(changes.completed === undefined ? {} : { completed: changes.completed, completedAt: changes.completed ? now : null }),
      ...(changes.priority === undefined ? {} : { priority: changes.priority }),
      ...(changes.dueDate === undefined ? {} : { dueDate: changes.dueDate }),
      ...(changes.delete ? { deletedAt: now } : {}),
    };
    // A new due date moves each task's instant (its own time and zone); clearing it clears the time and the rule too.
    const timingOf = (t: TaskRow): Partial<TimingValues> => {
      if (changes.dueDate === null) return { dueTime: null, timeZone: null, dueAt: null, repeat: null };
      if (changes.dueDate !== undefined) return { dueAt: dueInstant({ dueDate: changes.dueDate, dueTime: t.dueTime, timeZone: t.timeZone }) };
      return {};
    };
    const after: TaskRow[] = [];
    const advanced = new Set<string>();
    const groups = new Map<string, { ids: string[]; timing: Partial<TimingValues> }>();
    for (const t of touched) {
      const timing = timingOf(t);
      if (changes.completed === true && !t.completed) {
        // A repeating task is completed as one would be alone: its occurrence recorded, the same task moved on.
        const { completed: _, completedAt: __, ...rest } = values;
        const next = this.nextOccurrenceValues(personZone, t, { ...rest, ...timing, completed: true });
        const moved = next && (await this.repo.completeOccurrence(tx, userId, t.id, async () => next));
        if (moved) {
          const row = changes.addTag === undefined ? moved.after : (await this.repo.updateMany(tx, userId, [t.id], {}, changes.addTag))[0]!;
          after.push(row);
          advanced.add(t.id);
          continue;
        }
      }
      const key = JSON.stringify(timing);
      const group = groups.get(key) ?? { ids: [], timing };
      group.ids.push(t.id);
      groups.set(key, group);
    }
    for (const group of groups.values()) after.push(...(await this.repo.updateMany(tx, userId, group.ids, { ...values, ...group.timing }, changes.addTag)));
    const byId = new Map(touched.map((t) => [t.id, t]));
    const pairs = after.map((a) => ({ before: byId.get(a.id)!, after: a })).sort((x, y) => x.after.number - y.after.number);
    // In the one batch, a moved-on repeating task is logged as a completion: undo forgets its recorded occurrence.
    await this.repo.logChanges(
      tx,
      this.changeRows(userId, ctx, "bulk", pairs, (id) => (advanced.has(id) ? "complete" : "bulk")),
    );
    return { result: { count: pairs.length, tasks: pairs.slice(0, BULK_SAMPLE).map((p) => toTask(p.after)) }, ids: pairs.map((p) => p.after.id) };
  }

  /**
   * Reverts the latest change not yet undone, exactly: in a conversation, that conversation's;
   * otherwise the person's latest anywhere. Called again, it reverts the change before.
   */
  async undo(userId: string, ctx: ChangeContext = {}): Promise<UndoResult> {
    // An undone completion or deletion brings tasks back: counted under the lock, as a create is.
    return this.transaction((tx) =>
      this.withinCaps(tx, userId, async () => {
        const batch = await this.repo.latestBatch(tx, userId, ctx.conversationId);
        const first = batch[0];
        if (!first) throw new DomainError("not_found", ctx.conversationId ? "there is nothing to undo in this conversation" : "there is nothing to undo");
        // A conversation's last change may have been overtaken on the tasks page (or in another chat).
        await this.refuseIfChangedSince(tx, userId, batch);
        return this.revertBatch(tx, userId, batch);
      }),
    ).then(({ result, ids }) => this.replanned(userId, ids, result));
  }

  /**
   * Reverts one named change (the one an Undo toast names), not the person's latest. It must not be
   * undone yet, and no later change still in force may have touched any of its tasks: reverting
   * under one would silently throw that later change away, so the person undoes the later one first
   * (an undone later change is no obstacle: its tasks are back as this change left them).
   * Another person's change id is "not found", like a change that never was.
   */
  async undoChange(userId: string, changeId: string): Promise<UndoResult> {
    // Like undo(): what it brings back is counted under the lock an insert takes.
    return this.transaction((tx) =>
      this.withinCaps(tx, userId, async () => {
        const batch = await this.repo.batch(tx, userId, changeId);
        if (batch.length === 0) throw new DomainError("not_found", "there is no such change to undo");
        if (batch.some((c) => c.undoneAt !== null)) throw new DomainError("undo_conflict", "That change is already undone");
        await this.refuseIfChangedSince(tx, userId, batch);
        return this.revertBatch(tx, userId, batch);
      }),
    ).then(({ result, ids }) => this.replanned(userId, ids, result));
  }

  /**
   * Refuses to revert a batch when a later change still in force touched any of its tasks: reverting
   * under it would silently throw that later change away. The tasks are locked first, so a write
   * landing meanwhile waits, or has committed and is counted.
   */
  private async refuseIfChangedSince(tx: Database, userId: string, batch: { id: number; taskId: string }[]): Promise<void> {
    const taskIds = [...new Set(batch.map((c) => c.taskId))];
    await this.repo.lockTasks(tx, userId, taskIds);
    if ((await this.repo.laterChanges(tx, userId, Math.max(...batch.map((c) => c.id)), taskIds)) > 0) {
      const which = taskIds.length === 1 ? "That task has" : "Some of those tasks have";
      throw new DomainError("undo_conflict", `${which} changed since; undo the later change first`);
    }
  }

  /** Puts a batch's tasks back exactly as they were before it, and marks it undone. */
  private async revertBatch(
    tx: Database,
    userId: string,
    batch: { batchId: string; taskId: string; op: string; before: unknown; after: unknown }[],
  ): Promise<{ result: UndoResult; ids: string[] }> {
    const reverted: TaskRow[] = [];
    for (const change of batch) {
      // An undone completion of a repeating task (it stayed open, moved on): its recorded occurrence goes too.
      const after = change.after as { completed?: boolean } | null;
      if (change.op === "complete" && after?.completed === false) await this.repo.forgetLatestCompletion(tx, userId, change.taskId);
      const row = await this.repo.revert(tx, userId, change);
      if (row) reverted.push(row);
    }
    const first = batch[0]!;
    await this.repo.markUndone(tx, userId, first.batchId, new Date());
    reverted.sort((a, b) => a.number - b.number);
    // A bulk change that moved repeating tasks on logs those rows as completions: the batch is still "bulk".
    const op = batch.some((c) => c.op === "bulk") ? "bulk" : first.op;
    return { result: { op, count: batch.length, tasks: reverted.slice(0, BULK_SAMPLE).map(toTask) }, ids: reverted.map((r) => r.id) };
  }

  /** Removes for good what was deleted more than TRASH_DAYS before `now`, and the change log as old. */
  async purgeTrash(now: Date): Promise<{ tasks: number; changes: number }> {
    return this.repo.purge(new Date(now.getTime() - TRASH_DAYS * DAY_MS));
  }

  /**
   * Finds the one task a reference means. A title matches fuzzily; when several match equally, the
   * ones in the preferred state win, and if that still leaves several the caller is asked to choose.
   */
  async resolveTask(userId: string, ref: TaskRef, prefer: "pending" | "completed" | "any" = "any", inTrash = false): Promise<Task> {
    if (ref.number !== undefined) {
      const row = await this.repo.findByNumber(userId, ref.number, inTrash);
      if (!row) throw new DomainError("not_found", inTrash ? `task #${ref.number} is not in the Trash` : `there is no task #${ref.number}`);
      return toTask(row);
    }
    const words = ref.match?.trim();
    if (!words) throw new DomainError("validation_error", "say which task: give its number or words from its title", { field: "match" });
    const patterns = titleKeyPatterns(words).slice(0, MATCH_PATTERNS_MAX);
    let matches = bestMatches(words, await this.repo.findByTitlePatterns(userId, patterns, MATCH_CANDIDATES, inTrash), (t) => t.title);
    if (matches.length > 1 && prefer !== "any") {
      const preferred = matches.filter((m) => m.item.completed === (prefer === "completed"));
      if (preferred.length > 0) matches = preferred;
    }
    if (matches.length === 0) throw new DomainError("not_found", inTrash ? `no task in the Trash matches "${words}"` : `no task matches "${words}"`);
    if (matches.length > 1) {
      const list = matches.map((m) => `#${m.item.number} ${m.item.title}`).join("; ");
      throw new DomainError("ambiguous", `several tasks match "${words}": ${list}. Say which one by number.`);
    }
    return toTask(matches[0]!.item);
  }
}
