/** What the offline assistant says: after a tool ran, and when it has no tool to run. */
import type { Task } from "@todo/contracts";
import { TOOL_NAMES, type ToolName } from "@todo/contracts/constants";
import { describeDate } from "./offline.dates.ts";
import type { Intent, ListArgs } from "./offline.intent.ts";

function details(task: Task, today: string): string {
  const bits: string[] = [task.priority];
  if (task.dueDate) bits.push(`due ${describeDate(task.dueDate, today)}${task.dueTime ? ` ${task.dueTime}` : ""}`);
  if (task.repeatText) bits.push(`repeats ${task.repeatText}`);
  for (const tag of task.tags) bits.push(`#${tag}`);
  return bits.join(" · ");
}

const line = (task: Task, today: string) => `${task.completed ? "✓" : "•"} #${task.number} ${task.title} — ${details(task, today)}`;

/**
 * A list answer's words. The chat shows the tasks themselves on the tool's card (grouped, overdue
 * marked, each with a checkbox), so the reply only sums them up: "You have 5 tasks due by Sat — 2
 * overdue, 1 due today." One task is named, so "make it tomorrow" has something to point at.
 */
function listSummary(tasks: Task[], total: number, today: string, args: ListArgs): string {
  const noun = total === 1 ? "task" : "tasks";
  if (args.status === "completed") return total === 1 ? `You've finished 1 task: ${line(tasks[0]!, today)}.` : `You've finished ${total} tasks.`;
  const open = tasks.filter((t) => !t.completed);
  const overdue = open.filter((t) => t.dueDate !== null && t.dueDate < today).length;
  const dueToday = open.filter((t) => t.dueDate === today).length;
  const { dueAfter, dueBefore } = args;
  const scope =
    dueAfter && dueBefore && dueAfter === dueBefore
      ? ` due ${describeDate(dueAfter, today)}`
      : dueBefore && dueBefore < today && !dueAfter
        ? " overdue"
        : dueBefore
          ? ` due by ${describeDate(dueBefore, today)}`
          : dueAfter
            ? ` due from ${describeDate(dueAfter, today)}`
            : "";
  const kind = !scope && args.status === "pending" ? " open" : "";
  const notes: string[] = [];
  if (overdue > 0 && scope !== " overdue") notes.push(`${overdue} overdue`);
  if (dueToday > 0 && scope !== " due today") notes.push(`${dueToday} due today`);
  const head = `You have ${total}${kind} ${noun}${scope}${args.tag ? ` tagged #${args.tag}` : ""}`;
  if (total === 1 && tasks[0]) return `${head}: ${line(tasks[0], today)}.`;
  return `${head}${notes.length ? ` — ${notes.join(", ")}` : ""}.`;
}

export function toolReply(toolName: string, output: unknown, today: string, asked?: Intent): string {
  const view = asked?.kind === "list" ? asked.view : undefined;
  const value = output as { task?: Task; tasks?: Task[]; total?: number; count?: number; op?: string };
  const task = value.task;
  switch (toolName) {
    case TOOL_NAMES.add:
      if (value.tasks && value.tasks.length > 1) return `Added ${value.tasks.length} tasks:\n${value.tasks.map((t) => line(t, today)).join("\n")}`;
      return task ? `Added #${task.number} “${task.title}” (${details(task, today)}).` : "Added it.";
    case TOOL_NAMES.updateMany: {
      const n = value.count ?? 0;
      if (n === 0) return "No task matched, so nothing changed.";
      const shown = value.tasks ?? [];
      const more = n > shown.length ? `\n…and ${n - shown.length} more.` : "";
      const verb = asked?.kind === "updateMany" && asked.args.changes.delete ? "Deleted" : "Updated";
      return `${verb} ${n} ${n === 1 ? "task" : "tasks"}:\n${shown.map((t) => line(t, today)).join("\n")}${more}\nSay “undo” to put ${n === 1 ? "it" : "them"} back.`;
    }
    case TOOL_NAMES.undo: {
      if (task) return `Restored #${task.number} “${task.title}” from the Trash.`;
      const n = value.count ?? 0;
      const shown = (value.tasks ?? []).map((t) => `#${t.number} “${t.title}”`).join(", ");
      return `Undone: the ${value.op ?? "last"} change to ${n === 1 ? "1 task" : `${n} tasks`}${shown ? ` (${shown})` : ""}.`;
    }
    case TOOL_NAMES.complete:
      if (task && !task.completed && task.dueDate) {
        // A repeating task moved on to its next occurrence.
        return `Nice work — #${task.number} “${task.title}” is done for this time. ✓ Next: ${describeDate(task.dueDate, today)}${task.dueTime ? ` ${task.dueTime}` : ""} (${task.repeatText ?? "repeats"}).`;
      }
      return task ? `Nice work — #${task.number} “${task.title}” is done. ✓` : "Marked it done.";
    case TOOL_NAMES.delete:
      return task ? `Deleted #${task.number} “${task.title}” (it's in the Trash; say “undo” to bring it back).` : "Deleted it.";
    case TOOL_NAMES.update:
      return task ? `Updated #${task.number} “${task.title}” (${task.completed ? "done" : "open"} · ${details(task, today)}).` : "Updated it.";
    case TOOL_NAMES.list: {
      const tasks = value.tasks ?? [];
      if (view === "count") {
        const n = value.total ?? tasks.length;
        const args = asked?.kind === "list" ? asked.args : {};
        const kind =
          args.dueBefore && args.dueBefore < today ? "overdue " : args.status === "pending" ? "open " : args.status === "completed" ? "finished " : "";
        return `You have ${n} ${kind}${n === 1 ? "task" : "tasks"}${args.tag ? ` tagged #${args.tag}` : ""}.`;
      }
      if (view === "next") {
        const [first, ...then] = tasks;
        if (!first) return "Nothing open — you're all caught up. Add one with “add …”.";
        const after = then.length ? `\nAfter that:\n${then.map((t) => line(t, today)).join("\n")}` : "";
        return `Next up: #${first.number} “${first.title}” (${details(first, today)}).${after}`;
      }
      if (tasks.length === 0) return "Nothing here — your list is clear for that. Add one with “add …”.";
      return listSummary(tasks, value.total ?? tasks.length, today, asked?.kind === "list" ? asked.args : {});
    }
    default:
      return "Done.";
  }
}

