/**
 * The project's MCP server: one small handler per tool, each calling the task service for the one
 * user the server was built for. No tool takes a user id, so nothing a model says can reach
 * another user's tasks. The same server serves the assistant (in-memory transport) and outside
 * MCP clients (POST /mcp).
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import {
  CreateTaskSchema,
  ListTasksQuerySchema,
  TaskRefSchema,
  TaskSchema,
  UpdateTaskSchema,
  type Task,
} from "@todo/contracts";
import { z } from "zod";
import { describeError, HttpError } from "../http/errors.ts";
import type { Logger } from "../logger.ts";
import type { TaskService } from "../tasks/tasks.service.ts";
import { version } from "../version.ts";

const TaskResult = z.object({ task: TaskSchema });
const TaskListResult = z.object({ tasks: z.array(TaskSchema), total: z.int() });

const ListInput = ListTasksQuerySchema.omit({ offset: true }).extend({
  limit: z.int().min(1).max(100).default(50).describe("At most this many tasks"),
});
const RefInput = TaskRefSchema.refine((r) => r.number !== undefined || r.match !== undefined, {
  message: "give the task's number or words from its title (match)",
});
const UpdateInput = TaskRefSchema.extend({ changes: UpdateTaskSchema.describe("The fields to change") }).refine(
  (r) => r.number !== undefined || r.match !== undefined,
  { message: "give the task's number or words from its title (match)" },
);

function describeTask(t: Task): string {
  const bits: string[] = [t.priority];
  if (t.dueDate) bits.push(`due ${t.dueDate}`);
  if (t.tags.length) bits.push(t.tags.map((tag) => `#${tag}`).join(" "));
  return `#${t.number} ${t.title}${t.completed ? " (done)" : ""} · ${bits.join(" · ")}`;
}

function ok(text: string, structuredContent: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent };
}

/**
 * Tool calls one request may make: an MCP POST (a batch counts every call in it) or one chat turn,
 * whatever the model asks for in parallel. Each call may search the person's tasks; this bounds
 * the work one request can cause.
 */
export const TOOL_CALLS_PER_REQUEST = 10;

const toolError = (text: string): CallToolResult => ({ isError: true, content: [{ type: "text", text }] });

export interface McpServerOptions {
  logger?: Logger;
  /** Tool calls this server may still run (see TOOL_CALLS_PER_REQUEST). */
  toolCalls?: number;
  /**
   * Whether tools that change tasks may run (an OAuth grant without `tasks:write` says no); by
   * default yes. Those tools stay listed and answer a permission error the person can act on.
   */
  canWrite?: boolean;
}

/** The answer of a changing tool under a read-only grant. */
export const READ_ONLY_GRANT_MESSAGE =
  "permission denied: this connection was granted read-only access (tasks:read). To add, change or delete tasks, reconnect and allow tasks:write.";

/**
 * One JSON-schema validator for every MCP server and client of the process: each would otherwise
 * build its own Ajv instance, and one is made per request (~0.5 ms each).
 */
export const jsonSchemaValidator = new AjvJsonSchemaValidator();

export function createMcpServer(tasks: TaskService, userId: string, options: McpServerOptions = {}): McpServer {
  let budget = options.toolCalls ?? TOOL_CALLS_PER_REQUEST;
  /**
   * Runs one tool call. Expected failures (no such task, ambiguous title) go back as tool errors the
   * model can explain; anything else is logged by what it is and answered in general words, so no
   * SQL, parameter or user id ever reaches the client (the SDK would put the message in the text).
   */
  const guard = async (run: () => Promise<CallToolResult>, writes = true): Promise<CallToolResult> => {
    if (writes && options.canWrite === false) return toolError(READ_ONLY_GRANT_MESSAGE);
    if (budget <= 0) return toolError(`this request has used its ${TOOL_CALLS_PER_REQUEST} tool calls; send the rest in another request`);
    budget -= 1;
    try {
      return await run();
    } catch (err) {
      if (err instanceof HttpError && err.status < 500) return toolError(err.message);
      options.logger?.error({ err: describeError(err), userId }, "tool call failed");
      return toolError("the tool failed on our side; nothing more is known here. Try again in a moment.");
    }
  };

  const server = new McpServer(
    { name: "todo-chatbot", version },
    {
      instructions: "Manage the signed-in person's todo list. Tasks are referred to by number (#3) or by words from their title.",
      jsonSchemaValidator,
    },
  );

  server.registerTool(
    "add_task",
    {
      title: "Add a task",
      description: "Create a new task on the person's list.",
      inputSchema: CreateTaskSchema,
      outputSchema: TaskResult,
    },
    (input) =>
      guard(async () => {
        const task = await tasks.createTask(userId, input);
        return ok(`Added ${describeTask(task)}`, { task });
      }),
  );

  server.registerTool(
    "list_tasks",
    {
      title: "List tasks",
      description:
        "List the person's tasks, optionally filtered by status, priority, tag, due dates or text, and sorted.",
      inputSchema: ListInput,
      outputSchema: TaskListResult,
      annotations: { readOnlyHint: true },
    },
    (input) =>
      guard(async () => {
        const page = await tasks.listTasks(userId, { ...input, offset: 0 });
        const lines = page.tasks.map(describeTask);
        const text = page.total === 0 ? "No tasks match." : `${page.total} task(s):\n${lines.join("\n")}`;
        return ok(text, { tasks: page.tasks, total: page.total });
      }, false),
  );

  server.registerTool(
    "complete_task",
    {
      title: "Complete a task",
      description: "Mark one task as done, by its number or by words from its title.",
      inputSchema: RefInput,
      outputSchema: TaskResult,
      annotations: { idempotentHint: true },
    },
    (ref) =>
      guard(async () => {
        const found = await tasks.resolveTask(userId, { number: ref.number, title: ref.match }, "pending");
        const task = found.completed ? found : await tasks.updateTask(userId, found.id, { completed: true });
        return ok(`Completed ${describeTask(task)}`, { task });
      }),
  );

  server.registerTool(
    "delete_task",
    {
      title: "Delete a task",
      description: "Delete one task for good, by its number or by words from its title.",
      inputSchema: RefInput,
      outputSchema: TaskResult,
      annotations: { destructiveHint: true },
    },
    (ref) =>
      guard(async () => {
        const found = await tasks.resolveTask(userId, { number: ref.number, title: ref.match });
        const task = await tasks.deleteTask(userId, found.id);
        return ok(`Deleted ${describeTask(task)}`, { task });
      }),
  );

  server.registerTool(
    "update_task",
    {
      title: "Update a task",
      description:
        "Change a task's title, description, priority, due date, tags, or reopen it (completed: false).",
      inputSchema: UpdateInput,
      outputSchema: TaskResult,
    },
    (input) =>
      guard(async () => {
        const found = await tasks.resolveTask(userId, { number: input.number, title: input.match });
        const task = await tasks.updateTask(userId, found.id, input.changes);
        return ok(`Updated ${describeTask(task)}`, { task });
      }),
  );

  return server;
}
