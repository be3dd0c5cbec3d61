/**
 * 150 chat streams at once against the real process (a model that holds every turn until released):
 * the process runs as many turns as CHAT_MAX_TURNS allows, refuses the rest at once with 429 and
 * Retry-After, and keeps answering /health/live throughout. (How fast it answers is measured by
 * bench/hardening.bench.ts; tests never assert on wall time.)
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startFakeOpenAI } from "../../test/fake-openai.ts";
import { json, signUpAndIn, startBackend } from "../../test/process.ts";

const STREAMS = 150;
const RUNNING = 32;

test(`${STREAMS} concurrent chat streams: ${RUNNING} run, the rest get 429 at once, liveness answers`, async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let reached = 0;
  const fake = await startFakeOpenAI(async () => {
    reached += 1;
    await gate;
    return { text: "Here you are." };
  });
  const dataDir = mkdtempSync(join(tmpdir(), "todo-load-"));
  const backend = await startBackend({
    DATA_DIR: dataDir,
    LLM_BASE_URL: fake.baseURL,
    LLM_MODEL: "fake",
    LOG_LEVEL: "warn",
    CHAT_MAX_TURNS: String(RUNNING),
    CHAT_MAX_TURNS_PER_USER: "100",
  });
  try {
    const tokens = await Promise.all(
      Array.from({ length: 5 }, (_, i) => signUpAndIn(backend.url, { name: `Load ${i}`, email: `load${i}@example.test`, password: "correct horse battery" })),
    );
    const streams = Array.from({ length: STREAMS }, (_, i) =>
      fetch(`${backend.url}/api/chat/stream`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens[i % tokens.length]}`, "content-type": "application/json" },
        body: JSON.stringify({ message: `turn ${i}` }),
      }),
    );
    const refused = (await Promise.all(streams.map((p) => p.then((r) => (r.status === 429 ? r : null))))).filter(Boolean);
    assert.equal(refused.length, STREAMS - RUNNING);
    const body = (await refused[0]!.json()) as { error: { code: string } };
    assert.equal(body.error.code, "busy");
    assert.equal(refused[0]!.headers.get("retry-after"), "5");
    // Every accepted turn reaches the model (a guard against hanging if one never does, not a speed check).
    for (let waited = 0; reached < RUNNING && waited < 120_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.equal(reached, RUNNING, "every accepted turn reached the model");
    for (let i = 0; i < 5; i++) assert.equal((await json(`${backend.url}/health/live`)).status, 200, "liveness answers under load");
    release();
    const accepted = (await Promise.all(streams)).filter((r) => r.status === 200);
    assert.equal(accepted.length, RUNNING);
    const texts = await Promise.all(accepted.map((r) => r.text()));
    assert.ok(
      texts.every((t) => t.includes('"type":"finish"') && !t.includes('"type":"error"')),
      "every running turn finished",
    );
  } finally {
    release();
    await backend.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
