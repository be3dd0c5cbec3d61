/**
 * The project's MCP server: one small handler per tool, each calling the task service for the one
 * user the server was built for. No tool takes a user id, so nothing a model says can reach
 * another user's tasks. The same server serves the assistant (in-memory transport) and outside
 * MCP clients (POST /mcp). Every tool answers a text (`content`) and `structuredContent`; a failed
 * call answers `isError` with `structuredContent: { error: { code, message } }`, the code from the
 * contracts' one union. A change that needs approval (mcp.approval.ts) is confirmed through
 * elicitation when the client supports it.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { CallToolRequestSchema, type CallToolResult, type ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import {
  AddTitlesSchema,
  BulkResultSchema,
  BulkUpdateSchema,
  CreateTaskSchema,
  ErrorSchema,
  ListTasksQuerySchema,
  type Reminder,
  ReminderSchema,
  type ReminderSpec,
  ReminderSpecSchema,
  TaskRefSchema,
  TaskSchema,
  UpdateTaskFields,
  UndoResultSchema,
  type BulkResult,
  type ErrorPayload,
  type Task,
} from "@todo/contracts";
import { TOOL_NAMES, type ToolName } from "@todo/contracts/constants";
import { z } from "zod";
import { DomainError } from "../domain-error.ts";
import { describeError, isCallerError, validationError } from "../http/errors.ts";
import type { Logger } from "../logger.ts";
import type { ChangeContext, TaskService } from "../tasks/tasks.service.ts";
import { previewApproval, type ApprovalPreview } from "./mcp.approval.ts";
import { version } from "../version.ts";

/** A tool's output: its result, or (isError) the error. Both fit the declared outputSchema. */
const ToolErrorField = ErrorSchema.omit({ field: true }).optional().describe("Present when isError");
const TaskResult = z.object({ task: TaskSchema.optional(), reminders: z.array(ReminderSchema).optional(), error: ToolErrorField });
const TaskListResult = z.object({ tasks: z.array(TaskSchema).optional(), total: z.int().optional(), error: ToolErrorField });
const AddResult = TaskResult.extend({ tasks: z.array(TaskSchema).optional().describe("All the tasks added, when several were") });
const BulkToolResult = BulkResultSchema.partial().extend({ error: ToolErrorField });
const UndoToolResult = UndoResultSchema.partial().extend({ task: TaskSchema.optional().describe("The task restored from the Trash"), error: ToolErrorField });

const refGiven = (r: { number?: number | undefined; match?: string | undefined }) => r.number !== undefined || r.match !== undefined;
const REF_MISSING = { message: "give the task's number or words from its title (match)" };

const ListInput = ListTasksQuerySchema.omit({ offset: true }).extend({
  limit: z.int().min(1).max(100).default(50),
});
const RefInput = TaskRefSchema.refine(refGiven, REF_MISSING);
// Lean for the model: a time rides in dueDate (YYYY-MM-DDTHH:MM) and the person's zone is used.
const LOCAL_ONLY = { dueTime: true, timeZone: true } as const;
/** Reminders a tool sets along with the task it adds or changes (added to any it has). */
const ToolReminder = z
  .strictObject({
    at: z.string().optional().describe("ISO date-time"),
    minutesBefore: z.number().optional().describe("Before due"),
    daysBefore: z.number().optional(),
    time: z.string().optional().describe("HH:MM, with daysBefore"),
  })
  .refine((r) => [r.at, r.minutesBefore, r.daysBefore].filter((v) => v !== undefined).length === 1 && (r.daysBefore === undefined) === (r.time === undefined), {
    message: "give one of: at, minutesBefore, or daysBefore with time",
  })
  .pipe(ReminderSpecSchema);
/** Lean for the model (one flat object); checked as the REST body is (ReminderSpecSchema). */
const RemindersInput = z.array(ToolReminder).max(3).optional().describe("Reminders to add");
const AddInput = CreateTaskSchema.omit(LOCAL_ONLY).extend({
  more: AddTitlesSchema.optional().describe("More titles to add with the same details"),
  reminders: RemindersInput,
});
const Changes = UpdateTaskFields.omit(LOCAL_ONLY).refine((v) => Object.keys(v).length > 0, { message: "nothing to update: give at least one field" });
const UpdateInput = TaskRefSchema.extend({ changes: Changes.optional(), reminders: RemindersInput })
  .refine(refGiven, REF_MISSING)
  .refine((v) => v.changes !== undefined || v.reminders !== undefined, { message: "give changes or reminders", path: ["changes"] });

