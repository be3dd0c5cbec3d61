/** REST routes for tasks: validate, take the user from the session, call the task service. */
import { randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import {
  BULK_SELECTED_MAX,
  BulkResultSchema,
  BulkSelectedSchema,
  BulkUpdateSchema,
  CHANGE_ID_HEADER,
  CreateTaskSchema,
  ErrorBodySchema,
  ListTasksQuerySchema,
  MyTasksQuerySchema,
  ParsedTaskSchema,
  ParseTaskRequestSchema,
  TASK_LIMITS,
  TaskPageSchema,
  TaskFilterSchema,
  TaskSchema,
  TrashPageSchema,
  TRASH_DAYS,
  UndoResultSchema,
  UpdateTaskSchema,
} from "@todo/contracts";
import { localDate } from "../chat/offline/offline.dates.ts";
import { parseQuickAdd } from "../chat/offline/offline.intent.ts";
import { createRouter, type AppEnv } from "../http/app-env.ts";
import type { Context } from "hono";
import type { TaskService } from "./tasks.service.ts";

const IdParams = z.object({ id: z.uuid("id must be a task id (a UUID)") });
const ChangeIdParams = z.object({ id: z.uuid("id must be a change id (a UUID, the Change-Id header of the write)") });
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid input", ...json(ErrorBodySchema) },
  401: { description: "Not signed in", ...json(ErrorBodySchema) },
  404: { description: "No such task for this user", ...json(ErrorBodySchema) },
  409: { description: "A per-person limit is reached (limit_reached)", ...json(ErrorBodySchema) },
} as const;

/** Every task write answers the id of the change it logged, for an undo of exactly that change. */
const changeIdHeader = {
  headers: z.object({ [CHANGE_ID_HEADER]: z.uuid().describe("The logged change: POST /api/changes/{id}/undo reverts exactly it") }),
};

/** Runs a write under a new change id and, once it has succeeded, names that id in the response. */
async function withChange<T>(c: Context<AppEnv>, write: (ctx: { changeId: string }) => Promise<T>): Promise<T> {
  const ctx = { changeId: randomUUID() };
  const result = await write(ctx);
  c.header(CHANGE_ID_HEADER, ctx.changeId);
  return result;
}

const tags = ["tasks"];
const security = [{ bearerAuth: [] }];

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags,
  security,
  summary: "List the caller's tasks with filters, sorting and pagination",
  request: { query: ListTasksQuerySchema },
  responses: { 200: { description: "A page of tasks", ...json(TaskPageSchema) }, ...errors },
});

const meRoute = createRoute({
  method: "get",
  path: "/me",
  tags,
  security,
  summary: "The caller's tasks, oldest first, a page at a time",
  description: `At most ${TASK_LIMITS.pageMax} per page; when there are more, a Link header (rel="next") gives the next page's URL.`,
  request: { query: MyTasksQuerySchema },
  responses: { 200: { description: "The caller's tasks", ...json(z.array(TaskSchema)) }, ...errors },
});

const createTaskRoute = createRoute({
  method: "post",
  path: "/",
  tags,
  security,
  summary: "Create a task",
  request: { body: { required: true, ...json(CreateTaskSchema) } },
  responses: { 201: { description: "The new task", ...json(TaskSchema), ...changeIdHeader }, ...errors },
});

const getRoute = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  security,
  summary: "One task",
  request: { params: IdParams },
  responses: { 200: { description: "The task", ...json(TaskSchema) }, ...errors },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/{id}",
  tags,
  security,
  summary: "Change some fields of a task",
  request: { params: IdParams, body: { required: true, ...json(UpdateTaskSchema) } },
  responses: { 200: { description: "The updated task", ...json(TaskSchema), ...changeIdHeader }, ...errors },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/{id}",
  tags,
  security,
  summary: "Delete a task",
  request: { params: IdParams },
  responses: { 204: { description: "Deleted (to the Trash)", ...changeIdHeader }, ...errors },
});

const trashRoute = createRoute({
  method: "get",
  path: "/trash",
  tags,
  security,
  summary: "The caller's deleted tasks, most recently deleted first",
  description: `Deleted tasks stay here ${TRASH_DAYS} days, restorable, then are purged.`,
  responses: { 200: { description: "The Trash", ...json(TrashPageSchema) }, ...errors },
});

const restoreRoute = createRoute({
  method: "post",
  path: "/{id}/restore",
  tags,
  security,
  summary: "Bring a deleted task back from the Trash (it keeps its number)",
  request: { params: IdParams },
  responses: { 200: { description: "The restored task", ...json(TaskSchema), ...changeIdHeader }, ...errors },
});

const bulkRoute = createRoute({
  method: "post",
  path: "/bulk",
  tags,
  security,
  summary: "Change every task a filter selects (the filters of GET /api/tasks), as one undoable change",
  request: { body: { required: true, ...json(BulkUpdateSchema) } },
  responses: { 200: { description: "How many tasks changed, and the first few", ...json(BulkResultSchema), ...changeIdHeader }, ...errors },
});

