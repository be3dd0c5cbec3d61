import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CORPUS, CORPUS_NOW, answer } from "./offline.corpus.ts";
import { OfflineLanguageModel } from "./offline.model.ts";

// Every phrasing of the corpus, through the model as the chat runs it: the exact tool calls, or the reply.
describe("offline assistant: corpus", () => {
  const model = new OfflineLanguageModel(() => CORPUS_NOW);
  test("holds at least 200 phrasings", () => assert.ok(CORPUS.length >= 200, `${CORPUS.length} phrasings`));
  for (const entry of CORPUS) {
    test(`${entry.after ? "(after a reply) " : ""}"${entry.say}"`, async () => {
      const got = await answer(model, entry);
      assert.deepEqual(got.calls, entry.calls);
      if (entry.reply) assert.match(got.text, entry.reply);
    });
  }
});