function describeTask(t: Task): string {
  const bits: string[] = [t.priority];
  if (t.dueDate) bits.push(`due ${t.dueDate}${t.dueTime ? ` ${t.dueTime}` : ""}`);
  if (t.repeatText) bits.push(`repeats ${t.repeatText}`);
  if (t.tags.length) bits.push(t.tags.map((tag) => `#${tag}`).join(" "));
  return `#${t.number} ${t.title}${t.completed ? " (done)" : ""} · ${bits.join(" · ")}`;
}

type ToolAnswer = { text: string; structuredContent: Record<string, unknown> };

interface TaskTool<Input extends z.ZodType = z.ZodType> {
  title: string;
  /** What the model reads: what the tool does and what it needs, briefly (it is sent on every request). */
  description: string;
  input: Input;
  output: z.ZodObject;
  annotations: ToolAnnotations;
  /** `ctx` names the conversation the call comes from (the assistant's), so undo there reverts that conversation's changes. */
  run(tasks: TaskService, userId: string, input: z.output<Input>, ctx: ChangeContext): Promise<ToolAnswer>;
}

const defineTool = <Input extends z.ZodType>(tool: TaskTool<Input>) => tool as unknown as TaskTool;
const taskAnswer = (verb: string, task: Task): ToolAnswer => ({ text: `${verb} ${describeTask(task)}`, structuredContent: { task } });
const bulkText = (verb: string, result: BulkResult) =>
  result.count === 0
    ? "No task matched; nothing changed."
    : `${verb} ${result.count} task(s):\n${result.tasks.map(describeTask).join("\n")}${result.count > result.tasks.length ? `\n… and ${result.count - result.tasks.length} more` : ""}`;

const when = (iso: string) =>
  `${new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso))} UTC`;

/** Sets `specs` on a task the tool just added or changed, and says so in its answer. */
async function withReminders(tasks: TaskService, userId: string, answer: ToolAnswer, task: Task, specs: ReminderSpec[] | undefined): Promise<ToolAnswer> {
  if (!specs?.length) return answer;
  const added: Reminder[] = [];
  for (const spec of specs) added.push(await tasks.reminders!.addReminder(userId, task.id, spec));
  const text = `${answer.text} · reminds ${added.map((r) => (r.fireAt ? when(r.fireAt) : "when it has a due date")).join(", ")}`;
  return { text, structuredContent: { ...answer.structuredContent, reminders: added } };
}

/** A tool given reminders checks them before it changes anything, so a bad one changes nothing. */
function checkReminders(tasks: TaskService, specs: ReminderSpec[] | undefined, task: { dueDate: string | null }): void {
  if (!specs?.length) return;
  if (!tasks.reminders) throw new DomainError("unprocessable", "reminders are not available on this server");
  tasks.reminders.checkSpecs(specs, task);
}

