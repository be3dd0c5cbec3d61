/**
 * Turns that survive deploys, restarts and dropped connections, with real backend processes on one
 * real PostgreSQL and a slow fake model on 127.0.0.1: each turn calls add_task, then the model
 * writes its reply a word at a time (~2 s). SIGTERM mid-turn, a stream cut and resumed on the other
 * replica, SIGKILL mid-turn, a client that never comes back, and Stop from the other replica.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { lastRole, startFakeOpenAI, type FakeOpenAI } from "../../test/fake-openai.ts";
import { json, signUpAndIn, startBackend, type BackendProcess } from "../../test/process.ts";
import { readSse, textOf, type StreamEvent } from "../../test/sse.ts";
import { createPostgresDatabase, postgresOnly } from "../../test/support.ts";

const REPLY = `${Array.from({ length: 20 }, (_, i) => `word${i}`).join(" ")}.`;
const WORD_DELAY_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("chat turns across processes on one PostgreSQL", postgresOnly, () => {
  let fake: FakeOpenAI;
  let dbUrl: string;
  let drop: () => Promise<void>;
  const started: BackendProcess[] = [];
  /** Two replicas shared by the tests that leave them running (starting a process takes seconds). */
  let a: BackendProcess;
  let b: BackendProcess;
  const backend = async (extra: Record<string, string> = {}) => {
    const b = await startBackend({
      DATABASE_URL: dbUrl,
      LLM_BASE_URL: fake.baseURL,
      LLM_MODEL: "fake",
      LOG_LEVEL: "warn",
      CHAT_TURN_LEASE_MS: "1500",
      ...extra,
    });
    started.push(b);
    return b;
  };

  before(async () => {
    fake = await startFakeOpenAI(async (req) => {
      if (lastRole(req) === "tool") return { text: REPLY, wordDelayMs: WORD_DELAY_MS };
      await sleep(200);
      return { toolCalls: [{ name: "add_task", arguments: { title: "Water the plants" } }] };
    });
    ({ url: dbUrl, drop } = await createPostgresDatabase());
    [a, b] = await Promise.all([backend(), backend()]);
  });
  after(async () => {
    await Promise.all(started.map((b) => b.stop()));
    await fake.close();
    await drop();
  });

  let people = 0;
  const person = (b: BackendProcess) => signUpAndIn(b.url, { name: "Turner", email: `turner${people++}@example.test`, password: "correct horse battery" });

  /** Starts a streamed turn; returns its conversation id and an iterator over its events. */
  async function startTurn(b: BackendProcess, token: string, message = "add water the plants", conversationId?: string) {
    const controller = new AbortController();
    const res = await fetch(`${b.url}/api/chat/stream`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ message, ...(conversationId ? { conversationId } : {}) }),
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    return { conversationId: res.headers.get("x-conversation-id")!, events: readSse(res), cut: () => controller.abort() };
  }

  /** Reads events until `until` holds for those read (or the stream ends); the stream stays open. */
  async function readUntil(events: AsyncGenerator<StreamEvent>, until: (seen: StreamEvent[]) => boolean) {
    const seen: StreamEvent[] = [];
    for (let next = await events.next(); !next.done; next = await events.next()) {
      seen.push(next.value);
      if (until(seen)) break;
    }
    return seen;
  }
  const halfTheReply = (seen: StreamEvent[]) => seen.filter((e) => e.chunk.type === "text-delta").length >= 8;

  async function conversation(b: BackendProcess, token: string, id: string) {
    const got = await json(`${b.url}/api/conversations/${id}`, { token });
    assert.equal(got.status, 200);
    return got.body as { messages: { role: string; content: string; toolCalls: { name: string }[] }[]; turn: { state: string } | null };
  }

  async function waitForState(b: BackendProcess, token: string, id: string, state: string) {
    for (let i = 0; i < 200; i++) {
      const c = await conversation(b, token, id);
      if (c.turn?.state === state) return c;
      await sleep(50);
    }
    assert.fail(`the turn never became ${state}`);
  }

  test("SIGTERM mid-turn: the turn completes and is stored, no new turn is accepted, the process exits 0", async () => {
    const leaving = await backend({ DRAIN_DELAY_MS: "800" });
    const token = await person(leaving);
    const turn = await startTurn(leaving, token);
    const early = await readUntil(turn.events, (seen) => seen.some((e) => e.chunk.type === "tool-output-available"));

    leaving.child.kill("SIGTERM");
    for (let i = 0; i < 50 && (await json(`${leaving.url}/health/ready`)).status !== 503; i++) await sleep(20);
    assert.equal((await json(`${leaving.url}/health/ready`)).status, 503, "readiness fails at once");
    const refused = await json(`${leaving.url}/api/chat/stream`, { method: "POST", token, json: { message: "one more thing" } });
    assert.equal(refused.status, 503, "no new turn starts on a draining replica");
    assert.equal(refused.body.error.code, "draining");
    assert.ok(Number(refused.headers.get("retry-after")) > 0, "Retry-After says when to try again");

    const rest = await readUntil(turn.events, () => false);
    const all = [...early, ...rest];
    assert.equal(textOf(all), REPLY, "the client got the whole reply");
    assert.equal(all.at(-1)?.chunk.type, "finish");
    assert.equal((await leaving.exited).code, 0, "then the process exits 0");

    const stored = await conversation(b, token, turn.conversationId);
    assert.equal(stored.turn?.state, "done");
    assert.deepEqual(
      stored.messages.map((m) => [m.role, m.content, m.toolCalls.map((t) => t.name)]),
      [
        ["user", "add water the plants", []],
        ["assistant", REPLY, ["add_task"]],
      ],
      "the person's message and the whole reply with its tool call are stored; the refused message is not",
    );
  });

  test("a stream cut mid-reply resumes on the other replica: the rest exactly once, in order", async () => {
    const token = await person(a);
    const turn = await startTurn(a, token);
    const first = await readUntil(turn.events, halfTheReply);
    turn.cut();
    const lastId = first.at(-1)!.id!;

    const res = await fetch(`${b.url}/api/chat/${turn.conversationId}/stream?after=${lastId}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, "B resumes the turn A runs");
    const rest = await readUntil(readSse(res), () => false);
    const all = [...first, ...rest];
    assert.deepEqual(
      all.map((e) => e.id),
      all.map((_, i) => i),
      "every chunk once, in order",
    );
    assert.equal(textOf(all), REPLY);
    assert.equal(all.at(-1)?.chunk.type, "finish");

    const again = await fetch(`${b.url}/api/chat/${turn.conversationId}/stream`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(again.status, 204, "once the turn has ended there is nothing to resume: the stored conversation is the answer");
    assert.equal((await conversation(b, token, turn.conversationId)).turn?.state, "done");

    const other = await person(b);
    const theirs = await fetch(`${b.url}/api/chat/${turn.conversationId}/stream`, { headers: { authorization: `Bearer ${other}` } });
    assert.equal(theirs.status, 404, "nobody else resumes it");
  });

  test("SIGKILL mid-turn: the next read shows the turn interrupted, and Retry works", async () => {
    const dying = await backend();
    const token = await person(dying);
    const turn = await startTurn(dying, token);
    await readUntil(turn.events, halfTheReply);
    dying.child.kill("SIGKILL");
    await dying.exited;

    const interrupted = await waitForState(b, token, turn.conversationId, "interrupted");
    assert.equal(interrupted.messages[0]?.content, "add water the plants", "the person's message was stored first");
    assert.deepEqual(
      interrupted.messages[1]?.toolCalls.map((t) => t.name),
      ["add_task"],
      "and the tool call as it completed",
    );

    const retry = await startTurn(b, token, "add water the plants", turn.conversationId);
    const events = await readUntil(retry.events, () => false);
    assert.equal(textOf(events), REPLY);
    assert.equal((await conversation(b, token, turn.conversationId)).turn?.state, "done");
  });

  test("a client that goes away and never comes back: the turn is stored complete", async () => {
    const token = await person(a);
    const turn = await startTurn(a, token);
    await readUntil(turn.events, (seen) => seen.length >= 1);
    turn.cut();
    const done = await waitForState(a, token, turn.conversationId, "done");
    assert.equal(done.messages.at(-1)?.content, REPLY);
  });

  test("Stop from the other replica ends the turn where it runs, and the stored turn says stopped", async () => {
    const token = await person(a);
    const turn = await startTurn(a, token);
    const early = await readUntil(turn.events, halfTheReply);
    const stopped = await json(`${b.url}/api/chat/${turn.conversationId}/stop`, { method: "POST", token, json: {} });
    assert.deepEqual(stopped.body, { stopped: true });
    const rest = await readUntil(turn.events, () => false);
    assert.ok(textOf([...early, ...rest]).length < REPLY.length, "the reply stopped before its end");
    const c = await waitForState(b, token, turn.conversationId, "stopped");
    assert.ok(REPLY.startsWith(c.messages.at(-1)!.content) && c.messages.at(-1)!.content.length > 0, "what it had said is kept");
  });
});
