/**
 * Failures in a streamed turn carry their code: a failed tool call is the tool's own result
 * (isError, `{ code, message }`), never blamed on the model, live and as stored; an error part
 * is followed by its code in the message metadata.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { startFakeOpenAI, type FakeOpenAI } from "../../test/fake-openai.ts";
import { buildApp, pgliteDriver, signUp, type TestDatabase } from "../../test/support.ts";

async function stream(app: ReturnType<typeof buildApp>["app"], token: string, message: string) {
  const res = await app.request("/api/chat/stream", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ message }),
  });
  assert.equal(res.status, 200);
  const chunks = (await res.text())
    .split("\n\n")
    // Each event: an `id:` line (its chunk number, for resuming), then its `data:`.
    .map(
      (block) =>
        block
          .split("\n")
          .find((line) => line.startsWith("data: "))
          ?.slice(6)
          .trim() ?? "",
    )
    .filter((d) => d && d !== "[DONE]")
    .map((d) => JSON.parse(d));
  return { chunks, conversationId: res.headers.get("x-conversation-id")! };
}

describe("failures in a streamed turn", () => {
  let db: TestDatabase;
  let fake: FakeOpenAI;
  before(async () => {
    db = await pgliteDriver.create();
    fake = await startFakeOpenAI(() => ({ status: 500, error: "down" }));
  });
  after(async () => {
    await db.dispose();
    await fake.close();
  });

  test("a failed tool call streams and is stored as the tool's error with its code", async () => {
    const { app } = buildApp(db.handle);
    const me = await signUp(app);
    await me.post("/api/tasks", { title: "Buy milk" });
    await me.post("/api/tasks", { title: "Milk the cow" });
    const failures = [
      { message: "complete milk", code: "ambiguous", says: /several tasks match "milk"/ },
      { message: "delete task 99", code: "not_found", says: /no task #99/ },
      { message: `add ${"x".repeat(220)}`, code: "validation_error", says: /title is at most 200 characters/ },
    ];
    for (const f of failures) {
      const { chunks, conversationId } = await stream(app, me.token!, f.message);
      const output = chunks.find((c) => c.type === "tool-output-available")?.output;
      assert.ok(output, `${f.message}: the tool answered`);
      assert.equal(output.isError, true);
      assert.equal(output.structuredContent.error.code, f.code, f.message);
      assert.match(output.structuredContent.error.message, f.says);
      assert.ok(!chunks.some((c) => c.type === "error" || c.type === "tool-output-error"), `${f.message}: the turn itself did not fail`);
      assert.doesNotMatch(JSON.stringify(chunks), /model is unavailable/);
      const stored = (await me.get(`/api/conversations/${conversationId}`)).body.messages.at(-1).toolCalls[0];
      assert.equal(stored.isError, true);
      assert.equal(stored.result.error.code, f.code, `${f.message}: stored with its code`);
      assert.match(stored.text, f.says);
    }
  });

  test("a stream error part is followed by its code", async () => {
    const model = createOpenAICompatible({ name: "fake", baseURL: fake.baseURL, apiKey: "test-key" }).chatModel("fake-model");
    const { app } = buildApp(db.handle, { model });
    const me = await signUp(app);
    const { chunks } = await stream(app, me.token!, "hello");
    const at = chunks.findIndex((c) => c.type === "error");
    assert.ok(at >= 0, "the stream says it failed");
    const metadata = chunks.slice(at).find((c) => c.type === "message-metadata");
    assert.equal(metadata?.messageMetadata.error.code, "model_unavailable");
    assert.equal(metadata.messageMetadata.error.message, chunks[at].errorText);
  });
});