/** The tools. Each reads or changes the person's tasks through the task service, nothing else. */
export const TASK_TOOLS = {
  [TOOL_NAMES.add]: defineTool({
    title: "Add a task",
    description: "Add a task to the person's list (more: several at once).",
    input: AddInput,
    output: AddResult,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    run: async (tasks, userId, { more, reminders, ...input }, ctx) => {
      checkReminders(tasks, reminders, input);
      if (!more?.length) {
        const task = await tasks.createTask(userId, input, ctx);
        return withReminders(tasks, userId, taskAnswer("Added", task), task, reminders);
      }
      const added = await tasks.createTasks(userId, [input, ...more.map((title) => ({ ...input, title }))], ctx);
      for (const task of added) await withReminders(tasks, userId, taskAnswer("Added", task), task, reminders);
      return { text: `Added ${added.length} tasks:\n${added.map(describeTask).join("\n")}`, structuredContent: { task: added[0], tasks: added } };
    },
  }),
  [TOOL_NAMES.list]: defineTool({
    title: "List tasks",
    description: "List the person's tasks. Every filter is optional.",
    input: ListInput,
    output: TaskListResult,
    annotations: { readOnlyHint: true, openWorldHint: false },
    run: async (tasks, userId, input) => {
      const page = await tasks.listTasks(userId, { ...input, offset: 0 });
      const text = page.total === 0 ? "No tasks match." : `${page.total} task(s):\n${page.tasks.map(describeTask).join("\n")}`;
      // The tool's output stays the task as every other tool gives it (the list's bell field is the web page's).
      const listed = page.tasks.map(({ nextReminderAt: _, ...task }) => task);
      return { text, structuredContent: { tasks: listed, total: page.total } };
    },
  }),
  [TOOL_NAMES.complete]: defineTool({
    title: "Complete a task",
    description: "Mark a task done (no change if it already is).",
    input: RefInput,
    output: TaskResult,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    run: async (tasks, userId, ref, ctx) => {
      const task = await tasks.completeTask(userId, ref, ctx);
      // A repeating task stays open, moved to its next occurrence.
      return taskAnswer(task.completed ? "Completed" : "Completed this occurrence; next:", task);
    },
  }),
  [TOOL_NAMES.delete]: defineTool({
    title: "Delete a task",
    description: "Move a task to the Trash (undo brings it back).",
    input: RefInput,
    output: TaskResult,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    run: async (tasks, userId, ref, ctx) => taskAnswer("Deleted", await tasks.deleteTaskByRef(userId, ref, ctx)),
  }),
  [TOOL_NAMES.update]: defineTool({
    title: "Update a task",
    description: "Change a task's fields or add reminders, or reopen it.",
    input: UpdateInput,
    output: TaskResult,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    run: async (tasks, userId, { changes, reminders, ...ref }, ctx) => {
      let task = await tasks.resolveTask(userId, ref);
      checkReminders(tasks, reminders, changes?.dueDate !== undefined ? { dueDate: changes.dueDate } : task);
      if (changes) task = await tasks.updateTask(userId, task.id, changes, ctx);
      return withReminders(tasks, userId, taskAnswer("Updated", task), task, reminders);
    },
  }),
  [TOOL_NAMES.updateMany]: defineTool({
    title: "Update many tasks",
    description: "Change every task matching list_tasks' filters: complete, reopen, reschedule, prioritise, tag or delete.",
    input: BulkUpdateSchema,
    output: BulkToolResult,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    run: async (tasks, userId, { filter, changes }, ctx) => {
      const result = await tasks.updateMany(userId, filter, changes, ctx);
      return { text: bulkText(changes.delete ? "Deleted" : "Changed", result), structuredContent: result };
    },
  }),
  [TOOL_NAMES.undo]: defineTool({
    title: "Undo",
    description: "Undo the last change; with a number or match, restore that task from the Trash.",
    input: TaskRefSchema,
    output: UndoToolResult,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    run: async (tasks, userId, ref, ctx) => {
      if (refGiven(ref)) return taskAnswer("Restored", await tasks.restoreTaskByRef(userId, ref, ctx));
      const undone = await tasks.undo(userId, ctx);
      return { text: `Undid ${undone.op} of ${undone.count} task(s):\n${undone.tasks.map(describeTask).join("\n")}`, structuredContent: undone };
    },
  }),
} satisfies Record<ToolName, TaskTool>;

export type TaskToolName = keyof typeof TASK_TOOLS;

/** A tool as a model receives it: the same name, description and input JSON Schema MCP's tools/list answers. */
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/**
 * The tools' definitions, for the assistant: built once when the app is built (~40 ms of JSON-schema
 * work) and passed in. The input schemas are converted as the MCP SDK converts them for tools/list.
 */
export function taskToolDefinitions(): ToolDefinition[] {
  return Object.entries(TASK_TOOLS).map(([name, tool]) => {
    const { $schema: _, ...inputSchema } = z.toJSONSchema(tool.input, { target: "draft-7", io: "input" });
    return { name, description: tool.description, inputSchema };
  });
}

/**
 * Tool calls one request may make: an MCP POST (a batch counts every call in it) or one chat turn,
 * whatever the model asks for in parallel. Each call may search the person's tasks; this bounds
 * the work one request can cause.
 */
export const TOOL_CALLS_PER_REQUEST = 10;

const toolError = (error: ErrorPayload): CallToolResult => ({
  isError: true,
  content: [{ type: "text", text: error.message }],
  structuredContent: { error: { code: error.code, message: error.message } },
});

export interface McpServerOptions {
  logger?: Logger;
  /** Tool calls this server may still run (see TOOL_CALLS_PER_REQUEST). */
  toolCalls?: number;
  /** One JSON-schema validator for the servers and clients of an app (see createToolValidator). */
  jsonSchemaValidator?: AjvJsonSchemaValidator;
  /**
   * Whether tools that change tasks may run (an OAuth grant without `tasks:write` says no); by
   * default yes. Those tools stay listed and answer a permission error the person can act on.
   */
  canWrite?: boolean;
  /** The conversation the calls come from (the assistant's); its changes are the ones undo reverts. */
  conversationId?: string;
}

