/**
 * CORS as the browser sees it, through @hono/node-server as main.ts serves the app: the trusted
 * origin may read answers (with cookies), others may not, on a route's answer, an error, Better Auth's
 * answers, a preflight and /mcp.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { serve, type ServerType } from "@hono/node-server";
import { buildApp, drivers, signUp, testConfig, type TestDatabase } from "../../test/support.ts";

const TRUSTED = testConfig().auth.trustedOrigins[0]!;

for (const driver of drivers) {
  describe(`CORS on ${driver.name}`, () => {
    let db: TestDatabase;
    let server: ServerType;
    let base: string;
    let token: string;

    before(async () => {
      db = await driver.create();
      const { app } = buildApp(db.handle);
      token = (await signUp(app)).token!;
      server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
      await new Promise((resolve) => server.once("listening", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
      await db.dispose();
    });

    const get = (path: string, headers: Record<string, string>) => fetch(`${base}${path}`, { headers });

    test("a route's answer to the trusted origin can be read by it, with cookies, and keeps its own headers", async () => {
      const res = await get("/api/tasks", { origin: TRUSTED, authorization: `Bearer ${token}` });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { tasks: [], total: 0, limit: 50, offset: 0 });
      assert.equal(res.headers.get("access-control-allow-origin"), TRUSTED);
      assert.equal(res.headers.get("access-control-allow-credentials"), "true");
      assert.equal(res.headers.get("access-control-expose-headers"), "x-conversation-id,x-turn-id");
      assert.equal(res.headers.get("vary"), "Origin");
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      assert.ok(res.headers.get("x-request-id"), "the request id is still sent");
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", "secure headers are still sent");
    });

    test("another origin is not allowed to read it", async () => {
      const res = await get("/api/tasks", { origin: "https://evil.example", authorization: `Bearer ${token}` });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("access-control-allow-origin"), null);
      assert.equal(res.headers.get("vary"), "Origin");
      await res.body?.cancel();
    });

    test("an error and Better Auth's own answers carry the headers too", async () => {
      const refused = await get("/api/tasks", { origin: TRUSTED });
      assert.equal(refused.status, 401);
      assert.equal((await refused.json()).error.code, "unauthorized");
      assert.equal(refused.headers.get("access-control-allow-origin"), TRUSTED);
      assert.equal(refused.headers.get("access-control-allow-credentials"), "true");

      const session = await get("/api/auth/get-session", { origin: TRUSTED, authorization: `Bearer ${token}` });
      assert.equal(session.status, 200);
      assert.ok((await session.json()).user.id);
      assert.equal(session.headers.get("access-control-allow-origin"), TRUSTED);
      assert.equal(session.headers.get("access-control-allow-credentials"), "true");
    });

    test("a preflight from the trusted origin is allowed; /mcp allows any origin without cookies", async () => {
      const preflight = await fetch(`${base}/api/tasks`, {
        method: "OPTIONS",
        headers: { origin: TRUSTED, "access-control-request-method": "PATCH", "access-control-request-headers": "content-type" },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get("access-control-allow-origin"), TRUSTED);
      assert.match(preflight.headers.get("access-control-allow-methods") ?? "", /PATCH/);

      const mcp = await fetch(`${base}/mcp`, {
        method: "POST",
        headers: { origin: "https://inspector.example", "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(mcp.status, 401);
      assert.equal(mcp.headers.get("access-control-allow-origin"), "*");
      assert.equal(mcp.headers.get("access-control-allow-credentials"), null);
      assert.equal(mcp.headers.get("access-control-expose-headers"), "www-authenticate");
      await mcp.body?.cancel();
    });
  });
}
