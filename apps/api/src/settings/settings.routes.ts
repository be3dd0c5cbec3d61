/** GET/PATCH /api/me/settings: the caller's own settings (their time zone), nobody else's. */
import { createRoute } from "@hono/zod-openapi";
import { ErrorBodySchema, SettingsSchema, UpdateSettingsSchema } from "@todo/contracts";
import type { z } from "zod";
import { createRouter } from "../http/app-env.ts";
import type { TaskService } from "../tasks/tasks.service.ts";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid input (e.g. not an IANA time zone)", ...json(ErrorBodySchema) },
  401: { description: "Not signed in", ...json(ErrorBodySchema) },
} as const;
const tags = ["settings"];
const security = [{ bearerAuth: [] }];

const getRoute = createRoute({
  method: "get",
  path: "/",
  tags,
  security,
  summary: "The caller's settings",
  responses: { 200: { description: "The settings", ...json(SettingsSchema) }, ...errors },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/",
  tags,
  security,
  summary: "Change the caller's settings (their IANA time zone; their timed tasks in the old zone keep their local time in the new one)",
  request: { body: { required: true, ...json(UpdateSettingsSchema) } },
  responses: { 200: { description: "The settings", ...json(SettingsSchema) }, ...errors },
});

export function settingsRoutes(tasks: TaskService) {
  return createRouter()
    .openapi(getRoute, async (c) => c.json({ timeZone: await tasks.settings.timeZone(c.var.userId) }, 200))
    .openapi(patchRoute, async (c) => {
      const { timeZone } = c.req.valid("json");
      await tasks.changeTimeZone(c.var.userId, timeZone);
      return c.json({ timeZone }, 200);
    });
}
