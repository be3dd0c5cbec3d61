/**
 * createApp(deps): every route and middleware, with its database, logger and language model passed
 * in, so tests build the real app on a test database with a scripted model. No I/O on import.
 */
import { BODY_LIMIT_BYTES, bodyTooLargeMessage } from "@todo/contracts";
import type { LanguageModel } from "ai";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { createAuth } from "./auth/auth.ts";
import { authRoutes, requireUser } from "./auth/auth.routes.ts";
import { createRateLimitPruner } from "./auth/auth.rate-limits.ts";
import { ConnectedAppsRepository, connectedAppsRoutes } from "./auth/connected-apps.ts";
import { createSessionReader } from "./auth/session-reader.ts";
import { chatRoutes } from "./chat/chat.routes.ts";
import { ChatService } from "./chat/chat.service.ts";
import type { Config } from "./config.ts";
import type { DatabaseHandle } from "./db/client.ts";
import { healthRoutes, type Lifecycle } from "./health/health.routes.ts";
import { createRouter } from "./http/app-env.ts";
import { corsFor } from "./http/cors.ts";
import { DomainError } from "./domain-error.ts";
import { errorBody, renderError } from "./http/errors.ts";
import type { Logger } from "./logger.ts";
import { requireMcpGrant, wellKnownRoutes } from "./mcp/mcp.auth.ts";
import { mcpRoutes } from "./mcp/mcp.routes.ts";
import { NotificationHub } from "./notifications/notifications.hub.ts";
import { PushSender } from "./notifications/notifications.push.ts";
import { NotificationsRepository } from "./notifications/notifications.repository.ts";
import { notificationRoutes, pushRoutes } from "./notifications/notifications.routes.ts";
import { NotificationService, type SnoozeHook } from "./notifications/notifications.service.ts";
import { createNotifier } from "./notifications/notifier.ts";
import { createToolValidator, taskToolDefinitions } from "./mcp/mcp.server.ts";
import { settingsRoutes } from "./settings/settings.routes.ts";
import type { Notifier } from "./reminders/notifier.ts";
import { reminderRoutes } from "./reminders/reminders.routes.ts";
import { ReminderScheduler } from "./reminders/reminders.scheduler.ts";
import { ReminderService } from "./reminders/reminders.service.ts";
import { changeRoutes, taskRoutes } from "./tasks/tasks.routes.ts";
import { TaskService } from "./tasks/tasks.service.ts";
import { version } from "./version.ts";

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  model: LanguageModel;
  lifecycle?: Lifecycle;
  clock?: () => Date;
  /** Where fired reminders go; default: the notification centre (stored, streamed, pushed). */
  notifier?: Notifier;
  /** What snoozing a notification asks of the reminders engine; default: plan the reminder again. */
  onSnooze?: SnoozeHook;
  /** Milliseconds between heartbeat comments on the notification stream. */
  notificationHeartbeatMs?: number;
}

/** Under the idle timeouts of common proxies and load balancers (60 s). */
const NOTIFICATION_HEARTBEAT_MS = 25_000;

/** The authorization server's endpoints an OAuth client calls itself (not the person's browser pages). */
const OAUTH_CLIENT_ENDPOINTS = new Set(["/api/auth/oauth2/register", "/api/auth/oauth2/token", "/api/auth/oauth2/revoke"]);

