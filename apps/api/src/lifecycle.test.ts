/**
 * The real entry point as a process: graceful shutdown with a request in flight, readiness while
 * draining, and a conversation that survives a restart of the process on the embedded database.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { json, signUpAndIn, startBackend } from "../test/process.ts";
import { lastRole, startFakeOpenAI } from "../test/fake-openai.ts";

describe("backend process lifecycle", () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), "todo-lifecycle-"));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test("SIGTERM: reports not ready, finishes the request in flight, exits 0", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const modelReached = new Promise<void>((r) => (reached = r));
    const fake = await startFakeOpenAI(async (req) => {
      if (lastRole(req) === "tool") return { text: "unused" };
      reached();
      await gate;
      return { text: "Here is your slow answer." };
    });
    const backend = await startBackend({ DATA_DIR: dataDir(), LLM_BASE_URL: fake.baseURL, LLM_MODEL: "fake", DRAIN_DELAY_MS: "1500" });
    try {
      const token = await signUpAndIn(backend.url, { name: "Slow", email: "slow@example.test", password: "correct horse battery" });
      const inFlight = json(`${backend.url}/api/chat`, { method: "POST", token, json: { message: "take your time" } });
      await modelReached;

      backend.child.kill("SIGTERM");
      let ready: Awaited<ReturnType<typeof json>> | undefined;
      for (let i = 0; i < 50; i++) {
        ready = await json(`${backend.url}/health/ready`);
        if (ready.status === 503) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(ready!.status, 503, "not ready once draining");
      assert.equal(ready!.body.status, "draining");
      assert.equal((await json(`${backend.url}/health/live`)).status, 200, "still alive while draining");

      release();
      const answered = await inFlight;
      assert.equal(answered.status, 200, "the in-flight request completed");
      assert.equal(answered.body.reply, "Here is your slow answer.");
      const { code } = await backend.exited;
      assert.equal(code, 0);
      assert.match(backend.output(), /"msg":"stopped"/);
      assert.ok(!backend.output().includes(token), "the logs never contain a session token");
      assert.ok(!backend.output().includes("correct horse battery"), "nor a password");
      await assert.rejects(fetch(`${backend.url}/health/live`), "no longer accepting connections");
    } finally {
      release();
      await backend.stop();
      await fake.close();
    }
  });

  test("a conversation resumes after the process restarts on the embedded database", async () => {
    const dir = dataDir();
    const first = await startBackend({ DATA_DIR: dir });
    const token = await signUpAndIn(first.url, { name: "Resume", email: "resume@example.test", password: "correct horse battery" });
    const turn = await json(`${first.url}/api/chat`, { method: "POST", token, json: { message: "add water the plants" } });
    assert.equal(turn.status, 200);
    await first.stop();
    assert.equal((await first.exited).code, 0);

    const second = await startBackend({ DATA_DIR: dir });
    try {
      const again = await json(`${second.url}/api/chat`, {
        method: "POST",
        token,
        json: { message: "I'm done with the plants", conversationId: turn.body.conversationId },
      });
      assert.equal(again.status, 200, "the session token and the conversation survive the restart");
      assert.match(again.body.reply, /“Water the plants” is done/);
      const conversation = await json(`${second.url}/api/conversations/${turn.body.conversationId}`, { token });
      assert.deepEqual(
        conversation.body.messages.map((m: { content: string }) => m.content),
        ["add water the plants", turn.body.reply, "I'm done with the plants", again.body.reply],
      );
    } finally {
      await second.stop();
    }
  });

  test("a bad configuration stops start-up naming the key", async () => {
    await assert.rejects(startBackend({ DATA_DIR: dataDir(), PORT: "not-a-port" }), /PORT/);
    await assert.rejects(
      startBackend({ DATA_DIR: dataDir(), NODE_ENV: "production", BETTER_AUTH_SECRET: "" }),
      /BETTER_AUTH_SECRET: is required when NODE_ENV=production/,
    );
    await assert.rejects(
      startBackend({ DATA_DIR: dataDir(), LLM_TIMEOUT_MS: "30000", SHUTDOWN_TIMEOUT_MS: "8000" }),
      /SHUTDOWN_TIMEOUT_MS: must be at least LLM_TIMEOUT_MS \+ 2000/,
      "a shutdown timeout shorter than a turn would cut turns off at every deploy",
    );
  });
});
