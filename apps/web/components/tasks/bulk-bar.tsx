"use client";
/**
 * The tasks page's bar for the picked tasks: Complete, Reopen, Delete (asks first, as the chat asks
 * before a delete), Reschedule to a date, set a Priority, add a Tag. Each is one request (POST
 * /api/tasks/bulk/selected, the service path of the assistant's update_tasks), so one Undo reverts it.
 * It wraps onto more lines on a phone rather than scroll sideways.
 */
import { useState, type FormEvent } from "react";
import { Check, RotateCcw, Trash2, X } from "lucide-react";
import type { BulkChanges, Priority } from "@todo/contracts";
import { TagSchema } from "@todo/contracts";
import { TRASH_DAYS } from "@todo/contracts/constants";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Input, Select } from "@/components/ui/input";
import { PriorityOptions } from "./priority-options";

const tasksWord = (n: number) => (n === 1 ? "1 task" : `${n} tasks`);

export function BulkBar({
  count,
  busy,
  confirmingDelete,
  onConfirmingDelete,
  onApply,
  onClear,
}: {
  count: number;
  busy: boolean;
  /** The delete dialog is open (the page's Del key opens it too). */
  confirmingDelete: boolean;
  onConfirmingDelete: (open: boolean) => void;
  onApply: (changes: BulkChanges) => void;
  onClear: () => void;
}) {
  const [dueDate, setDueDate] = useState("");
  const [tag, setTag] = useState("");
  const [tagError, setTagError] = useState<string | null>(null);
  const none = count === 0 || busy;

  function addTag(e: FormEvent) {
    e.preventDefault();
    const parsed = TagSchema.safeParse(tag.trim().replace(/^#/, ""));
    if (!parsed.success) {
      setTagError(parsed.error.issues[0]?.message ?? "Give the tag a name");
      return;
    }
    setTagError(null);
    setTag("");
    onApply({ addTag: parsed.data });
  }

  return (
    <div
      role="toolbar"
      aria-label="Selected tasks"
      data-testid="bulk-bar"
      className="sticky top-0 z-10 flex flex-wrap items-center gap-2 rounded-lg border bg-background p-2 shadow-sm"
    >
      <p className="px-1 text-sm font-medium" aria-live="polite" data-testid="bulk-count">
        {count} selected
      </p>
      <Button size="sm" variant="outline" disabled={none} onClick={() => onApply({ completed: true })}>
        <Check aria-hidden /> Complete
      </Button>
      <Button size="sm" variant="outline" disabled={none} onClick={() => onApply({ completed: false })}>
        <RotateCcw aria-hidden /> Reopen
      </Button>
      <Button size="sm" variant="outline" disabled={none} onClick={() => onConfirmingDelete(true)}>
        <Trash2 aria-hidden /> Delete
      </Button>
      <form
        className="flex items-center gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          if (dueDate) onApply({ dueDate });
        }}
      >
        <Input type="date" aria-label="New due date" className="h-8 w-36" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
        <Button size="sm" variant="outline" type="submit" disabled={none || !dueDate}>
          Reschedule
        </Button>
      </form>
      <Select
        aria-label="Set priority"
        className="h-8 w-auto"
        value=""
        disabled={none}
        onChange={(e) => e.target.value && onApply({ priority: e.target.value as Priority })}
      >
        <option value="">Priority…</option>
        <PriorityOptions />
      </Select>
      <form className="flex items-center gap-1" onSubmit={addTag} noValidate>
        <Input
          aria-label="Tag to add"
          placeholder="tag"
          className="h-8 w-24"
          value={tag}
          aria-invalid={!!tagError}
          aria-describedby={tagError ? "bulk-tag-error" : undefined}
          onChange={(e) => {
            setTag(e.target.value);
            setTagError(null);
          }}
        />
        <Button size="sm" variant="outline" type="submit" disabled={none || !tag.trim()}>
          Tag
        </Button>
      </form>
      <Button size="sm" variant="ghost" className="ml-auto" onClick={onClear} aria-keyshortcuts="Escape">
        <X aria-hidden /> Done
      </Button>
      {tagError && (
        <p id="bulk-tag-error" className="basis-full px-1 text-xs text-destructive">
          {tagError}
        </p>
      )}
      <ConfirmDialog
        open={confirmingDelete}
        onOpenChange={onConfirmingDelete}
        title={`Delete ${tasksWord(count)}?`}
        description={`${count === 1 ? "It moves" : "They move"} to the Trash, where you can restore ${count === 1 ? "it" : "them"} for ${TRASH_DAYS} days.`}
        confirmLabel={`Delete ${tasksWord(count)}`}
        onConfirm={() => onApply({ delete: true })}
      />
    </div>
  );
}
