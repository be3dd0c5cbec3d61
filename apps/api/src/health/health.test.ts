import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import { after, describe, test } from "node:test";
import { openPglite, openPostgres } from "../db/client.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { buildApp, createPostgresDatabase, postgresOnly } from "../../test/support.ts";
import { startTcpProxy } from "../../test/tcp-proxy.ts";
import pkg from "../../package.json" with { type: "json" };

const get = async (app: { request: (p: string) => Response | Promise<Response> }, path: string) => {
  const res = await app.request(path);
  return { status: res.status, body: await res.json() };
};

describe("health", () => {
  test("seed shape when healthy; ready only once migrations are applied", async () => {
    const handle = openPglite(new PGlite());
    const { app } = buildApp(handle);
    try {
      assert.deepEqual(await get(app, "/health"), {
        status: 200,
        body: { status: "healthy", service: "todo-chatbot-backend", version: pkg.version },
      });
      const notMigrated = await get(app, "/health/ready");
      assert.equal(notMigrated.status, 503);
      assert.equal(notMigrated.body.reason, "migrations not applied");
      await migrateDatabase(handle);
      assert.equal((await get(app, "/health/ready")).status, 200);
      assert.equal((await get(app, "/health/live")).status, 200);
    } finally {
      await handle.close();
    }
  });

  test("embedded database closed: /health 503, /health/live 200", async () => {
    const handle = openPglite(new PGlite());
    await migrateDatabase(handle);
    const { app } = buildApp(handle);
    await handle.close();
    const health = await get(app, "/health");
    assert.equal(health.status, 503);
    assert.equal(health.body.status, "unhealthy");
    assert.equal((await get(app, "/health/ready")).status, 503);
    assert.equal((await get(app, "/health/live")).status, 200);
  });

  describe("PostgreSQL going away and coming back", postgresOnly, () => {
    const cleanups: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    test("/health 503 while the database is unreachable, 200 again once it is back", async () => {
      const created = await createPostgresDatabase();
      cleanups.push(created.drop);
      const target = new URL(created.url);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      cleanups.push(proxy.close);
      const viaProxy = new URL(created.url);
      viaProxy.hostname = "127.0.0.1";
      viaProxy.port = String(proxy.port);
      const handle = openPostgres(viaProxy.toString(), 0, 3);
      cleanups.push(() => handle.close());
      await migrateDatabase(handle);
      const { app } = buildApp(handle);

      assert.equal((await get(app, "/health")).status, 200);
      await proxy.cut();
      const down = await get(app, "/health");
      assert.equal(down.status, 503);
      assert.deepEqual({ status: down.body.status, service: down.body.service }, { status: "unhealthy", service: "todo-chatbot-backend" });
      assert.equal((await get(app, "/health/ready")).status, 503);
      assert.equal((await get(app, "/health/live")).status, 200, "liveness never touches the database");

      await proxy.restore();
      assert.equal((await get(app, "/health")).status, 200);
      assert.equal((await get(app, "/health/ready")).status, 200);
    });
  });
});