const VERB: Record<ToolName, string> = {
  [TOOL_NAMES.add]: "add that",
  [TOOL_NAMES.list]: "list your tasks",
  [TOOL_NAMES.complete]: "complete that",
  [TOOL_NAMES.delete]: "delete that",
  [TOOL_NAMES.update]: "update that",
  [TOOL_NAMES.updateMany]: "change those tasks",
  [TOOL_NAMES.undo]: "undo that",
};

export function toolErrorReply(toolName: string, message: string): string {
  return `I couldn't ${VERB[toolName as ToolName] ?? "do that"}: ${message.replace(/^MCP error -?\d+:\s*/, "")}`;
}

/** A call the person did not approve (declined, or moved on): nothing happened, and the reply says so. */
export function deniedReply(toolName: string): string {
  return `OK — I didn't ${VERB[toolName as ToolName] ?? "do that"}. Nothing changed.`;
}

export const HELP_TEXT = [
  "I can manage your todo list. Try:",
  "• “add buy milk tomorrow, high priority #groceries”",
  "• “what's left?”, “show done tasks”, “what's due today?”, “tasks tagged work”",
  "• “how many tasks are left?”, “what should I do next?”, “what's overdue?”",
  "• “add eggs, bread and milk”; “add call mom”, then “make it tomorrow”",
  "• “complete 3” or “I'm done with the milk”",
  "• “move the milk to friday”, “make 2 low priority”, “rename 2 to Call the bank”",
  "• “delete the meeting task”, then “undo” (or later “bring back the meeting task”)",
  "• “complete all shopping tasks”, “clear completed”, “mark all tasks as done”",
].join("\n");

export function plainReply(intent: Intent): string {
  switch (intent.kind) {
    case "help":
      return HELP_TEXT;
    case "greeting":
      return "Hi! I look after your todo list. Say “add …” to create a task, or “what's left?” to see what's open.";
    case "thanks":
      return "You're welcome! Anything else for your list?";
    case "unsure":
      if (intent.about === "which-task")
        return "Which task do you mean? Say its number or words from its title — for example “delete 3”. Or say “show my tasks” to see them.";
      if (intent.about === "when-done")
        return "I'm not sure about that: I don't keep when a task was finished. The closest I can do is show every task you've finished — say “show done tasks”.";
      return `I'm not sure what you mean. The closest I can do: “${intent.suggest}” — or say “help” to see everything I understand.`;
    case "unclear":
      if (intent.reason === "empty-add") return "What should I add? For example: “add call the dentist on friday”.";
      if (intent.reason === "no-change") return "What should change? For example: “update 3: high priority, due friday” or “rename 3 to …”.";
      if (intent.reason === "not-english")
        return "Sorry, I only understand English — try “add buy milk tomorrow” or “what's left?”. With a language model configured for this app (OPENAI_API_KEY or LLM_BASE_URL; ask whoever runs it), I understand many more languages.";
      return "I'm not sure what to do with that. I can add, list, complete, update and delete tasks — for example “add buy milk tomorrow” or “what's left?”. Say “help” for more.";
    default:
      return "";
  }
}
