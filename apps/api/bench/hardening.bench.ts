/**
 * Figures for the outside review's resource attacks (printed, never asserted), on the real backend
 * process (src/main.ts) and real PostgreSQL (TEST_DATABASE_URL or BENCH_DATABASE_URL):
 *
 *   1. /health/live latency while 150 chat streams are sent at once (the offline model, and a fake
 *      model that takes 3 s per turn), with the turn caps as shipped and with them lifted (as before);
 *   2. an MCP batch of 10 non-matching complete_task calls (the batch cap) for a person with
 *      50,000 tasks: time and the backend's RSS.
 *
 * Run: npm run bench:hardening -w @todo/api (about a minute; 127.0.0.1 only).
 */
import pg from "pg";
import { readFileSync } from "node:fs";
import { startFakeOpenAI } from "../test/fake-openai.ts";
import { json, signUpAndIn, startBackend } from "../test/process.ts";
import { createPostgresDatabase } from "../test/support.ts";

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.error("set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)");
  process.exit(2);
}
process.env.TEST_DATABASE_URL = adminUrl;

const STREAMS = 150;
const TURN_MS = 3000;
const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024);
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

async function livenessUnderChat(env: Record<string, string>, label: string, model: "offline" | "slow") {
  const created = await createPostgresDatabase();
  const fake = await startFakeOpenAI(async () => {
    await new Promise((r) => setTimeout(r, TURN_MS));
    return { text: "Here you are." };
  });
  const llm: Record<string, string> = model === "slow" ? { LLM_BASE_URL: fake.baseURL, LLM_MODEL: "fake" } : {};
  const backend = await startBackend({ DATABASE_URL: created.url, ...llm, LOG_LEVEL: "warn", AUTH_RATE_LIMIT_MAX: "1000", ...env }, undefined, "discard");
  try {
    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, i) => signUpAndIn(backend.url, { name: `P${i}`, email: `p${i}@example.test`, password: "correct horse battery" })),
    );
    const latencies: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t = performance.now();
        await fetch(`${backend.url}/health/live`).then((r) => r.text());
        latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: STREAMS }, async (_, i) => {
        const res = await fetch(`${backend.url}/api/chat/stream`, {
          method: "POST",
          headers: { authorization: `Bearer ${tokens[i % tokens.length]}`, "content-type": "application/json" },
          body: JSON.stringify({ message: `what's left? ${i}` }),
        });
        await res.text();
        return res.status;
      }),
    );
    const wall = performance.now() - started;
    probing = false;
    await probe;
    return {
      model: model === "slow" ? `fake, ${TURN_MS / 1000} s a turn` : "offline",
      setting: label,
      "200": statuses.filter((s) => s === 200).length,
      "429": statuses.filter((s) => s === 429).length,
      "live p50 ms": Math.round(percentile(latencies, 50)),
      "live p99 ms": Math.round(percentile(latencies, 99)),
      "live max ms": Math.round(Math.max(...latencies)),
      "all streams done s": +(wall / 1000).toFixed(1),
      "RSS MB": rssMb(backend.child.pid!),
    };
  } finally {
    await backend.stop();
    await fake.close();
    await created.drop();
  }
}

async function mcpBatchOverManyTasks() {
  const created = await createPostgresDatabase();
  const backend = await startBackend({ DATABASE_URL: created.url, LOG_LEVEL: "warn" }, undefined, "discard");
  const pool = new pg.Pool({ connectionString: created.url, max: 2 });
  try {
    const token = await signUpAndIn(backend.url, { name: "Hoarder", email: "hoarder@example.test", password: "correct horse battery" });
    const { rows } = await pool.query("select user_id from session where token = $1", [token]);
    const userId = rows[0].user_id as string;
    await pool.query(
      `insert into tasks (user_id, number, title, title_key, completed)
       select $1, g, 'Errand number ' || g || ' about groceries and paperwork', ' errand number ' || g || ' about groceries and paperwork ', g > 10000
       from generate_series(1, 50000) g`,
      [userId],
    );
    await pool.query("insert into task_counters (user_id, last_number) values ($1, 50000)", [userId]);
    await pool.query("analyze tasks");
    const before = rssMb(backend.child.pid!);
    const batch = Array.from({ length: 10 }, (_, i) => ({
      jsonrpc: "2.0",
      id: i + 1,
      method: "tools/call",
      params: { name: "complete_task", arguments: { match: `zebra xylophone ${i}` } },
    }));
    const results = [];
    for (let run = 0; run < 3; run++) {
      const t = performance.now();
      const res = await json(`${backend.url}/mcp`, { method: "POST", token, json: batch, headers: { accept: "application/json, text/event-stream" } });
      results.push({ ms: performance.now() - t, status: res.status });
    }
    const matching = await json(`${backend.url}/mcp`, {
      method: "POST",
      token,
      headers: { accept: "application/json, text/event-stream" },
      json: { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "complete_task", arguments: { match: "errand number 4321" } } },
    });
    return {
      "tasks of the person": 50_000,
      "batch of 10 non-matching complete_task, ms (3 runs)": results.map((r) => Math.round(r.ms)).join(" / "),
      status: results[0]!.status,
      "one matching call": JSON.stringify(matching.body?.result?.content?.[0]?.text ?? matching.body).slice(0, 60),
      "RSS before / after MB": `${before} / ${rssMb(backend.child.pid!)}`,
    };
  } finally {
    await pool.end();
    await backend.stop();
    await created.drop();
  }
}

console.log(`# /health/live while ${STREAMS} chat streams are sent at once (50 people), probed every 100 ms`);
const lifted = { CHAT_MAX_TURNS: "10000", CHAT_MAX_TURNS_PER_USER: "100" };
const rows = [];
for (const model of ["offline", "slow"] as const) {
  rows.push(await livenessUnderChat({}, "caps as shipped (3 per person, 32 per process)", model));
  rows.push(await livenessUnderChat(lifted, "caps lifted (as before)", model));
}
console.table(rows);
console.log("# an MCP batch over a person with 50,000 tasks");
console.table([await mcpBatchOverManyTasks()]);
