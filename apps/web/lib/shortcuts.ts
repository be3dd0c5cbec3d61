/**
 * The tasks page's keyboard shortcuts (listed in its `?` dialog) and the one rule they share: a key
 * pressed while typing in a field is the field's, never a shortcut.
 */
export const TASK_SHORTCUTS = [
  { keys: ["q", "n"], does: "Add a task (focus the quick add box)" },
  { keys: ["/"], does: "Search and filter" },
  { keys: ["↓", "↑"], does: "Move between tasks" },
  { keys: ["x"], does: "Complete the focused task (or reopen it); with tasks selected, complete them" },
  { keys: ["e"], does: "Edit the focused task" },
  { keys: ["Del"], does: "Delete the focused task; with tasks selected, delete them (asks first)" },
  { keys: ["Space"], does: "Select the focused task (with Shift: every task from the last one selected)" },
  { keys: ["Esc"], does: "Clear the selection" },
  { keys: ["?"], does: "Show these shortcuts" },
] as const;

const TEXT_INPUTS = new Set(["text", "search", "email", "password", "number", "tel", "url", "date", "datetime-local", "month", "time", "week"]);

/** Whether a key event's target takes text: an editable input, a textarea, a select or a contenteditable. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as (HTMLElement & { type?: string; isContentEditable?: boolean }) | null;
  if (!el || typeof el.tagName !== "string") return false;
  const tag = el.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  if (tag === "input") return TEXT_INPUTS.has((el.type ?? "text").toLowerCase());
  return el.isContentEditable === true;
}
