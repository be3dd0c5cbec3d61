/**
 * Two backend processes share one PostgreSQL, as seed 004's two replicas do: sessions, tasks, the
 * JWT signing key and rate-limit counters are all shared; nothing depends on which replica answers.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createPostgresDatabase, postgresOnly } from "../test/support.ts";
import { json, signUpAndIn, startBackend, type BackendProcess } from "../test/process.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../test/fake-openai.ts";
import { readSse, textOf, type StreamEvent } from "../test/sse.ts";

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

describe("a turn resumed on the other replica", postgresOnly, () => {
  const REPLY = "one two three four five six seven eight.";
  let a: BackendProcess;
  let b: BackendProcess;
  let fake: FakeOpenAI;
  let drop: () => Promise<void>;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));

  before(async () => {
    const created = await createPostgresDatabase();
    drop = created.drop;
    fake = await startFakeOpenAI(() => ({ text: REPLY, hold: { afterWords: 3, until: gate } }));
    // B looks for new chunks on its own only every 10 minutes: what it streams, NOTIFY woke it for.
    const env = { DATABASE_URL: created.url, LLM_BASE_URL: fake.baseURL, LLM_MODEL: "fake-model", LLM_API_KEY: "test-key", CHAT_RESUME_POLL_MS: "600000" };
    [a, b] = await Promise.all([startBackend(env), startBackend(env)]);
  });
  after(async () => {
    release();
    await Promise.all([a?.stop(), b?.stop()]);
    await fake?.close();
    await drop?.();
  });

  test("B streams the parts A's turn stores as they come, woken by NOTIFY, to the end", { timeout: 60_000 }, async () => {
    const token = await signUpAndIn(a.url, { name: "Remy", email: "remy@example.test", password: "correct horse battery" });
    const auth = { authorization: `Bearer ${token}` };
    const started = await fetch(`${a.url}/api/chat/stream`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ message: "tell me a story" }),
    });
    assert.equal(started.status, 200);
    const conversationId = started.headers.get("x-conversation-id")!;
    const onA = readSse(started);
    const first: StreamEvent[] = [];
    for (let next = await onA.next(); !next.done; next = await onA.next()) {
      first.push(next.value);
      if (next.value.chunk.type === "start") break;
    }
    await onA.return(undefined); // this client goes away before the reply has said anything

    // Resumed on B while A's turn waits halfway: B has nothing of it in memory, only the database.
    const resumed = await fetch(`${b.url}/api/chat/${conversationId}/stream`, { headers: { ...auth, "last-event-id": String(first.at(-1)!.id) } });
    assert.equal(resumed.status, 200);
    const onB = readSse(resumed);
    const rest: StreamEvent[] = [];
    for (let next = await onB.next(); !next.done; next = await onB.next()) {
      rest.push(next.value);
      // The words said before the hold reach B while A's turn is still running.
      if (textOf(rest) === "one two three ") break;
    }
    const state = await json(`${a.url}/api/conversations/${conversationId}`, { token });
    assert.equal(state.body.turn.state, "running", "B got them from A's running turn");
    release();
    for (let next = await onB.next(); !next.done; next = await onB.next()) rest.push(next.value);
    const all = [...first, ...rest];
    assert.deepEqual(
      all.map((e) => e.id),
      all.map((_, i) => i),
      "each part once, in order",
    );
    assert.equal(textOf(all), REPLY);
    assert.equal(all.at(-1)!.chunk.type, "finish", "and the stream ends when A's turn does");
  });
});
