/**
 * What the assistant's tool definitions cost on every model request: one chat turn through the
 * real app (embedded PGlite) and a real provider client (@ai-sdk/openai, @ai-sdk/openai-compatible)
 * to a fake OpenAI-compatible server on 127.0.0.1, which measures the `tools` JSON it receives.
 * Prints figures; asserts nothing. `npm run bench:tools -w @todo/api`
 */
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { startFakeOpenAI } from "../test/fake-openai.ts";
import { buildApp, pgliteDriver, signUp } from "../test/support.ts";

const fake = await startFakeOpenAI(() => ({ text: "ok" }));
const db = await pgliteDriver.create();
const providers: [string, LanguageModel][] = [
  ["@ai-sdk/openai-compatible", createOpenAICompatible({ name: "fake", baseURL: fake.baseURL, apiKey: "bench" }).chatModel("fake-model")],
  ["@ai-sdk/openai (chat)", createOpenAI({ baseURL: fake.baseURL, apiKey: "bench" }).chat("fake-model")],
];
try {
  console.log("tool definitions per model request (JSON bytes of the request's `tools`):");
  for (const [name, model] of providers) {
    const me = await signUp(buildApp(db.handle, { model }).app);
    await me.post("/api/chat", { message: "what's left?" });
    const tools = fake.requests.at(-1)?.tools ?? [];
    const bytes = Buffer.byteLength(JSON.stringify(tools));
    const each = tools.map((t) => `${t.function.name} ${Buffer.byteLength(JSON.stringify(t))}`).join(", ");
    console.log(`  ${name}: ${bytes} bytes for ${tools.length} tools (${each})`);
  }
} finally {
  await db.dispose();
  await fake.close();
}
