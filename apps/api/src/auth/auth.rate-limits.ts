/**
 * Keeps Better Auth's shared rate-limit table small. Better Auth prunes expired counters only when a
 * known address comes back after its window, so counters of addresses that never return would stay
 * for ever. Here every process deletes the expired ones at most once per window, on an auth POST.
 */
import { lt } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { rateLimit } from "../db/schema.ts";
import { describeError } from "../http/errors.ts";
import type { Logger } from "../logger.ts";

/** Better Auth's own general rule is 60 s; ours may be longer. */
const DEFAULT_WINDOW_SECONDS = 60;

export function createRateLimitPruner(db: Database, windowSeconds: number, logger: Logger): () => void {
  const windowMs = Math.max(windowSeconds, DEFAULT_WINDOW_SECONDS) * 1000;
  let nextAt = 0;
  return () => {
    const now = Date.now();
    if (now < nextAt) return;
    nextAt = now + windowMs;
    db.delete(rateLimit)
      .where(lt(rateLimit.lastRequest, now - windowMs))
      .catch((err: unknown) => logger.warn({ err: describeError(err) }, "pruning expired rate-limit counters failed"));
  };
}
