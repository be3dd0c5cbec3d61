"use client";
/**
 * A task's reminders in its editor: each in words, removable, and one added at a time, relative to
 * the task's due time (when it has a due date) or at a date and time. Each change is stored at once
 * (it is not part of the task's Save); the API's 4xx answers show here in words a person can act on.
 */
import { useEffect, useId, useState } from "react";
import { BellPlus, X } from "lucide-react";
import type { Reminder, ReminderSpec, Task } from "@todo/contracts";
import { ApiError, remindersApi } from "@/lib/api.client";
import { isoDay } from "@/lib/dates";
import { describeReminder, RELATIVE_REMINDERS } from "@/lib/reminder-words";
import { Button } from "@/components/ui/button";
import { Input, Label, Select } from "@/components/ui/input";

const AT_A_TIME = "at";

/** What to tell the person when the API says no: by the field it names, never by its wording. */
function problem(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === "validation_error" && err.field === "spec") return "This task has no due date yet: save one first, or remind at a date and time.";
    if (err.code === "validation_error" && err.field === "at") return "That time has passed: pick a time in the future.";
    if (err.code === "limit_reached") return "This task has as many reminders as it can: remove one first.";
    if (err.code === "validation_error" && err.field === "taskId") return "The task is done: reopen it to add a reminder.";
    return err.message;
  }
  return "Could not change the reminders. Try again.";
}

export function TaskReminders({ task, onChanged }: { task: Pick<Task, "id" | "dueDate" | "dueTime" | "title">; onChanged: () => void }) {
  const uid = useId();
  const [reminders, setReminders] = useState<Reminder[] | null>(null);
  const [choice, setChoice] = useState(task.dueDate ? "30" : AT_A_TIME);
  const [date, setDate] = useState(task.dueDate ?? isoDay(new Date()));
  const [time, setTime] = useState(task.dueTime ?? "09:00");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    let live = true;
    remindersApi
      .list(task.id)
      .then((list) => live && setReminders(list))
      .catch((err) => live && setError(problem(err)));
    return () => {
      live = false;
    };
  }, [task.id]);

  async function add() {
    const preset = RELATIVE_REMINDERS.find((r) => r.key === choice);
    let spec: ReminderSpec;
    if (choice === AT_A_TIME) {
      const at = new Date(`${date}T${time}`);
      if (!date || !time || Number.isNaN(at.getTime())) {
        setError("Give the reminder a date and a time.");
        return;
      }
      spec = { at: at.toISOString() };
    } else if (preset) spec = preset.spec;
    else return;
    setPending(true);
    setError(null);
    try {
      const added = await remindersApi.add(task.id, spec);
      setReminders((list) => [...(list ?? []), added]);
      onChanged();
    } catch (err) {
      setError(problem(err));
    } finally {
      setPending(false);
    }
  }

  async function remove(reminder: Reminder) {
    setError(null);
    try {
      await remindersApi.remove(task.id, reminder.id);
      setReminders((list) => list?.filter((r) => r.id !== reminder.id) ?? null);
      onChanged();
    } catch (err) {
      setError(problem(err));
    }
  }

  const errorId = `${uid}-error`;
  return (
    <section aria-labelledby={`${uid}-title`} className="space-y-2" data-testid="task-reminders">
      <h3 id={`${uid}-title`} className="text-xs font-medium text-muted-foreground">
        Reminders
      </h3>
      {reminders === null ? (
        <p className="text-sm text-muted-foreground">Loading reminders…</p>
      ) : reminders.length === 0 ? (
        <p className="text-sm text-muted-foreground">No reminders.</p>
      ) : (
        <ul className="space-y-1" aria-label={`Reminders for ${task.title}`}>
          {reminders.map((r) => {
            const words = describeReminder(r);
            return (
              <li key={r.id} className="flex items-center justify-between gap-2 rounded-md bg-background px-2 py-1 text-sm" data-testid="reminder-item">
                <span>{words}</span>
                <Button variant="ghost" size="icon-sm" aria-label={`Remove reminder: ${words}`} onClick={() => void remove(r)}>
                  <X aria-hidden />
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      <div className="flex flex-wrap items-end gap-2">
        <div className="space-y-1">
          <Label htmlFor={`${uid}-when`} className="text-xs text-muted-foreground">
            Remind me
          </Label>
          <Select
            id={`${uid}-when`}
            value={choice}
            onChange={(e) => setChoice(e.target.value)}
            aria-describedby={error ? errorId : undefined}
            aria-invalid={!!error}
          >
            {task.dueDate &&
              RELATIVE_REMINDERS.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.label}
                </option>
              ))}
            <option value={AT_A_TIME}>At a date and time…</option>
          </Select>
        </div>
        {choice === AT_A_TIME && (
          <>
            <div className="space-y-1">
              <Label htmlFor={`${uid}-date`} className="text-xs text-muted-foreground">
                Reminder date
              </Label>
              <Input id={`${uid}-date`} type="date" className="w-auto" value={date} onChange={(e) => setDate(e.target.value)} />
            </div>
            <div className="space-y-1">
              <Label htmlFor={`${uid}-time`} className="text-xs text-muted-foreground">
                Reminder time
              </Label>
              <Input id={`${uid}-time`} type="time" className="w-auto" value={time} onChange={(e) => setTime(e.target.value)} />
            </div>
          </>
        )}
        <Button variant="outline" onClick={() => void add()} disabled={pending}>
          <BellPlus aria-hidden /> Add reminder
        </Button>
      </div>
      {error && (
        <p id={errorId} role="alert" className="text-xs text-destructive">
          {error}
        </p>
      )}
    </section>
  );
}
