/**
 * `npm run db:migrate` / `node dist/migrate.js`: waits for the database (with backoff, up to
 * DATABASE_WAIT_SECONDS), applies migrations and creates the JWT signing key, then exits. The
 * Kubernetes hook Job runs this; it is safe to run concurrently. It needs no wait-for-database
 * init container: the connection details come from DATABASE_URL alone, whatever uid it runs as.
 */
import { createAuth } from "../auth/auth.ts";
import { ensureSigningKey } from "../auth/auth.keys.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { openDatabase } from "./client.ts";
import { migrateDatabase } from "./migrate.ts";
import { waitForDatabase } from "./wait.ts";

try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.database);
  try {
    if (config.database.kind === "postgres") {
      const attempts = await waitForDatabase(database, {
        timeoutMs: config.database.waitSeconds * 1000,
        onRetry: ({ attempt, retryInMs, reason }) => logger.warn({ attempt, retryInMs, reason }, "waiting for the database"),
      });
      if (attempts > 1) logger.info({ attempts }, "the database answers");
    }
    await migrateDatabase(database);
    await ensureSigningKey(createAuth(database.db, config.auth, logger), database, logger);
    logger.info({ database: database.kind }, "migrations applied");
  } finally {
    await database.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
