import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { createAuth } from "../auth/auth.ts";
import { ensureSigningKey } from "../auth/auth.keys.ts";
import { openPostgres } from "./client.ts";
import { migrateDatabase, migrationsApplied, migrationsFolder } from "./migrate.ts";
import { jwks } from "./schema.ts";
import { createPostgresDatabase, drivers, postgresOnly, silentLogger, testConfig } from "../../test/support.ts";

const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
const rowsOf = (res: unknown) => (res as { rows: Record<string, unknown>[] }).rows;

describe("migrations", () => {
  for (const driver of drivers) {
    test(`idempotent on ${driver.name}: a second run changes nothing`, async () => {
      const db = await driver.create(); // already migrated once
      try {
        const count = async () =>
          rowsOf(await db.handle.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n;
        assert.equal(await count(), journal.entries.length);
        await migrateDatabase(db.handle);
        await migrateDatabase(db.handle);
        assert.equal(await count(), journal.entries.length);
        assert.equal(await migrationsApplied(db.handle.db), true);
      } finally {
        await db.dispose();
      }
    });
  }

  test("safe when several replicas migrate a fresh database at once, with one signing key", postgresOnly, async () => {
    const created = await createPostgresDatabase();
    const replicas = Array.from({ length: 4 }, () => openPostgres(created.url, 0, 2));
    try {
      await Promise.all(
        replicas.map(async (handle) => {
          await migrateDatabase(handle);
          await ensureSigningKey(createAuth(handle.db, testConfig().auth, silentLogger), handle);
        }),
      );
      const [first] = replicas;
      const applied = rowsOf(await first!.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n;
      assert.equal(applied, journal.entries.length);
      assert.equal((await first!.db.select().from(jwks)).length, 1, "exactly one JWT signing key");
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
      await created.drop();
    }
  });
});