const bulkSelectedRoute = createRoute({
  method: "post",
  path: "/bulk/selected",
  tags,
  security,
  summary: "Change the tasks picked by id (the tasks page's selection), as one undoable change",
  description: `At most ${BULK_SELECTED_MAX} ids. All of them or none: when any is not the caller's live task, nothing changes (404).`,
  request: { body: { required: true, ...json(BulkSelectedSchema) } },
  responses: { 200: { description: "How many tasks changed, and the first few", ...json(BulkResultSchema), ...changeIdHeader }, ...errors },
});

const previewRoute = createRoute({
  method: "post",
  path: "/bulk/preview",
  tags,
  security,
  summary: "How many tasks a filter selects, and the first few: what a bulk change would touch",
  request: { body: { required: true, ...json(z.strictObject({ filter: TaskFilterSchema })) } },
  responses: { 200: { description: "The tasks a bulk change would touch", ...json(BulkResultSchema) }, ...errors },
});

const parseRoute = createRoute({
  method: "post",
  path: "/parse",
  tags,
  security,
  summary: "Quick add: what a typed line means (title, due date, tags, priority), the way the assistant reads it; nothing is stored",
  request: { body: { required: true, ...json(ParseTaskRequestSchema) } },
  responses: { 200: { description: "What the line says", ...json(ParsedTaskSchema) }, ...errors },
});

const undoRoute = createRoute({
  method: "post",
  path: "/undo",
  tags: ["changes"],
  security,
  summary: "Undo the caller's latest change not yet undone (again: the one before)",
  responses: { 200: { description: "What was undone", ...json(UndoResultSchema) }, ...errors },
});

const undoChangeRoute = createRoute({
  method: "post",
  path: "/{id}/undo",
  tags: ["changes"],
  security,
  summary: "Undo exactly the change a write named (its Change-Id header), not the latest one",
  description:
    "409 undo_conflict when it is already undone, or when a later change not undone touched any of its tasks (undo that one first). 404 for an id that is not the caller's change.",
  request: { params: ChangeIdParams },
  responses: {
    200: { description: "What was undone", ...json(UndoResultSchema) },
    ...errors,
    409: { description: "Already undone, or its tasks changed since (undo_conflict)", ...json(ErrorBodySchema) },
  },
});

/** The change log's surface: POST /api/changes/undo (the latest) and POST /api/changes/{id}/undo (that one). */
export function changeRoutes(service: TaskService) {
  return createRouter()
    .openapi(undoRoute, async (c) => c.json(await service.undo(c.var.userId), 200))
    .openapi(undoChangeRoute, async (c) => c.json(await service.undoChange(c.var.userId, c.req.valid("param").id), 200));
}

export function taskRoutes(service: TaskService, clock: () => Date = () => new Date()) {
  return createRouter()
    .openapi(parseRoute, (c) => {
      const { text, timeZone = "UTC" } = c.req.valid("json");
      const now = clock();
      return c.json(parseQuickAdd(text, { now, timeZone, today: localDate(now, timeZone) }), 200);
    })
    .openapi(trashRoute, async (c) => c.json(await service.listTrash(c.var.userId), 200))
    .openapi(bulkRoute, async (c) => {
      const { filter, changes } = c.req.valid("json");
      return c.json(await withChange(c, (ctx) => service.updateMany(c.var.userId, filter, changes, ctx)), 200);
    })
    .openapi(bulkSelectedRoute, async (c) => {
      const { ids, changes } = c.req.valid("json");
      return c.json(await withChange(c, (ctx) => service.updateSelected(c.var.userId, ids, changes, ctx)), 200);
    })
    .openapi(previewRoute, async (c) => c.json(await service.previewBulk(c.var.userId, c.req.valid("json").filter), 200))
    .openapi(restoreRoute, async (c) => c.json(await withChange(c, (ctx) => service.restoreTask(c.var.userId, c.req.valid("param").id, ctx)), 200))
    .openapi(meRoute, async (c) => {
      const query = c.req.valid("query");
      const page = await service.myTasks(c.var.userId, query);
      const last = page.at(-1);
      if (page.length === query.limit && last) c.header("link", `</api/tasks/me?limit=${query.limit}&after=${last.number}>; rel="next"`);
      return c.json(page, 200);
    })
    .openapi(listRoute, async (c) => c.json(await service.listTasks(c.var.userId, c.req.valid("query")), 200))
    .openapi(createTaskRoute, async (c) => c.json(await withChange(c, (ctx) => service.createTask(c.var.userId, c.req.valid("json"), ctx)), 201))
    .openapi(getRoute, async (c) => c.json(await service.getTask(c.var.userId, c.req.valid("param").id), 200))
    .openapi(updateRoute, async (c) =>
      c.json(await withChange(c, (ctx) => service.updateTask(c.var.userId, c.req.valid("param").id, c.req.valid("json"), ctx)), 200),
    )
    .openapi(deleteRoute, async (c) => {
      await withChange(c, (ctx) => service.deleteTask(c.var.userId, c.req.valid("param").id, ctx));
      return c.body(null, 204);
    });
}
