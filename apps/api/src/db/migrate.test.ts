import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { createAuth } from "../auth/auth.ts";
import { ensureSigningKey } from "../auth/auth.keys.ts";
import { openPostgres } from "./client.ts";
import { migrateDatabase, migrationsApplied, migrationsFolder } from "./migrate.ts";
import { messages } from "./schema.ts";
import { jwks } from "./schema.ts";
import { toMessage } from "../chat/conversations.repository.ts";
import { createPostgresDatabase, drivers, postgresOnly, silentLogger, testConfig } from "../../test/support.ts";

const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };

/** A migrations folder holding only the first `count` migrations: a database as an older release left it. */
function olderRelease(count: number): { folder: string; remove(): void } {
  const folder = mkdtempSync(join(tmpdir(), "todo-migrations-"));
  mkdirSync(join(folder, "meta"));
  const entries = journal.entries.slice(0, count);
  writeFileSync(join(folder, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const { tag } of entries) copyFileSync(join(migrationsFolder, `${tag}.sql`), join(folder, `${tag}.sql`));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
const rowsOf = (res: unknown) => (res as { rows: Record<string, unknown>[] }).rows;

describe("migrations", () => {
  for (const driver of drivers) {
    test(`idempotent on ${driver.name}: a second run changes nothing`, async () => {
      const db = await driver.create(); // already migrated once
      try {
        const count = async () => rowsOf(await db.handle.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n;
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

  for (const driver of drivers) {
    test(`a test database (a copy of the run's migrated template) is what migrating now makes, on ${driver.name}`, async () => {
      // What a schema is: every column, index, constraint and applied migration, as text.
      const shape = async (db: { handle: { db: { execute: (q: ReturnType<typeof sql>) => Promise<unknown> } } }) => {
        const columns = rowsOf(
          await db.handle.db.execute(sql`select table_schema, table_name, column_name, data_type, is_nullable, column_default
            from information_schema.columns where table_schema in ('public', 'drizzle') order by 1, 2, 3`),
        );
        const indexes = rowsOf(
          await db.handle.db.execute(sql`select schemaname, indexname, indexdef from pg_indexes where schemaname in ('public', 'drizzle') order by 1, 2`),
        );
        const constraints = rowsOf(
          await db.handle.db.execute(sql`select conrelid::regclass::text as tbl, conname, pg_get_constraintdef(oid) as def
            from pg_constraint where connamespace in ('public'::regnamespace, 'drizzle'::regnamespace) order by 1, 2`),
        );
        const applied = rowsOf(await db.handle.db.execute(sql`select hash, created_at from drizzle.__drizzle_migrations order by id`));
        return { columns, indexes, constraints, applied };
      };
      const copy = await driver.create();
      const fresh = await driver.create({ migrate: false });
      try {
        await migrateDatabase(fresh.handle);
        const [copied, migrated] = [await shape(copy), await shape(fresh)];
        assert.ok(migrated.columns.length > 0 && migrated.applied.length === journal.entries.length);
        assert.deepEqual(copied, migrated);
      } finally {
        await copy.dispose();
        await fresh.dispose();
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

  for (const driver of drivers) {
    test(`0001 keeps messages stored before it: results move to tool_results, text answers appear, on ${driver.name}`, async () => {
      const db = await driver.create({ migrate: false });
      const older = olderRelease(1);
      try {
        await migrateDatabase(db.handle, older.folder);
        const list = { tasks: [{ number: 1, title: "Buy milk" }], total: 1 };
        const conversation = "00000000-0000-4000-8000-000000000001";
        await db.handle.db.execute(sql`insert into "user" (id, name, email, email_verified, created_at, updated_at)
          values ('u1', 'Old', 'old@example.test', false, now(), now())`);
        await db.handle.db.execute(sql`insert into conversations (id, user_id, title) values (${conversation}, 'u1', 'Before')`);
        const calls = [
          { name: "list_tasks", arguments: { status: "pending" }, result: list },
          { name: "complete_task", arguments: { number: 9 }, result: "no task #9", isError: true },
        ];
        await db.handle.db.execute(sql`insert into messages (conversation_id, user_id, role, content, tool_calls) values
          (${conversation}, 'u1', 'assistant', 'Here you go', ${JSON.stringify(calls)}::jsonb),
          (${conversation}, 'u1', 'user', 'thanks', '[]'::jsonb)`);
        await migrateDatabase(db.handle);

        const rows = await db.handle.db.select().from(messages).orderBy(messages.role);
        const [assistant, user] = rows.map(toMessage);
        const [listed, failed] = assistant!.toolCalls;
        assert.deepEqual(listed, { name: "list_tasks", arguments: { status: "pending" }, result: list, text: listed!.text });
        assert.deepEqual(JSON.parse(listed!.text), list, "the text answer of an older call is its result as JSON");
        assert.deepEqual(failed, { name: "complete_task", arguments: { number: 9 }, result: "no task #9", text: "no task #9", isError: true });
        assert.equal(assistant!.content, "Here you go");
        assert.deepEqual(user!.toolCalls, []);
        assert.deepEqual(
          rows[0]!.toolCalls.map((c) => Object.keys(c).includes("result")),
          [false, false],
          "results are stored once",
        );
      } finally {
        older.remove();
        await db.dispose();
      }
    });
  }
});
