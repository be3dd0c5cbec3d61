/**
 * What a person reads when a model's tool call is wrong (issue 19, item 10): the tool's own message,
 * written for people ("Give the task a title"), never the protocol's ("Input validation error:
 * Invalid arguments for tool add_task…").
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { startFakeOpenAI, type FakeOpenAI } from "../../test/fake-openai.ts";
import { buildApp, pgliteDriver, signUp, type TestDatabase } from "../../test/support.ts";

let db: TestDatabase;
let fake: FakeOpenAI;
const calls: Record<string, unknown>[] = [{ title: "" }, {}, { title: 42 }];
before(async () => {
  db = await pgliteDriver.create();
  // Each turn: one add_task call with the next bad arguments, then a line of text.
  fake = await startFakeOpenAI((req, index) =>
    req.messages.at(-1)?.role === "tool" ? { text: "I couldn't add that." } : { toolCalls: [{ name: "add_task", arguments: calls[index / 2]! }] },
  );
});
after(async () => {
  await db.dispose();
  await fake.close();
});

test("a model's bad add_task arguments come back in people's words, never the SDK's", async () => {
  const model = createOpenAICompatible({ name: "fake", baseURL: fake.baseURL, apiKey: "test-key" }).chatModel("fake-model");
  const { app } = buildApp(db.handle, { model });
  const me = await signUp(app);
  const messages: string[] = [];
  for (const args of calls) {
    const res = await app.request("/api/chat/stream", {
      method: "POST",
      headers: { authorization: `Bearer ${me.token}`, "content-type": "application/json" },
      body: JSON.stringify({ message: "add something" }),
    });
    const body = await res.text();
    const output = body
      .split("\n\n")
      .map((block) => block.replace(/^data: /, "").trim())
      .filter((d) => d && d !== "[DONE]")
      .map((d) => JSON.parse(d))
      .find((c) => c.type === "tool-output-available")?.output;
    assert.ok(output, `${JSON.stringify(args)}: the tool answered`);
    assert.equal(output.structuredContent.error.code, "validation_error");
    assert.doesNotMatch(body, /Input validation error|Invalid arguments for tool/);
    messages.push(output.structuredContent.error.message);
  }
  assert.equal(messages[0], "Give the task a title", JSON.stringify(messages));
  assert.match(messages[1]!, /^title/);
  assert.match(messages[2]!, /^title/);
  assert.deepEqual((await me.get("/api/tasks/me")).body, [], "nothing was stored");
});
