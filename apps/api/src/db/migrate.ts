/**
 * Applies the committed migrations. Idempotent, and safe when several replicas or a Kubernetes
 * Job run it at once: the work happens under a PostgreSQL advisory lock.
 */
import { sql } from "drizzle-orm";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import type { Database, DatabaseHandle } from "./client.ts";

/** Where the SQL files are: beside this module in the source tree, and beside the bundle (build.mjs copies them). */
export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "migrations");

const MIGRATION_LOCK_KEY = 727_001;

export async function migrateDatabase(handle: DatabaseHandle, folder = migrationsFolder): Promise<void> {
  await handle.withAdvisoryLock(MIGRATION_LOCK_KEY, async (db) => {
    if (handle.kind === "pglite") await migratePglite(db as unknown as PgliteDatabase, { migrationsFolder: folder });
    else await migratePg(db as unknown as NodePgDatabase, { migrationsFolder: folder });
  });
}

let expectedCount: number | undefined;
/** The number of migrations in the journal, i.e. what a fully migrated database has applied. */
function expectedMigrationCount(): number {
  if (expectedCount !== undefined) return expectedCount;
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  expectedCount = journal.entries.length;
  return expectedCount;
}

/** True when every committed migration has been applied (readiness). */
export async function migrationsApplied(db: Database): Promise<boolean> {
  const expected = expectedMigrationCount();
  try {
    const res = await db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const row = (res as unknown as { rows: { n: number }[] }).rows[0];
    return (row?.n ?? 0) >= expected;
  } catch {
    return false;
  }
}
