/**
 * Benchmarks against real PostgreSQL (prints figures; asserts nothing). Needs TEST_DATABASE_URL or
 * BENCH_DATABASE_URL naming a server where it may create a scratch database.
 *
 *   GET /api/tasks (authorized, 50 tasks) — the real backend process vs a bare node:http + pg
 *   server answering the same query (session lookup + the page of tasks) as the ceiling;
 *   POST /api/chat with the offline model and a 50-message history; RSS idle and after load.
 *
 * Run: npm run bench (from the repo root; ~1 minute).
 */
import autocannon from "autocannon";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import pg from "pg";
import { createPostgresDatabase } from "../test/support.ts";
import { freePort, json, signUpAndIn, startBackend } from "../test/process.ts";

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.error("set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)");
  process.exit(2);
}
process.env.TEST_DATABASE_URL = adminUrl;
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

const rssMb = (pid: number) => {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

async function load(title: string, opts: autocannon.Options) {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts });
  const row = {
    title,
    "req/s": Math.round(result.requests.average),
    "p50 ms": result.latency.p50,
    "p99 ms": result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  return row;
}

// Measure what production runs: the bundle (npm run build), not the TypeScript loader.
const built = spawnSync(process.execPath, ["build.mjs"], { cwd: new URL("..", import.meta.url), stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);
const created = await createPostgresDatabase();
const backend = await startBackend({ DATABASE_URL: created.url, LOG_LEVEL: "info", NODE_ENV: "production" }, "dist/main.js", "discard");
const bare = { close: () => undefined as unknown };
try {
  await new Promise((r) => setTimeout(r, 1500));
  const idleRss = rssMb(backend.child.pid!);
  const token = await signUpAndIn(
    backend.url,
    { name: "Bench", email: "bench@example.test", password: "correct horse battery" },
    // In production Better Auth wants the (trusted) Origin of fetch-like clients (CSRF protection).
    { origin: "http://localhost:3000" },
  );
  for (let i = 0; i < 50; i++) {
    await json(`${backend.url}/api/tasks`, {
      method: "POST",
      token,
      json: { title: `Task ${i}`, priority: ["low", "medium", "high"][i % 3], tags: ["bench"], dueDate: `2026-12-${String((i % 28) + 1).padStart(2, "0")}` },
    });
  }
  // A conversation with a 50-message history (25 turns).
  let conversationId: string | undefined;
  for (let i = 0; i < 25; i++) {
    const r = await json(`${backend.url}/api/chat`, { method: "POST", token, json: { message: i % 2 ? "what's left?" : "show done tasks", conversationId } });
    conversationId = r.body.conversationId;
  }

  const pool = new pg.Pool({ connectionString: created.url, max: 15 });
  // Planner statistics, as autovacuum keeps them on a live database; a database seeded seconds ago
  // has none, and PostgreSQL would plan the history query for a near-empty table.
  await pool.query("analyze");

  // The ceiling: the same work with nothing in between.
  const barePort = await freePort();
  const server = createServer(async (req, res) => {
    const auth = req.headers.authorization?.slice(7) ?? "";
    const session = await pool.query("select user_id from session where token = $1 and expires_at > now()", [auth.split(".")[0]]);
    const userId = session.rows[0]?.user_id;
    if (!userId) {
      res.writeHead(401).end();
      return;
    }
    const rows = await pool.query("select * from tasks where user_id = $1 order by created_at desc, number desc limit 50", [userId]);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ tasks: rows.rows }));
  });
  await new Promise<void>((r) => server.listen(barePort, "127.0.0.1", r));
  bare.close = () => {
    server.close();
    return pool.end();
  };
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const check = await fetch(`http://127.0.0.1:${barePort}/`, { headers });
  if (!check.ok) throw new Error(`bare server: ${check.status}`);

  const rows = [];
  rows.push(await load("bare node:http + pg (ceiling)", { url: `http://127.0.0.1:${barePort}/`, headers }));
  rows.push(await load("GET /api/tasks (50 tasks)", { url: `${backend.url}/api/tasks?limit=50`, headers }));
  const loadedRss = rssMb(backend.child.pid!);
  rows.push(
    await load("POST /api/chat (offline, 50-msg history)", {
      url: `${backend.url}/api/chat`,
      method: "POST",
      headers,
      body: JSON.stringify({ message: "what's left?", conversationId }),
      connections: 1,
    }),
  );
  const chatRow = rows.at(-1)!;
  const history = await json(`${backend.url}/api/conversations/${conversationId}`, { token });

  console.table(rows);
  const ratio = Math.round((rows[1]!["req/s"] / rows[0]!["req/s"]) * 100);
  console.log(`GET /api/tasks at ${ratio}% of the bare ceiling (goal ≥ 50%)`);
  console.log(`chat p50 ${chatRow["p50 ms"]} ms over a conversation now ${history.body.messages.length} messages long (goal: overhead p50 < 15 ms)`);
  console.log(`backend RSS: idle ${idleRss} MB (goal < 120 MB), after GET load ${loadedRss} MB, after chat load ${rssMb(backend.child.pid!)} MB`);
} finally {
  await bare.close();
  await backend.stop();
  await created.drop();
}
