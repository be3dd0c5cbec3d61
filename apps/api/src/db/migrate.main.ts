/**
 * `npm run db:migrate` / `node dist/migrate.js`: applies migrations and creates the JWT signing key,
 * then exits. The Kubernetes pre-install/pre-upgrade Job runs this; it is safe to run concurrently.
 */
import { createAuth } from "../auth/auth.ts";
import { ensureSigningKey } from "../auth/auth.keys.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { openDatabase } from "./client.ts";
import { migrateDatabase } from "./migrate.ts";

try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.database);
  try {
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
