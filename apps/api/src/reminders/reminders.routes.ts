/**
 * REST routes for reminders: a task's reminders under /api/tasks/:id/reminders, and snooze/dismiss
 * of one reminder under /api/reminders/:id. Validate, take the user from the session, call the service.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ErrorBodySchema, ReminderSchema, ReminderSpecSchema, SnoozeReminderSchema } from "@todo/contracts";
import { createRouter } from "../http/app-env.ts";
import type { ReminderService } from "./reminders.service.ts";

const TaskParams = z.object({ id: z.uuid("id must be a task id (a UUID)") });
const ReminderParams = z.object({ id: z.uuid("id must be a task id (a UUID)"), reminderId: z.uuid("reminderId must be a reminder id (a UUID)") });
const OneReminderParams = z.object({ id: z.uuid("id must be a reminder id (a UUID)") });
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid input", ...json(ErrorBodySchema) },
  401: { description: "Not signed in", ...json(ErrorBodySchema) },
  404: { description: "No such task or reminder for this user", ...json(ErrorBodySchema) },
  409: { description: "A task has its most reminders (limit_reached)", ...json(ErrorBodySchema) },
} as const;
const tags = ["reminders"];
const security = [{ bearerAuth: [] }];

const listRoute = createRoute({
  method: "get",
  path: "/tasks/{id}/reminders",
  tags,
  security,
  summary: "A task's reminders",
  request: { params: TaskParams },
  responses: { 200: { description: "The task's reminders, oldest first", ...json(z.array(ReminderSchema)) }, ...errors },
});

const addRoute = createRoute({
  method: "post",
  path: "/tasks/{id}/reminders",
  tags,
  security,
  summary: "Add a reminder to a task: at an instant, or relative to its due time",
  request: { params: TaskParams, body: { required: true, ...json(ReminderSpecSchema) } },
  responses: { 201: { description: "The new reminder", ...json(ReminderSchema) }, ...errors },
});

const removeRoute = createRoute({
  method: "delete",
  path: "/tasks/{id}/reminders/{reminderId}",
  tags,
  security,
  summary: "Remove a reminder",
  request: { params: ReminderParams },
  responses: { 204: { description: "Removed" }, ...errors },
});

const snoozeRoute = createRoute({
  method: "post",
  path: "/reminders/{id}/snooze",
  tags,
  security,
  summary: "Fire a reminder (again) at a later instant",
  request: { params: OneReminderParams, body: { required: true, ...json(SnoozeReminderSchema) } },
  responses: { 200: { description: "The re-planned reminder", ...json(ReminderSchema) }, ...errors },
});

const dismissRoute = createRoute({
  method: "post",
  path: "/reminders/{id}/dismiss",
  tags,
  security,
  summary: "Dismiss a reminder: one still to fire never will",
  request: { params: OneReminderParams },
  responses: { 200: { description: "The reminder", ...json(ReminderSchema) }, ...errors },
});

/** Mounted at /api. */
export function reminderRoutes(service: ReminderService) {
  return createRouter()
    .openapi(listRoute, async (c) => c.json(await service.listReminders(c.var.userId, c.req.valid("param").id), 200))
    .openapi(addRoute, async (c) => c.json(await service.addReminder(c.var.userId, c.req.valid("param").id, c.req.valid("json")), 201))
    .openapi(removeRoute, async (c) => {
      const { id, reminderId } = c.req.valid("param");
      await service.removeReminder(c.var.userId, id, reminderId);
      return c.body(null, 204);
    })
    .openapi(snoozeRoute, async (c) => c.json(await service.snooze(c.var.userId, c.req.valid("param").id, new Date(c.req.valid("json").until)), 200))
    .openapi(dismissRoute, async (c) => c.json(await service.dismiss(c.var.userId, c.req.valid("param").id), 200));
}
