/**
 * REST and the event stream for notifications (/api/notifications) and Web Push subscriptions
 * (/api/push): validate, take the person from the session, call the notification service.
 *
 * GET /api/notifications/stream is a server-sent events channel: an `event: ready` once this
 * replica listens for the person, then each new notification as `event: notification` with its id
 * as the event id, and a comment line every heartbeat so proxies keep it open. A browser that
 * reconnects sends Last-Event-ID and first gets what it missed. When this replica shuts down the
 * stream ends and the browser reconnects to another one.
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  ErrorBodySchema,
  NOTIFICATION_EVENT,
  type Notification,
  NotificationListSchema,
  NotificationSchema,
  PushConfigSchema,
  PushSubscriptionSchema,
  PushUnsubscribeSchema,
  SnoozeNotificationSchema,
} from "@todo/contracts";
import { streamSSE } from "hono/streaming";
import { createRouter } from "../http/app-env.ts";
import type { Logger } from "../logger.ts";
import type { NotificationHub } from "./notifications.hub.ts";
import type { NotificationsRepository } from "./notifications.repository.ts";
import type { NotificationService } from "./notifications.service.ts";

const IdParams = z.object({ id: z.uuid("id must be a notification id (a UUID)") });
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid input", ...json(ErrorBodySchema) },
  401: { description: "Not signed in", ...json(ErrorBodySchema) },
  404: { description: "No such notification for this user", ...json(ErrorBodySchema) },
  422: { description: "Not possible in its state", ...json(ErrorBodySchema) },
} as const;
const tags = ["notifications"];
const security = [{ bearerAuth: [] }];

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags,
  security,
  summary: "The caller's notifications (newest first, not dismissed) and the unread count",
  responses: { 200: { description: "Unread count and list", ...json(NotificationListSchema) }, ...errors },
});

const action = (name: "read" | "dismiss", summary: string) =>
  createRoute({
    method: "post",
    path: `/{id}/${name}`,
    tags,
    security,
    summary,
    request: { params: IdParams },
    responses: { 200: { description: "The notification now", ...json(NotificationSchema) }, ...errors },
  });

const snoozeRoute = createRoute({
  method: "post",
  path: "/{id}/snooze",
  tags,
  security,
  summary: "Snooze a notification: the reminder comes back after the given minutes",
  request: { params: IdParams, body: { required: true, ...json(SnoozeNotificationSchema) } },
  responses: { 200: { description: "The notification now", ...json(NotificationSchema) }, ...errors },
});

export interface StreamOptions {
  /** Milliseconds between heartbeat comments. */
  heartbeatMs: number;
}

export function notificationRoutes(
  service: NotificationService,
  hub: NotificationHub,
  repository: NotificationsRepository,
  logger: Logger,
  options: StreamOptions,
) {
  return createRouter()
    .openapi(listRoute, async (c) => c.json(await service.list(c.var.userId), 200))
    .openapi(action("read", "Mark a notification read"), async (c) => c.json(await service.markRead(c.var.userId, c.req.valid("param").id), 200))
    .openapi(action("dismiss", "Dismiss a notification (it leaves the list)"), async (c) =>
      c.json(await service.dismiss(c.var.userId, c.req.valid("param").id), 200),
    )
    .openapi(snoozeRoute, async (c) => c.json(await service.snooze(c.var.userId, c.req.valid("param").id, c.req.valid("json").minutes), 200))
    .get("/stream", (c) => {
      const userId = c.var.userId;
      const lastEventId = c.req.header("last-event-id")?.trim();
      return streamSSE(
        c,
        async (stream) => {
          const queue: Notification[] = [];
          let wake: (() => void) | undefined;
          let ended = false;
          const end = () => {
            ended = true;
            wake?.();
          };
          stream.onAbort(end);
          const unsubscribe = hub.subscribe(
            userId,
            (n) => {
              queue.push(n);
              wake?.();
            },
            end,
          );
          try {
            await hub.start();
            // Subscribed first, then read what was missed: nothing falls in between (duplicates are skipped).
            const missed = lastEventId && z.uuid().safeParse(lastEventId).success ? await repository.after(userId, lastEventId) : [];
            queue.unshift(...missed);
            const sent = new Set<string>();
            await stream.writeSSE({ event: "ready", data: "{}", retry: 3000 });
            while (!ended) {
              while (queue.length > 0 && !ended) {
                const n = queue.shift() as Notification;
                if (sent.has(n.id)) continue;
                sent.add(n.id);
                await stream.writeSSE({ id: n.id, event: NOTIFICATION_EVENT, data: JSON.stringify(n) });
              }
              if (ended) break;
              let timer: NodeJS.Timeout | undefined;
              const beat = await new Promise<boolean>((resolve) => {
                wake = () => resolve(false);
                timer = setTimeout(() => resolve(true), options.heartbeatMs);
              });
              clearTimeout(timer);
              wake = undefined;
              if (beat && !ended) await stream.write(": heartbeat\n\n");
            }
          } finally {
            unsubscribe();
          }
        },
        async (err) => {
          logger.warn({ err: { type: err?.name } }, "notification stream failed");
        },
      );
    });
}

const pushTags = ["push"];

const pushConfigRoute = createRoute({
  method: "get",
  path: "/config",
  tags: pushTags,
  security,
  summary: "Whether this server sends Web Push, and its VAPID public key",
  responses: { 200: { description: "Push settings", ...json(PushConfigSchema) }, ...errors },
});

const subscribeRoute = createRoute({
  method: "post",
  path: "/subscriptions",
  tags: pushTags,
  security,
  summary: "Register this browser's push subscription (PushSubscription.toJSON())",
  request: { body: { required: true, ...json(PushSubscriptionSchema) } },
  responses: { 204: { description: "Saved" }, ...errors },
});

const unsubscribeRoute = createRoute({
  method: "delete",
  path: "/subscriptions",
  tags: pushTags,
  security,
  summary: "Forget this browser's push subscription",
  request: { body: { required: true, ...json(PushUnsubscribeSchema) } },
  responses: { 204: { description: "Removed" }, ...errors },
});

export function pushRoutes(service: NotificationService) {
  return createRouter()
    .openapi(pushConfigRoute, (c) => c.json(service.pushConfig(), 200))
    .openapi(subscribeRoute, async (c) => {
      await service.subscribe(c.var.userId, c.req.valid("json"));
      return c.body(null, 204);
    })
    .openapi(unsubscribeRoute, async (c) => {
      await service.unsubscribe(c.var.userId, c.req.valid("json").endpoint);
      return c.body(null, 204);
    });
}
