"use client";
/**
 * One task: tick it off (the checkbox), open it to edit in place (its title or Edit), see its due date,
 * tags and a priority other than the default, or delete it. The row itself takes focus (the list's
 * roving focus, arrow keys in tasks-view.tsx) and answers `x` (complete), `e` (edit), Delete and
 * Space (select it; Shift+Space: the tasks up to it). While tasks are selected the checkbox selects
 * instead of completing, and `x` and Delete are the page's: they act on the selection.
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { DEFAULT_PRIORITY, TRASH_DAYS } from "@todo/contracts/constants";
import { isTypingTarget } from "@/lib/shortcuts";
import { Bell, CalendarDays, Pencil, Trash2 } from "lucide-react";
import type { ListedTask, Priority, Task, UpdateTaskInput } from "@todo/contracts";
import { formatDue, isOverdue } from "@/lib/dates";
import { changedFields, validateTaskEdit, type TaskFormErrors } from "@/lib/task-form";
import { formatInstant } from "@/lib/reminder-words";
import { cn } from "@/lib/cn";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { PriorityOptions } from "./priority-options";
import { RepeatField } from "./repeat-field";
import { TaskReminders } from "./task-reminders";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, Input, Select, Textarea } from "@/components/ui/input";

/** The checkbox's 44×44 px hit area (WCAG 2.5.5) around the 20 px box; its negative margins keep the row's layout. */
const CHECK_AREA = "-mx-3 -mb-3 -mt-2.5 flex size-11 shrink-0 cursor-pointer items-center justify-center";

/** The task whose editor just saved: its row takes focus back to Edit, even as a new row in another group. */
let refocusAfterSave: string | null = null;

