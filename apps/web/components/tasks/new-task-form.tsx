"use client";
/**
 * Add a task: one compact line, the title is enough; priority, due date and tags open below it once
 * a title is being typed, so the list itself starts near the top of the first screen. `q` or `n`
 * anywhere on the page focuses it (see tasks-view.tsx).
 */
import { useRef, useState, type FormEvent, type RefObject } from "react";
import { Plus } from "lucide-react";
import { toast } from "sonner";
import { DEFAULT_PRIORITY, type Priority } from "@todo/contracts/constants";
import { ApiError, tasksApi } from "@/lib/api.client";
import { loadTaskSchemas, validateNewTask, type TaskFormErrors } from "@/lib/task-form";
import { cn } from "@/lib/cn";
import { Button } from "@/components/ui/button";
import { PriorityOptions } from "./priority-options";
import { Field, Input, Label, Select } from "@/components/ui/input";

/** Repeat presets: RFC 5545 rules the API pins to the task's first date (weekly on its weekday…). */
const REPEAT_PRESETS = [
  ["", "Does not repeat"],
  ["FREQ=DAILY", "Every day"],
  ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday"],
  ["FREQ=WEEKLY", "Every week"],
  ["FREQ=WEEKLY;INTERVAL=2", "Every 2 weeks"],
  ["FREQ=MONTHLY", "Every month"],
  ["FREQ=YEARLY", "Every year"],
] as const;

export function NewTaskForm({
  knownTags,
  onCreated,
  inputRef,
}: {
  knownTags: string[];
  onCreated: () => void;
  /** The title box, for the page's quick-add shortcut. */
  inputRef?: RefObject<HTMLInputElement | null>;
}) {
  const [title, setTitle] = useState("");
  const [priority, setPriority] = useState<Priority>(DEFAULT_PRIORITY);
  const [dueDate, setDueDate] = useState("");
  const [dueTime, setDueTime] = useState("");
  const [repeat, setRepeat] = useState("");
  const [tags, setTags] = useState("");
  const [errors, setErrors] = useState<TaskFormErrors>({});
  const [pending, setPending] = useState(false);
  const ownRef = useRef<HTMLInputElement>(null);
  const titleRef = inputRef ?? ownRef;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const checked = await validateNewTask({ title, description: "", priority, dueDate, dueTime, repeat, tags });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setPending(true);
    try {
      const task = await tasksApi.create(checked.body);
      toast.success(`Added “${task.title}”`);
      setTitle("");
      setDueDate("");
      setDueTime("");
      setRepeat("");
      setTags("");
      setPriority(DEFAULT_PRIORITY);
      onCreated();
      titleRef.current?.focus();
    } catch (err) {
      if (err instanceof ApiError && err.field) setErrors({ [err.field]: err.message });
      else setErrors({ form: err instanceof Error ? err.message : "Could not add the task." });
    } finally {
      setPending(false);
    }
  }

  const started = title !== "" || dueDate !== "" || tags !== "" || priority !== DEFAULT_PRIORITY;
  const detail = cn(!started && "hidden");

  const err = (field: keyof TaskFormErrors) =>
    errors[field] ? (
      <p id={`new-${field}-error`} className="text-xs text-destructive">
        {errors[field]}
      </p>
    ) : null;

  return (
    <form onSubmit={onSubmit} onFocus={() => void loadTaskSchemas()} noValidate aria-label="Add a task" className="rounded-lg border bg-card p-2 shadow-sm">
      <div className="flex items-start gap-2">
        <div className="min-w-0 flex-1 space-y-1">
          <Label htmlFor="new-title" className="sr-only">
            New task title
          </Label>
          <Input
            id="new-title"
            ref={titleRef}
            value={title}
            onChange={(e) => {
              setTitle(e.target.value);
              setErrors((errs) => ({ ...errs, title: undefined }));
            }}
            placeholder="Add a task, e.g. Buy milk"
            aria-invalid={!!errors.title}
            aria-describedby={errors.title ? "new-title-error" : "new-title-hint"}
            aria-keyshortcuts="q n"
          />
          <span id="new-title-hint" className="sr-only">
            Press q or n anywhere on the page to come back here.
          </span>
          {err("title")}
        </div>
        <Button type="submit" disabled={pending}>
          <Plus aria-hidden /> Add task
        </Button>
      </div>
      <div className={cn("mt-2 grid grid-cols-2 gap-3 sm:grid-cols-[auto_auto_1fr]", !started && "hidden")} data-testid="new-task-details">
        <Field id="new-priority" label="Priority" className={detail}>
          <Select id="new-priority" value={priority} onChange={(e) => setPriority(e.target.value as Priority)} className="w-full">
            <PriorityOptions />
          </Select>
        </Field>
        <Field id="new-due" label="Due date" className={detail}>
          <Input
            id="new-due"
            type="date"
            value={dueDate}
            onChange={(e) => setDueDate(e.target.value)}
            aria-invalid={!!errors.dueDate}
            aria-describedby={errors.dueDate ? "new-dueDate-error" : undefined}
          />
          {err("dueDate")}
        </Field>
        <Field id="new-due-time" label="Time" className={detail}>
          <Input id="new-due-time" type="time" value={dueTime} onChange={(e) => setDueTime(e.target.value)} aria-invalid={!!errors.dueTime} />
          {err("dueTime")}
        </Field>
        <Field id="new-repeat" label="Repeat" className={detail}>
          <Select id="new-repeat" value={repeat} onChange={(e) => setRepeat(e.target.value)} className="w-full">
            {REPEAT_PRESETS.map(([rule, label]) => (
              <option key={rule} value={rule}>
                {label}
              </option>
            ))}
          </Select>
          {err("repeat")}
        </Field>
        <Field
          id="new-tags"
          label={
            <>
              Tags <span className="font-normal">(separate with commas)</span>
            </>
          }
          className={cn("col-span-2 sm:col-span-1", detail)}
        >
          <Input
            id="new-tags"
            value={tags}
            onChange={(e) => {
              setTags(e.target.value);
              setErrors((errs) => ({ ...errs, tags: undefined }));
            }}
            placeholder="groceries, home"
            list="known-tags"
            aria-invalid={!!errors.tags}
            aria-describedby={errors.tags ? "new-tags-error" : undefined}
          />
          {err("tags")}
        </Field>
      </div>
      <datalist id="known-tags">
        {knownTags.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      {errors.form && (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {errors.form}
        </p>
      )}
    </form>
  );
}