export function createApp(deps: AppDeps) {
  const { config, database, logger } = deps;
  const lifecycle = deps.lifecycle ?? { draining: false };
  const auth = createAuth(database.db, config.auth, logger, config.mcp);
  const reminders = new ReminderService(database.db, { clock: deps.clock });
  const tasks = new TaskService(database.db, reminders, deps.clock);
  const notificationsRepository = new NotificationsRepository(database.db);
  const notificationHub = new NotificationHub(database, notificationsRepository, logger);
  // Snoozing a reminder's notification plans that reminder again (a reminder gone since: nothing to plan).
  const onSnooze: SnoozeHook =
    deps.onSnooze ??
    (async (userId, notification, until) => {
      await reminders.snooze(userId, notification.reminderId, until).catch((err: unknown) => {
        if (!(err instanceof DomainError && err.code === "not_found")) throw err;
      });
    });
  const notifications = new NotificationService(notificationsRepository, config.push, deps.clock, onSnooze);
  const notifier =
    deps.notifier ??
    createNotifier({
      repository: notificationsRepository,
      push: config.push && new PushSender(config.push, notificationsRepository, logger),
      logger,
    });
  // Built here, started by main.ts once the database is migrated (tests run it tick by tick).
  const scheduler = new ReminderScheduler({
    repo: reminders.repo,
    notifier,
    logger,
    timeZoneOf: reminders.timeZoneOf,
    clock: deps.clock,
    options: config.reminders,
  });
  // Built once per app: every turn's tools and every MCP request share them.
  const tools = { definitions: taskToolDefinitions(), jsonSchemaValidator: createToolValidator() };
  const chat = new ChatService(database.db, tasks, deps.model, logger, tools, deps.clock, {
    concurrency: config.chatConcurrency,
    llmTimeoutMs: config.llmTimeoutMs,
    turnLeaseMs: config.turnLeaseMs,
    resumePollMs: config.resumePollMs,
    listen: database.listen,
    lifecycle,
  });
  const readSession = createSessionReader(auth, database.db);
  const signedIn = requireUser(readSession);

  const app = createRouter();
  app.onError((err, c) => renderError(err, c, logger));
  app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));

  app.use(requestId());
  app.use(async (c, next) => {
    const start = performance.now();
    await next();
    logger.info(
      { requestId: c.var.requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - start) },
      "request",
    );
  });
  app.use(secureHeaders());
  const apiCors = corsFor({ origin: config.auth.trustedOrigins, credentials: true, exposeHeaders: ["x-conversation-id", "x-turn-id"] });
  // MCP clients that run in a browser (the MCP Inspector) register, exchange codes and call /mcp from
  // their own origin, with tokens and never cookies: any origin, no credentials.
  const oauthClientCors = corsFor({
    origin: "*",
    allowHeaders: ["content-type", "authorization", "mcp-protocol-version"],
    exposeHeaders: ["www-authenticate"],
  });
  app.use("/api/*", (c, next) => (OAUTH_CLIENT_ENDPOINTS.has(c.req.path) ? oauthClientCors : apiCors)(c, next));
  app.use("/mcp/*", oauthClientCors);
  const limitBody = bodyLimit({
    maxSize: BODY_LIMIT_BYTES,
    onError: () => {
      throw new DomainError("payload_too_large", bodyTooLargeMessage(BODY_LIMIT_BYTES));
    },
  });
  // GET and HEAD bodies are never read; asking for one builds a whole fetch Request (~10% of a GET's CPU).
  app.use("*", (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next)));

  app.route("/", healthRoutes(database, lifecycle));
  app.route("/api/auth", authRoutes(auth, config.trustProxy, createRateLimitPruner(database.db, config.auth.rateLimit.windowSeconds, logger)));

  // "/x/*" also matches "/x" itself: one pattern per prefix, so the session is read once per request.
  const signedInPaths = [
    "/api/tasks/*",
    "/api/reminders/*",
    "/api/changes/*",
    "/api/chat/*",
    "/api/conversations/*",
    "/api/connected-apps/*",
    "/api/notifications/*",
    "/api/push/*",
    "/api/me/*",
  ];
  for (const path of signedInPaths) app.use(path, signedIn);
  // /mcp is an OAuth protected resource: OAuth access tokens (with their scopes) or a session.
  app.use("/mcp/*", requireMcpGrant(auth, database.db, readSession, config.mcp) as never);
  app.route("/.well-known", wellKnownRoutes(auth, config.mcp));
  app.route("/api/tasks", taskRoutes(tasks, deps.clock));
  app.route("/api/me/settings", settingsRoutes(tasks));
  app.route("/api", reminderRoutes(reminders));
  app.route("/api/changes", changeRoutes(tasks));
  app.route("/api", chatRoutes(chat));
  app.route("/api/connected-apps", connectedAppsRoutes(new ConnectedAppsRepository(database.db)));
  app.route(
    "/api/notifications",
    notificationRoutes(notifications, notificationHub, notificationsRepository, logger, {
      heartbeatMs: deps.notificationHeartbeatMs ?? NOTIFICATION_HEARTBEAT_MS,
    }),
  );
  app.route("/api/push", pushRoutes(notifications));
  app.route("/mcp", mcpRoutes(tasks, logger, tools.jsonSchemaValidator));

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "The token from POST /api/auth/sign-in/email (or the session cookie in a browser)",
  });
  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Todo Chatbot API", version, description: "Tasks, the assistant and its conversations. Auth lives under /api/auth (Better Auth)." },
  });

  /** notifier: what the reminders engine calls; notificationHub: close() ends the open streams on shutdown. */
  return { app, auth, chat, tasks, reminders, scheduler, notifier, notificationHub };
}

export type App = ReturnType<typeof createApp>["app"];
