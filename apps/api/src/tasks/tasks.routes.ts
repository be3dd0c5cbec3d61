/** REST routes for tasks: validate, take the user from the session, call the task service. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  BulkResultSchema,
  BulkUpdateSchema,
  CreateTaskSchema,
  ErrorBodySchema,
  ListTasksQuerySchema,
  MyTasksQuerySchema,
  TASK_LIMITS,
  TaskPageSchema,
  TaskFilterSchema,
  TaskSchema,
  TrashPageSchema,
  TRASH_DAYS,
  UndoResultSchema,
  UpdateTaskSchema,
} from "@todo/contracts";
import { createRouter } from "../http/app-env.ts";
import type { TaskService } from "./tasks.service.ts";

const IdParams = z.object({ id: z.uuid("id must be a task id (a UUID)") });
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid input", ...json(ErrorBodySchema) },
  401: { description: "Not signed in", ...json(ErrorBodySchema) },
  404: { description: "No such task for this user", ...json(ErrorBodySchema) },
  409: { description: "A per-person limit is reached (limit_reached)", ...json(ErrorBodySchema) },
} as const;

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
  responses: { 201: { description: "The new task", ...json(TaskSchema) }, ...errors },
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
  responses: { 200: { description: "The updated task", ...json(TaskSchema) }, ...errors },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/{id}",
  tags,
  security,
  summary: "Delete a task",
  request: { params: IdParams },
  responses: { 204: { description: "Deleted" }, ...errors },
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
  responses: { 200: { description: "The restored task", ...json(TaskSchema) }, ...errors },
});

const bulkRoute = createRoute({
  method: "post",
  path: "/bulk",
  tags,
  security,
  summary: "Change every task a filter selects (the filters of GET /api/tasks), as one undoable change",
  request: { body: { required: true, ...json(BulkUpdateSchema) } },
  responses: { 200: { description: "How many tasks changed, and the first few", ...json(BulkResultSchema) }, ...errors },
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

const undoRoute = createRoute({
  method: "post",
  path: "/undo",
  tags: ["changes"],
  security,
  summary: "Undo the caller's latest change not yet undone (again: the one before)",
  responses: { 200: { description: "What was undone", ...json(UndoResultSchema) }, ...errors },
});

/** The change log's surface: POST /api/changes/undo. */
export function changeRoutes(service: TaskService) {
  return createRouter().openapi(undoRoute, async (c) => c.json(await service.undo(c.var.userId), 200));
}

export function taskRoutes(service: TaskService) {
  return createRouter()
    .openapi(trashRoute, async (c) => c.json(await service.listTrash(c.var.userId), 200))
    .openapi(bulkRoute, async (c) => {
      const { filter, changes } = c.req.valid("json");
      return c.json(await service.updateMany(c.var.userId, filter, changes), 200);
    })
    .openapi(previewRoute, async (c) => c.json(await service.previewBulk(c.var.userId, c.req.valid("json").filter), 200))
    .openapi(restoreRoute, async (c) => c.json(await service.restoreTask(c.var.userId, c.req.valid("param").id), 200))
    .openapi(meRoute, async (c) => {
      const query = c.req.valid("query");
      const page = await service.myTasks(c.var.userId, query);
      const last = page.at(-1);
      if (page.length === query.limit && last) c.header("link", `</api/tasks/me?limit=${query.limit}&after=${last.number}>; rel="next"`);
      return c.json(page, 200);
    })
    .openapi(listRoute, async (c) => c.json(await service.listTasks(c.var.userId, c.req.valid("query")), 200))
    .openapi(createTaskRoute, async (c) => c.json(await service.createTask(c.var.userId, c.req.valid("json")), 201))
    .openapi(getRoute, async (c) => c.json(await service.getTask(c.var.userId, c.req.valid("param").id), 200))
    .openapi(updateRoute, async (c) => c.json(await service.updateTask(c.var.userId, c.req.valid("param").id, c.req.valid("json")), 200))
    .openapi(deleteRoute, async (c) => {
      await service.deleteTask(c.var.userId, c.req.valid("param").id);
      return c.body(null, 204);
    });
}
