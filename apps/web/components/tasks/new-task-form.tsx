"use client";
/**
 * Add a task: one compact line, the title is enough; priority, due date and tags open below it once
 * a title is being typed, so the list itself starts near the top of the first screen. `q` or `n`
 * anywhere on the page focuses it (see tasks-view.tsx).
 *
 * Quick add: the line is read the way the assistant reads an "add" (POST /api/tasks/parse, the
 * offline assistant's parser), so "pay rent friday #home !high" adds "Pay rent", due Friday, tagged
 * home, high priority. What it understood shows as chips while typing, before Enter.
 */
import { useEffect, useRef, useState, type FormEvent, type RefObject } from "react";
import { CalendarDays, Flag, Plus } from "lucide-react";
import type { ParsedTask } from "@todo/contracts";
import { toast } from "sonner";
import { DEFAULT_PRIORITY, type Priority } from "@todo/contracts/constants";
import { ApiError, tasksApi } from "@/lib/api.client";
import { loadTaskSchemas, parseTags, validateNewTask, type TaskFormErrors } from "@/lib/task-form";
import { REPEAT_PRESETS } from "@/lib/repeat-rule";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/cn";
import { Button } from "@/components/ui/button";
import { PriorityOptions } from "./priority-options";
import { Field, Input, Label, Select } from "@/components/ui/input";

/** How long typing pauses before the line is read. */
const PARSE_DEBOUNCE_MS = 200;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** "Fri 27 Nov" (a calendar day, no time zone involved). */
function chipDate(iso: string): string {
  const d = new Date(`${iso}T12:00:00Z`);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The line read (or null when it could not be: then it is taken literally). */
async function readLine(text: string): Promise<ParsedTask | null> {
  try {
    return await tasksApi.parse(text, timeZone());
  } catch {
    return null;
  }
}

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
  /** What the current line says, once read (`text` is the line it was read from). */
  const [parsed, setParsed] = useState<{ text: string; task: ParsedTask } | null>(null);
  const ownRef = useRef<HTMLInputElement>(null);
  const titleRef = inputRef ?? ownRef;

  useEffect(() => {
    const text = title.trim();
    if (!text) {
      setParsed(null);
      return;
    }
    let live = true;
    const timer = setTimeout(async () => {
      const task = await readLine(text);
      if (live) setParsed(task ? { text, task } : null);
    }, PARSE_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [title]);

  const understood = parsed && parsed.text === title.trim() ? parsed.task : null;
  const chips = understood && (understood.dueDate || understood.priority || understood.tags.length > 0) ? understood : null;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    // Enter before the pause: read the line now, so what is added is what the chips would say.
    const line = title.trim();
    const read = !line ? null : (understood ?? (await readLine(line)));
    const values = read
      ? {
          title: read.title || line,
          priority: read.priority ?? priority,
          dueDate: read.dueDate ?? dueDate,
          tags: read.tags.length ? [...new Set([...parseTags(tags), ...read.tags])].join(", ") : tags,
        }
      : { title, priority, dueDate, tags };
    const checked = await validateNewTask({ ...values, description: "", dueTime, repeat });
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
      setParsed(null);
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
            placeholder="Add a task, e.g. Pay rent friday #home !high"
            aria-invalid={!!errors.title}
            aria-describedby={errors.title ? "new-title-error" : chips ? "new-title-understood new-title-hint" : "new-title-hint"}
            aria-keyshortcuts="q n"
          />
          <span id="new-title-hint" className="sr-only">
            Press q or n anywhere on the page to come back here.
          </span>
          {err("title")}
          {chips && (
            <p id="new-title-understood" className="flex flex-wrap items-center gap-1 text-xs text-muted-foreground" data-testid="quick-add-chips">
              <span className="sr-only">Understood:</span>
              {understood?.title && <span className="mr-1 font-medium text-foreground">{understood.title}</span>}
              {chips.dueDate && (
                <Badge variant="outline" data-chip="due">
                  <CalendarDays aria-hidden className="size-3" /> {chipDate(chips.dueDate)}
                </Badge>
              )}
              {chips.tags.map((t) => (
                <Badge key={t} variant="default" data-chip="tag">
                  #{t}
                </Badge>
              ))}
              {chips.priority && (
                <Badge variant={chips.priority} data-chip="priority">
                  <Flag aria-hidden className="size-3" /> {chips.priority[0]!.toUpperCase() + chips.priority.slice(1)}
                </Badge>
              )}
            </p>
          )}
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
