/**
 * The only file that listens: loads config, opens and migrates the database, serves, and on
 * SIGTERM/SIGINT stops accepting, reports not ready, finishes in-flight requests, closes the pool
 * and exits 0.
 */
import { serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { createLanguageModel, describeModel } from "./chat/chat.model.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./db/client.ts";
import { migrateDatabase } from "./db/migrate.ts";
import { createLogger } from "./logger.ts";
import { ensureSigningKey } from "./auth/auth.keys.ts";

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.database);
  // The embedded database belongs to this one process, so it migrates itself. With PostgreSQL the
  // Kubernetes Job runs `migrate` first; doing it here too is a no-op under the advisory lock and
  // keeps `DATABASE_URL=… npm start` a one-step affair.
  await migrateDatabase(database);
  const lifecycle = { draining: false };
  const { app, auth } = createApp({ config, database, logger, model: createLanguageModel(config.llm), lifecycle });
  await ensureSigningKey(auth, database, logger);

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info(
      { port: info.port, database: database.kind, model: describeModel(config.llm), environment: config.environment },
      `backend listening on http://localhost:${info.port}`,
    );
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    lifecycle.draining = true;
    logger.info({ signal, drainDelayMs: config.drainDelayMs }, "draining: reporting not ready, finishing in-flight requests");
    const force = setTimeout(() => {
      logger.warn("in-flight requests did not finish in time; exiting");
      process.exit(0);
    }, config.drainDelayMs + config.shutdownTimeoutMs);
    force.unref();
    // Keep serving (readiness says 503) until the load balancer has noticed, then stop accepting.
    setTimeout(() => {
      server.close(async () => {
        await database.close().catch((err: unknown) => logger.error({ err }, "closing the database failed"));
        logger.info("stopped");
        process.exit(0);
      });
      // Idle keep-alive sockets would hold close() open; in-flight ones finish first.
      (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    }, config.drainDelayMs);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  console.error("backend failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
