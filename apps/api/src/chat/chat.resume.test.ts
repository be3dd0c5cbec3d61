/**
 * Resuming a turn through the database, in one process: two apps on the same database stand for two
 * replicas (each its own running turns), on embedded PGlite and on PostgreSQL alike. A fake model
 * holds its reply halfway until the test lets it go, so nothing depends on timing.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { count, eq } from "drizzle-orm";
import { lastRole, startFakeOpenAI, type FakeOpenAI } from "../../test/fake-openai.ts";
import { readSse, textOf, type StreamEvent } from "../../test/sse.ts";
import { buildApp, Client, drivers, signUp, type TestDatabase } from "../../test/support.ts";
import { chatTurnChunks } from "../db/schema.ts";

const REPLY = "one two three four five six seven eight.";

for (const driver of drivers) {
  describe(`resuming a turn on ${driver.name}`, () => {
    let db: TestDatabase;
    let fake: FakeOpenAI;
    let release: () => void = () => undefined;
    let gate: Promise<void> = Promise.resolve();

    before(async () => {
      db = await driver.create();
      fake = await startFakeOpenAI((req) =>
        lastRole(req) === "tool"
          ? { text: REPLY, hold: { afterWords: 3, until: gate } }
          : { toolCalls: [{ name: "add_task", arguments: { title: "Resume me" } }] },
      );
    });
    after(async () => {
      release();
      await fake.close();
      await db.dispose();
    });

    const model = () => createOpenAICompatible({ name: "fake", baseURL: fake.baseURL, apiKey: "k" }).chatModel("fake-model");
    const hold = () => {
      gate = new Promise((r) => (release = r));
    };

    /** Waits until the turn's first chunks are in the database (the replica flushes them on a timer). */
    async function storedChunks(turnId: string) {
      for (let i = 0; i < 500; i++) {
        const [stored] = await db.handle.db.select({ n: count() }).from(chatTurnChunks).where(eq(chatTurnChunks.turnId, turnId));
        if (stored && stored.n > 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.fail("the running turn never stored its chunks");
    }

    async function readUntil(events: AsyncGenerator<StreamEvent>, until: (seen: StreamEvent[]) => boolean) {
      const seen: StreamEvent[] = [];
      for (let next = await events.next(); !next.done; next = await events.next()) {
        seen.push(next.value);
        if (until(seen)) break;
      }
      return seen;
    }

    test("another replica resumes the stream from the stored chunks: the rest once, in order; then 204", { timeout: 60_000 }, async () => {
      hold();
      const a = buildApp(db.handle, { model: model() }).app;
      // B looks on its own only every 10 minutes: what it streams, NOTIFY woke it for.
      const b = buildApp(db.reopen(), { model: model(), config: { resumePollMs: 600_000 } }).app;
      const me = await signUp(a);
      const auth = { authorization: `Bearer ${me.token}` };
      const res = await a.request("/api/chat/stream", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ message: "add resume me" }),
      });
      const conversationId = res.headers.get("x-conversation-id")!;
      const stream = readSse(res);
      const first = await readUntil(stream, (seen) => textOf(seen) === "one two three ");
      await stream.return(undefined); // this client goes away

      // Stored before the reply ends: the conversation says the turn is running.
      const running = await me.get(`/api/conversations/${conversationId}`);
      assert.equal(running.body.turn.state, "running");
      assert.equal(running.body.messages[0].content, "add resume me");
      // A client cut off mid-reply comes back after the replica has stored what was said (it writes
      // every 100 ms). A turn that ends before its first write stores no chunks on purpose: a resume
      // elsewhere then finds it ended, and the client shows the stored reply.
      await storedChunks(running.body.turn.id);

      const resumed = await b.request(`/api/chat/${conversationId}/stream`, { headers: { ...auth, "last-event-id": String(first.at(-1)!.id) } });
      assert.equal(resumed.status, 200);
      const events = readSse(resumed);
      release();
      const rest = await readUntil(events, () => false);
      const all = [...first, ...rest];
      assert.deepEqual(
        all.map((e) => e.id),
        all.map((_, i) => i),
        "each chunk once, in order",
      );
      assert.equal(textOf(all), REPLY);
      assert.equal(all.at(-1)!.chunk.type, "finish");

      assert.equal((await b.request(`/api/chat/${conversationId}/stream`, { headers: auth })).status, 204);
      const done = await me.get(`/api/conversations/${conversationId}`);
      assert.equal(done.body.turn.state, "done");
      assert.equal(done.body.messages.at(-1).content, REPLY);
    });

    test("Stop asked on another replica reaches the turn at its next heartbeat; the turn says stopped", async () => {
      hold();
      const a = buildApp(db.handle, { model: model(), config: { turnLeaseMs: 300 } }).app;
      const b = buildApp(db.reopen(), { model: model(), config: { turnLeaseMs: 300 } }).app;
      const me = await signUp(a);
      const res = await a.request("/api/chat/stream", {
        method: "POST",
        headers: { authorization: `Bearer ${me.token}`, "content-type": "application/json" },
        body: JSON.stringify({ message: "add resume me" }),
      });
      const conversationId = res.headers.get("x-conversation-id")!;
      const events = readSse(res);
      await readUntil(events, (seen) => textOf(seen) === "one two three ");
      const stop = await new Client(b, me.token).post(`/api/chat/${conversationId}/stop`);
      assert.deepEqual(stop.body, { stopped: true });
      const rest = await readUntil(events, () => false);
      assert.equal(rest.at(-1)!.chunk.type, "abort", "the stream ends as stopped");
      const stored = await me.get(`/api/conversations/${conversationId}`);
      assert.equal(stored.body.turn.state, "stopped");
      assert.equal(stored.body.messages.at(-1).content, "one two three ", "what it had said is kept");
      release();
    });

    test("a draining replica refuses a new turn with 503 and Retry-After, storing nothing", async () => {
      const { app } = buildApp(db.handle, { model: model() });
      const me = await signUp(app);
      const draining = buildApp(db.handle, { model: model(), lifecycle: { draining: true } }).app;
      const res = await draining.request("/api/chat", {
        method: "POST",
        headers: { authorization: `Bearer ${me.token}`, "content-type": "application/json" },
        body: JSON.stringify({ message: "hello" }),
      });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, "draining");
      assert.equal(res.headers.get("retry-after"), "1");
      assert.deepEqual((await me.get("/api/conversations")).body.conversations, [], "nothing stored");
    });

    test("resume and stop name the conversation; someone else's is not found", async () => {
      gate = Promise.resolve();
      const a = buildApp(db.handle, { model: model() }).app;
      const me = await signUp(a);
      const other = await signUp(a);
      const mine = await me.post("/api/chat", { message: "hi" });
      assert.equal((await other.get(`/api/chat/${mine.body.conversationId}/stream`)).status, 404);
      assert.equal((await other.post(`/api/chat/${mine.body.conversationId}/stop`)).status, 404);
      assert.deepEqual((await me.post(`/api/chat/${mine.body.conversationId}/stop`)).body, { stopped: false });
      const bad = await me.get(`/api/chat/${mine.body.conversationId}/stream?after=x`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, "after");
    });
  });
}