export function TaskItem({
  task,
  onToggle,
  onSave,
  onDelete,
  onTagClick,
  onRemindersChanged,
  tabIndex = -1,
  onRowFocus,
  selecting = false,
  selected = false,
  onSelect,
}: {
  /** The page is in selection mode: the checkbox picks the task for the bulk bar. */
  selecting?: boolean;
  selected?: boolean;
  /** Picks or unpicks the task; `range`: every task from the last one picked to this one. */
  onSelect?: (range: boolean) => void;
  /** 0 for the one row of the list that Tab reaches (roving focus), -1 for the others. */
  tabIndex?: number;
  onRowFocus?: () => void;
  /** From the list, a task also says when its next reminder fires (the row's bell). */
  task: Task & Partial<Pick<ListedTask, "nextReminderAt">>;
  onToggle: () => void;
  onSave: (patch: UpdateTaskInput) => Promise<boolean>;
  /** A reminder was added or removed in the editor (the list refreshes its bells). */
  onRemindersChanged?: () => void;
  onDelete: () => void;
  onTagClick: (tag: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  // Focus returns to the Edit button when the editor closes, so keyboard users don't lose their place,
  // also when a saved change (a new due date) moved the task to another group, where it is a new row.
  useEffect(() => {
    if ((wasEditing.current && !editing) || (!editing && refocusAfterSave === task.id)) {
      refocusAfterSave = null;
      editButton.current?.focus();
    }
    wasEditing.current = editing;
  }, [editing, task.id]);

  if (editing) {
    return (
      <li className="bg-muted/30 p-3 sm:p-4" data-testid="task-item" data-task-number={task.number}>
        <TaskEditor
          task={task}
          onCancel={() => setEditing(false)}
          onRemindersChanged={onRemindersChanged}
          onSave={async (patch) => {
            if (!patch) {
              setEditing(false);
              return;
            }
            refocusAfterSave = task.id;
            if (await onSave(patch)) setEditing(false);
            else refocusAfterSave = null;
          }}
        />
      </li>
    );
  }

  const overdue = isOverdue(task.dueDate, task.completed);
  return (
    <li
      id={`task-${task.id}`}
      className="flex items-start gap-3 px-3 py-2 sm:items-center sm:py-1.5 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-ring data-[focused=true]:ring-2 data-[focused=true]:ring-ring"
      data-testid="task-item"
      data-task-row=""
      data-task-number={task.number}
      data-completed={task.completed}
      data-selected={selecting ? selected : undefined}
      tabIndex={tabIndex}
      aria-label={`${task.title}${task.completed ? ", done" : ""}`}
      onFocus={onRowFocus}
      onKeyDown={(e) => {
        if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
        if (e.key === " " && onSelect && e.target === e.currentTarget) {
          e.preventDefault();
          onSelect(e.shiftKey);
          return;
        }
        if (selecting && (e.key === "x" || e.key === "Delete")) return; // the page's: on the selection
        if (e.key === "x") {
          e.preventDefault();
          onToggle();
        } else if (e.key === "e") {
          e.preventDefault();
          setEditing(true);
        } else if (e.key === "Delete") {
          e.preventDefault();
          setConfirming(true);
        }
      }}
    >
      {/* The checkbox alone completes: its label is a 44×44 px hit area (WCAG 2.5.5) around the 20 px box,
          its negative margins keeping the row's layout. The title opens the task instead. */}
      {selecting ? (
        <label className={CHECK_AREA} data-testid="task-check">
          <input
            type="checkbox"
            checked={selected}
            // onClick, not onChange: its event carries Shift (a range).
            onClick={(e) => onSelect?.(e.shiftKey)}
            onChange={() => undefined}
            className="size-5 cursor-pointer rounded-full accent-[var(--primary)] focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            aria-label={`Select: ${task.title}`}
            data-testid="task-select"
          />
        </label>
      ) : (
        <label className={CHECK_AREA} data-testid="task-check">
          <input
            type="checkbox"
            checked={task.completed}
            onChange={onToggle}
            className="size-5 cursor-pointer rounded accent-[var(--primary)] focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            aria-label={`${task.completed ? "Mark as not done" : "Mark as done"}: ${task.title}`}
          />
        </label>
      )}
      {/* One line on a wide screen (title, then number, badges and tags); two on a phone. */}
      <div className="flex min-w-0 flex-1 flex-col sm:flex-row sm:flex-wrap sm:items-center sm:gap-x-3">
        <button
          type="button"
          onClick={() => setEditing(true)}
          className={cn(
            "block w-full cursor-pointer break-words rounded-sm text-left font-medium sm:w-auto sm:max-w-full hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
            task.completed && "text-muted-foreground line-through",
          )}
          data-testid="task-title"
        >
          {task.title}
        </button>
        <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs sm:mt-0">
          <span className="text-muted-foreground">#{task.number}</span>
          {/* Only what departs from the default: a "medium" badge on every row says nothing. */}
          {task.priority !== DEFAULT_PRIORITY && (
            <Badge variant={task.priority} data-testid="task-priority">
              <span className="sr-only">Priority: </span>
              {task.priority}
            </Badge>
          )}
          {task.dueDate && (
            <Badge variant={overdue ? "overdue" : "outline"} data-testid="task-due" title={task.dueDate}>
              <CalendarDays className="size-3" aria-hidden />
              {overdue ? "overdue · " : "due "}
              {formatDue(task.dueDate)}
              {task.dueTime ? ` ${task.dueTime}` : ""}
            </Badge>
          )}
          {task.nextReminderAt && (
            <Badge variant="outline" data-testid="task-reminder" title={`Reminder ${formatInstant(task.nextReminderAt)}`}>
              <Bell className="size-3" aria-hidden />
              <span className="sr-only">Reminder {formatInstant(task.nextReminderAt)}</span>
            </Badge>
          )}
          {task.repeatText && (
            <Badge variant="outline" data-testid="task-repeat">
              {task.repeatText}
            </Badge>
          )}
          {task.tags.map((tag) => (
            <button
              key={tag}
              type="button"
              onClick={() => onTagClick(tag)}
              className="rounded-full bg-accent px-2 py-0.5 font-medium text-accent-foreground hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
              aria-label={`Show tasks tagged ${tag}`}
            >
              #{tag}
            </button>
          ))}
        </div>
        {task.description && <p className="mt-0.5 line-clamp-2 break-words text-sm text-muted-foreground sm:basis-full">{task.description}</p>}
      </div>
      <div className="flex shrink-0 gap-1">
        <Button ref={editButton} variant="ghost" size="icon-sm" onClick={() => setEditing(true)} aria-label={`Edit: ${task.title}`}>
          <Pencil aria-hidden />
        </Button>
        <Button
          variant="ghost"
          size="icon-sm"
          className="text-muted-foreground hover:text-destructive"
          onClick={() => setConfirming(true)}
          aria-label={`Delete: ${task.title}`}
        >
          <Trash2 aria-hidden />
        </Button>
      </div>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title="Delete this task?"
        description={
          <>
            &ldquo;{task.title}&rdquo; moves to the Trash, where you can restore it for {TRASH_DAYS} days.
          </>
        }
        confirmLabel="Delete task"
        onConfirm={onDelete}
      />
    </li>
  );
}

function TaskEditor({
  task,
  onCancel,
  onSave,
  onRemindersChanged,
}: {
  task: Task;
  onCancel: () => void;
  /** Only the fields that changed; null when nothing did. */
  onSave: (patch: UpdateTaskInput | null) => Promise<unknown>;
  onRemindersChanged?: () => void;
}) {
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const [priority, setPriority] = useState<Priority>(task.priority);
  const [dueDate, setDueDate] = useState(task.dueDate ?? "");
  const [dueTime, setDueTime] = useState(task.dueTime ?? "");
  const [repeat, setRepeat] = useState(task.repeat ?? "");
  const [tags, setTags] = useState(task.tags.join(", "));
  const [errors, setErrors] = useState<TaskFormErrors>({});
  const [pending, setPending] = useState(false);
  const id = (field: string) => `edit-${field}-${task.id}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (dueTime && !dueDate) {
      setErrors({ dueTime: "Give the task a date for this time, or clear the time." });
      return;
    }
    const checked = await validateTaskEdit({ title, description, priority, dueDate, tags, dueTime, repeat });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setPending(true);
    await onSave(changedFields(task, checked.body));
    setPending(false);
  }

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={`Edit task ${task.title}`}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          onCancel();
        }
      }}
      className="grid grid-cols-2 gap-3 sm:grid-cols-3"
    >
      <Field id={id("title")} label="Title" className="col-span-2 sm:col-span-3">
        <Input
          id={id("title")}
          value={title}
          autoFocus
          onChange={(e) => {
            setTitle(e.target.value);
            setErrors((errs) => ({ ...errs, title: undefined }));
          }}
          aria-invalid={!!errors.title}
          aria-describedby={errors.title ? id("title-error") : undefined}
        />
        {errors.title && (
          <p id={id("title-error")} className="text-xs text-destructive">
            {errors.title}
          </p>
        )}
      </Field>
      <Field id={id("description")} label="Notes" className="col-span-2 sm:col-span-3">
        <Textarea id={id("description")} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <Field id={id("priority")} label="Priority">
        <Select id={id("priority")} className="w-full" value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
          <PriorityOptions />
        </Select>
      </Field>
      <Field id={id("due")} label="Due date">
        <Input id={id("due")} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
      </Field>
      <Field id={id("due-time")} label="Time">
        <Input
          id={id("due-time")}
          type="time"
          value={dueTime}
          onChange={(e) => {
            setDueTime(e.target.value);
            setErrors((errs) => ({ ...errs, dueTime: undefined }));
          }}
          aria-invalid={!!errors.dueTime}
          aria-describedby={errors.dueTime ? id("dueTime-error") : id("due-time-hint")}
        />
        {errors.dueTime ? (
          <p id={id("dueTime-error")} className="text-xs text-destructive">
            {errors.dueTime}
          </p>
        ) : (
          <span id={id("due-time-hint")} className="sr-only">
            Leave empty for all day.
          </span>
        )}
      </Field>
      <Field id={id("tags")} label="Tags" className="col-span-2 sm:col-span-1">
        <Input
          id={id("tags")}
          value={tags}
          list="known-tags"
          onChange={(e) => {
            setTags(e.target.value);
            setErrors((errs) => ({ ...errs, tags: undefined }));
          }}
          aria-invalid={!!errors.tags}
          aria-describedby={errors.tags ? id("tags-error") : undefined}
        />
        {errors.tags && (
          <p id={id("tags-error")} className="text-xs text-destructive">
            {errors.tags}
          </p>
        )}
      </Field>
      <div className="col-span-2 sm:col-span-3">
        <RepeatField
          id={id("repeat")}
          value={repeat}
          onChange={(rule) => {
            setRepeat(rule);
            setErrors((errs) => ({ ...errs, repeat: undefined }));
          }}
          savedRule={task.repeat}
          dueDate={dueDate}
          dueTime={dueTime}
          error={errors.repeat}
        />
      </div>
      <div className="col-span-2 sm:col-span-3">
        <TaskReminders task={task} onChanged={() => onRemindersChanged?.()} />
      </div>
      <div className="col-span-2 flex justify-end gap-2 sm:col-span-3">
        <Button variant="outline" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={pending}>
          Save
        </Button>
      </div>
    </form>
  );
}
