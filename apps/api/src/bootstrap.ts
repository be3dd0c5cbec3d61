/**
 * What both entry points do around their own work: main.ts (the server) and db/migrate.main.ts (the
 * migration Job) load the configuration the same way, and bring a database to "answers, migrated,
 * has a JWT signing key" the same way. Each entry keeps only what is its own: when to listen, how long
 * to wait, how to stop.
 */
import type { Auth } from "./auth/auth.ts";
import { ensureSigningKey } from "./auth/auth.keys.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import type { DatabaseHandle } from "./db/client.ts";
import { migrateDatabase } from "./db/migrate.ts";
import { waitForDatabase } from "./db/wait.ts";
import type { Logger } from "./logger.ts";

/** Exit status for a bad configuration (sysexits' EX_CONFIG): a restart cannot fix it. */
export const EXIT_CONFIG = 78;

/** The configuration, or the message naming each bad key on stderr and exit 78. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(EXIT_CONFIG);
  }
}

export interface PrepareOptions {
  /** Give up waiting after this long (the migration Job has a deadline; the server waits on). */
  timeoutMs?: number;
  /** Stop waiting (the server got SIGTERM while its database was still down). */
  signal?: AbortSignal;
}

/**
 * Waits for the database to answer, applies the migrations (a no-op under the advisory lock when
 * another process did) and makes sure a JWT signing key exists. False when `signal` stopped it.
 */
export async function prepareDatabase(database: DatabaseHandle, auth: Auth, logger: Logger, opts: PrepareOptions = {}): Promise<boolean> {
  const attempts = await waitForDatabase(database, {
    ...opts,
    onRetry: ({ attempt, retryInMs, reason }) => logger.warn({ attempt, retryInMs, reason }, "waiting for the database"),
  });
  if (attempts > 1) logger.info({ attempts }, "the database answers");
  if (opts.signal?.aborted) return false;
  await migrateDatabase(database);
  await ensureSigningKey(auth, database, logger);
  return true;
}