/** The answer of a changing tool under a read-only grant. */
export const READ_ONLY_GRANT_MESSAGE =
  "permission denied: this connection was granted read-only access (tasks:read). To add, change or delete tasks, reconnect and allow tasks:write.";

/** A JSON-schema validator to share: the SDK would otherwise build an Ajv instance per server (~0.5 ms). */
export const createToolValidator = () => new AjvJsonSchemaValidator();

/** Asks the client's person to confirm (MCP elicitation); anything but an explicit yes is a no. */
async function confirmed(server: McpServer, preview: ApprovalPreview): Promise<boolean> {
  try {
    const answer = await server.server.elicitInput({
      message: `${preview.description}?`,
      requestedSchema: {
        type: "object",
        properties: { confirm: { type: "boolean", title: "Yes, do it", description: preview.description } },
        required: ["confirm"],
      },
    });
    return answer.action === "accept" && answer.content?.confirm === true;
  } catch {
    // The client failed to ask (or to answer in time): nothing is done without a yes.
    return false;
  }
}

/** What a declined confirmation answers: not an error of the tool, and nothing changed. */
const declinedAnswer = (preview: ApprovalPreview): CallToolResult => ({
  content: [{ type: "text", text: `Not done: the person did not confirm (${preview.description}). Nothing changed.` }],
  structuredContent: {},
});

export function createMcpServer(tasks: TaskService, userId: string, options: McpServerOptions = {}): McpServer {
  let budget = options.toolCalls ?? TOOL_CALLS_PER_REQUEST;
  const server = new McpServer(
    { name: "todo-chatbot", version },
    {
      instructions:
        "Manage the signed-in person's todo list. Tasks are referred to by number (#3) or by words from their title. Times are local to the person's time zone.",
      ...(options.jsonSchemaValidator ? { jsonSchemaValidator: options.jsonSchemaValidator } : {}),
    },
  );
  for (const [name, tool] of Object.entries(TASK_TOOLS)) {
    // Registered for tools/list; calls are answered by the handler below.
    server.registerTool(
      name,
      { title: tool.title, description: tool.description, inputSchema: tool.input, outputSchema: tool.output, annotations: tool.annotations },
      () => {
        throw new Error("unreachable: tools/call is handled below");
      },
    );
  }

  /**
   * Runs one tool call. The input is validated here (not by the SDK, whose failure is English text
   * only) so a wrong argument comes back as a validation_error naming the field. Domain errors (no
   * such task, ambiguous title, a limit) go back as tool errors with their code; anything else is
   * logged by what it is and answered in general words, so no SQL, parameter or user id ever
   * reaches the client.
   */
  server.server.setRequestHandler(CallToolRequestSchema, async ({ params }): Promise<CallToolResult> => {
    const tool = (TASK_TOOLS as Record<string, TaskTool>)[params.name];
    if (!tool) return toolError({ code: "not_found", message: `there is no tool named ${params.name}` });
    if (options.canWrite === false && tool.annotations.readOnlyHint !== true) {
      return toolError({ code: "forbidden", message: READ_ONLY_GRANT_MESSAGE });
    }
    if (budget <= 0) {
      return toolError({ code: "limit_reached", message: `this request has used its ${TOOL_CALLS_PER_REQUEST} tool calls; send the rest in another request` });
    }
    budget -= 1;
    try {
      const input = tool.input.safeParse(params.arguments ?? {});
      if (!input.success) throw validationError(input.error, "arguments");
      let args = input.data;
      // A client that can ask its person (elicitation) is asked to confirm a change that needs
      // approval (mcp.approval.ts); any other client runs it, under its own approval UI.
      if (server.server.getClientCapabilities()?.elicitation) {
        const preview = await previewApproval(tasks, userId, params.name, args);
        if (preview) {
          if (!(await confirmed(server, preview))) return declinedAnswer(preview);
          args = preview.input;
        }
      }
      const answer = await tool.run(tasks, userId, args, { conversationId: options.conversationId });
      return { content: [{ type: "text", text: answer.text }], structuredContent: answer.structuredContent };
    } catch (err) {
      if (err instanceof DomainError && isCallerError(err.code)) return toolError(err);
      options.logger?.error({ err: describeError(err), userId }, "tool call failed");
      return toolError({ code: "internal_error", message: "the tool failed on our side; nothing more is known here. Try again in a moment." });
    }
  });
  return server;
}
