/** What the offline assistant says: after a tool ran, and when it has no tool to run. */
import type { Task } from "@todo/contracts";
import { TOOL_NAMES, type ToolName } from "@todo/contracts/constants";
import { describeDate } from "./offline.dates.ts";
import type { Intent } from "./offline.intent.ts";

function details(task: Task, today: string): string {
  const bits: string[] = [task.priority];
  if (task.dueDate) bits.push(`due ${describeDate(task.dueDate, today)}${task.dueTime ? ` ${task.dueTime}` : ""}`);
  if (task.repeatText) bits.push(`repeats ${task.repeatText}`);
  for (const tag of task.tags) bits.push(`#${tag}`);
  return bits.join(" · ");
}

const line = (task: Task, today: string) => `${task.completed ? "✓" : "•"} #${task.number} ${task.title} — ${details(task, today)}`;

export function toolReply(toolName: string, output: unknown, today: string, asked?: Intent): string {
  const view = asked?.kind === "list" ? asked.view : undefined;
  const value = output as { task?: Task; tasks?: Task[]; total?: number };
  const task = value.task;
  switch (toolName) {
    case TOOL_NAMES.add:
      return task ? `Added #${task.number} “${task.title}” (${details(task, today)}).` : "Added it.";
    case TOOL_NAMES.complete:
      if (task && !task.completed && task.dueDate) {
        // A repeating task moved on to its next occurrence.
        return `Nice work — #${task.number} “${task.title}” is done for this time. ✓ Next: ${describeDate(task.dueDate, today)}${task.dueTime ? ` ${task.dueTime}` : ""} (${task.repeatText ?? "repeats"}).`;
      }
      return task ? `Nice work — #${task.number} “${task.title}” is done. ✓` : "Marked it done.";
    case TOOL_NAMES.delete:
      return task ? `Deleted #${task.number} “${task.title}”.` : "Deleted it.";
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
      const more = (value.total ?? tasks.length) > tasks.length ? `\n…and ${value.total! - tasks.length} more.` : "";
      const noun = tasks.length === 1 ? "task" : "tasks";
      const finished = asked?.kind === "list" && asked.args.status === "completed";
      return `${finished ? "You've finished" : "You have"} ${value.total ?? tasks.length} ${noun}:\n${tasks.map((t) => line(t, today)).join("\n")}${more}`;
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
};

export function toolErrorReply(toolName: string, message: string): string {
  return `I couldn't ${VERB[toolName as ToolName] ?? "do that"}: ${message.replace(/^MCP error -?\d+:\s*/, "")}`;
}

export const HELP_TEXT = [
  "I can manage your todo list. Try:",
  "• “add buy milk tomorrow, high priority #groceries”",
  "• “what's left?”, “show done tasks”, “what's due today?”, “tasks tagged work”",
  "• “how many tasks are left?”, “what should I do next?”, “what's overdue?”",
  "• “add eggs, bread and milk”; “add call mom”, then “make it tomorrow”",
  "• “complete 3” or “I'm done with the milk”",
  "• “move the milk to friday”, “make 2 low priority”, “rename 2 to Call the bank”",
  "• “delete the meeting task”",
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
