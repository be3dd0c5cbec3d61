/**
 * The only file that listens: loads config, serves, waits for the database and migrates it, and on
 * SIGTERM/SIGINT stops accepting, reports not ready, finishes in-flight requests, closes the pool
 * and exits 0.
 *
 * It listens before the database answers: in a cluster the database may start after this process
 * (the in-cluster PostgreSQL comes with the same release), and exiting would only turn that wait
 * into restarts and a CrashLoopBackOff. Meanwhile /health/live says 200 (nothing to restart),
 * /health/ready says 503, and every other route answers 503 "starting".
 */
import { setFlagsFromString } from "node:v8";
import { serve } from "@hono/node-server";
import { backendService } from "@todo/contracts";
import { createApp } from "./app.ts";
import { loadConfigOrExit, prepareDatabase } from "./bootstrap.ts";
import { createLanguageModel, describeModel } from "./chat/chat.model.ts";
import { openDatabase } from "./db/client.ts";
import { errorBody } from "./http/errors.ts";
import { createLogger } from "./logger.ts";
import { scheduleTrashPurge } from "./tasks/trash.purge.ts";
import { version } from "./version.ts";

const { full, live, ready } = backendService.health;

// Under load the objects of requests in flight outlive two scavenges and are promoted; V8 then lets
// the old generation grow to about 4× its live size (~35 MB) before collecting it, so RSS after a
// load was ~220 MB of garbage (bench/bench.ts). Growing it by half each time collects that garbage
// sooner, for no measurable CPU. Not a cap: the heap still grows with what is live.
setFlagsFromString("--heap-growing-percent=50");

/** What the routes answer until the database answers and is migrated (liveness and /health pass). */
function starting(path: string): Response {
  const headers = { "retry-after": "5", "cache-control": "no-store" };
  if (path === ready) {
    const body = { status: "not_ready", service: backendService.serviceId, version, reason: "starting: waiting for the database" };
    return Response.json(body, { status: 503, headers });
  }
  return Response.json(errorBody("service_unavailable", "the server is starting: waiting for its database"), { status: 503, headers });
}

async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.database);
  const lifecycle = { draining: false };
  const { app, auth, chat, tasks, scheduler, notificationHub } = createApp({ config, database, logger, model: createLanguageModel(config.llm), lifecycle });
  let started = false;
  const stopWaiting = new AbortController();

  const server = serve(
    {
      fetch: (req, env) => {
        if (started) return app.fetch(req, env);
        const path = new URL(req.url).pathname;
        return path === live || path === full ? app.fetch(req, env) : starting(path);
      },
      port: config.port,
      hostname: config.host,
    },
    (info) => logger.info({ port: info.port }, "accepting health checks; waiting for the database"),
  );

  let stopping = false;
  let stopPurge = () => {};
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stopPurge();
    lifecycle.draining = true;
    stopWaiting.abort();
    logger.info(
      { signal, drainDelayMs: config.drainDelayMs, runningTurns: chat.runner.size },
      "draining: reporting not ready, starting no new turn, finishing running turns and in-flight requests",
    );
    const force = setTimeout(() => {
      logger.warn({ runningTurns: chat.runner.size }, "in-flight requests or turns did not finish in time; exiting");
      process.exit(0);
    }, config.drainDelayMs + config.shutdownTimeoutMs);
    force.unref();
    // Running turns go on from now (each bounded by LLM_TIMEOUT_MS) whether or not anyone listens;
    // the process ends only once they are stored.
    // Open notification streams end now: their browsers reconnect (Last-Event-ID) to a replica that stays.
    void notificationHub.close().catch((err: unknown) => logger.warn({ err: { type: (err as Error)?.name } }, "closing notification streams failed"));
    const turnsEnded = chat.runner.drain().then(() => logger.info("running chat turns ended"));
    // Resumes of turns on other replicas stop hearing of new chunks; their clients resume elsewhere.
    void chat.runner.close().catch((err: unknown) => logger.warn({ err: { type: (err as Error)?.name } }, "closing the chat turn listener failed"));
    // Reminders it claimed and has not delivered yet are taken over by another replica when the claim runs out.
    const remindersStopped = scheduler.stop();
    // Keep serving (readiness says 503) until the load balancer has noticed, then stop accepting.
    setTimeout(() => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would hold close() open; in-flight ones finish first.
      (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      void Promise.all([closed, turnsEnded, remindersStopped]).then(async () => {
        await database.close().catch((err: unknown) => logger.error({ err }, "closing the database failed"));
        logger.info("stopped");
        process.exit(0);
      });
    }, config.drainDelayMs);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  // However long the database takes (the server waits on; the migrate Job has a deadline). A
  // refused password or a missing database is not worth waiting for: that stops start-up.
  // The embedded database belongs to this one process, so it migrates itself. With PostgreSQL the
  // Kubernetes Job runs `migrate` too; doing it here as well is a no-op under the advisory lock,
  // keeps `DATABASE_URL=… npm start` a one-step affair, and lets a release whose database starts
  // with it become ready without waiting for its hook.
  try {
    if (!(await prepareDatabase(database, auth, logger, { signal: stopWaiting.signal }))) return;
  } catch (err) {
    if (stopping) return;
    throw err;
  }
  if (stopping) return;
  started = true;
  // Its first tick fires what fell due while every replica was down (marked late).
  scheduler.start();
  stopPurge = scheduleTrashPurge(tasks, logger).stop;
  logger.info(
    { port: config.port, database: database.kind, model: describeModel(config.llm), environment: config.environment },
    `backend listening on http://localhost:${config.port}`,
  );
}

main().catch((err: unknown) => {
  console.error("backend failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
