/**
 * `npm run db:migrate` / `node dist/migrate.js`: waits for the database (with backoff, up to
 * DATABASE_WAIT_SECONDS), applies migrations and creates the JWT signing key, then exits. The
 * Kubernetes hook Job runs this; it is safe to run concurrently. It needs no wait-for-database
 * init container: the connection details come from DATABASE_URL alone, whatever uid it runs as.
 * The steps are the server's own (bootstrap.ts); only the deadline is this entry's.
 */
import { createAuth } from "../auth/auth.ts";
import { loadConfigOrExit, prepareDatabase } from "../bootstrap.ts";
import { createLogger } from "../logger.ts";
import { openDatabase } from "./client.ts";

const config = loadConfigOrExit();
try {
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.database);
  try {
    const timeoutMs = config.database.kind === "postgres" ? config.database.waitSeconds * 1000 : undefined;
    await prepareDatabase(database, createAuth(database.db, config.auth, logger), logger, { timeoutMs });
    logger.info({ database: database.kind }, "migrations applied");
  } finally {
    await database.close();
  }
} catch (err) {
  console.error(`migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
