/**
 * Two backend processes share one PostgreSQL, as seed 004's two replicas do: sessions, tasks, the
 * JWT signing key and rate-limit counters are all shared; nothing depends on which replica answers.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createPostgresDatabase, postgresOnly } from "../test/support.ts";
import { json, signUpAndIn, startBackend, type BackendProcess } from "../test/process.ts";

describe("two replicas on one PostgreSQL", postgresOnly, () => {
  let a: BackendProcess;
  let b: BackendProcess;
  let drop: () => Promise<void>;

  before(async () => {
    const created = await createPostgresDatabase();
    drop = created.drop;
    // Both start at once against an empty database: migrations and the signing key race safely.
    // Behind the web app (on loopback here), whose X-Forwarded-For names each client.
    const env = { DATABASE_URL: created.url, AUTH_RATE_LIMIT_MAX: "4", AUTH_RATE_LIMIT_WINDOW_SECONDS: "60", TRUSTED_PROXIES: "loopback" };
    [a, b] = await Promise.all([startBackend(env), startBackend(env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await drop?.();
  });

  test("a session made on one replica works on the other, and sign-out on one revokes it on both", async () => {
    const token = await signUpAndIn(a.url, { name: "Rita", email: "rita@example.test", password: "correct horse battery" });

    const created = await json(`${a.url}/api/tasks`, { method: "POST", token, json: { title: "Made on A" } });
    assert.equal(created.status, 201);
    const onB = await json(`${b.url}/api/tasks/me`, { token });
    assert.equal(onB.status, 200);
    assert.deepEqual(
      onB.body.map((t: { title: string }) => t.title),
      ["Made on A"],
    );
    const chat = await json(`${b.url}/api/chat`, { method: "POST", token, json: { message: "what's left?" } });
    assert.match(chat.body.reply, /Made on A/);
    const resumed = await json(`${a.url}/api/chat`, {
      method: "POST",
      token,
      json: { message: "complete 1", conversationId: chat.body.conversationId },
    });
    assert.equal(resumed.status, 200, "a conversation started on B continues on A");

    const out = await json(`${b.url}/api/auth/sign-out`, { method: "POST", token, json: {} });
    assert.equal(out.status, 200);
    assert.equal((await json(`${a.url}/api/tasks/me`, { token })).status, 401);
    assert.equal((await json(`${b.url}/api/tasks/me`, { token })).status, 401);
  });

  test("both replicas publish the same single JWT signing key", async () => {
    const [ka, kb] = await Promise.all([json(`${a.url}/api/auth/jwks`), json(`${b.url}/api/auth/jwks`)]);
    assert.equal(ka.body.keys.length, 1);
    assert.deepEqual(ka.body, kb.body);
  });

  test("the sign-in rate limit is shared: attempts on A and B add up", async () => {
    const attempt = (replica: BackendProcess) =>
      json(`${replica.url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "x-forwarded-for": "198.51.100.99", origin: "http://localhost:3000" },
        json: { email: "nobody@example.test", password: "wrong password" },
      });
    const statuses = [];
    for (const replica of [a, b, a, b]) statuses.push((await attempt(replica)).status);
    assert.deepEqual(statuses, [401, 401, 401, 401], "four attempts are allowed in the window");
    const fifth = await attempt(b);
    assert.equal(fifth.status, 429, "the fifth, on either replica, is refused");
    assert.equal(fifth.body.error.code, "rate_limited");
    assert.ok(Number(fifth.headers.get("retry-after")) > 0, "Retry-After says when to come back");
    const otherClient = await json(`${a.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "x-forwarded-for": "198.51.100.100", origin: "http://localhost:3000" },
      json: { email: "nobody@example.test", password: "wrong password" },
    });
    assert.equal(otherClient.status, 401, "another address is not affected");
  });
});
