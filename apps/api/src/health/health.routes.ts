/**
 * Health: /health in the seed's shape (database answers or not), /health/live (the process is up,
 * no database call), /health/ready (database reachable, migrations applied, not draining).
 */
import { backendService } from "@todo/contracts";
import { Hono } from "hono";
import type { DatabaseHandle } from "../db/client.ts";
import { migrationsApplied } from "../db/migrate.ts";
import type { AppEnv } from "../http/app-env.ts";
import { version } from "../version.ts";

export interface Lifecycle {
  draining: boolean;
}

const PING_TIMEOUT_MS = 2_000;

async function databaseAnswers(database: DatabaseHandle): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("database ping timed out")), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([database.ping(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(database: DatabaseHandle, lifecycle: Lifecycle) {
  const service = backendService.serviceId;
  const { full, live, ready } = backendService.health;
  return new Hono<AppEnv>()
    .get(full, async (c) =>
      (await databaseAnswers(database))
        ? c.json({ status: "healthy", service, version }, 200)
        : c.json({ status: "unhealthy", service, version, database: "unreachable" }, 503),
    )
    .get(live, (c) => c.json({ status: "alive", service, version }, 200))
    .get(ready, async (c) => {
      if (lifecycle.draining) return c.json({ status: "draining", service, version }, 503);
      if (!(await databaseAnswers(database))) return c.json({ status: "not_ready", service, version, reason: "database unreachable" }, 503);
      if (!(await migrationsApplied(database.db))) return c.json({ status: "not_ready", service, version, reason: "migrations not applied" }, 503);
      return c.json({ status: "ready", service, version }, 200);
    });
}
