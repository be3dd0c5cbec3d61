/**
 * What verifying an OAuth access token costs a tool call on /mcp, against the session token path
 * (prints figures; asserts nothing). The real app in-process on real PostgreSQL (TEST_DATABASE_URL or
 * BENCH_DATABASE_URL; embedded PGlite without one), one person with 50 tasks, connected through the
 * MCP SDK's own OAuth (test/oauth-client.ts). Then `tools/call list_tasks` one at a time, the forms
 * interleaved round by round: the OAuth access token (JWT verified against the JWT plugin's keys,
 * then the grant looked up), the raw bearer session token and the signed one (the session fast path).
 * Prints p50/p99 per form and the OAuth form's p50 minus the session forms'.
 *
 *   npm run bench:mcp-oauth -w @todo/api     # BENCH_CALLS=2000 BENCH_ROUNDS=5
 */
import { serializeSignedCookie } from "better-call";
import { performance } from "node:perf_hooks";
import { buildApp, createPostgresDatabase, fromAddress, pgliteDriver, signUp } from "../test/support.ts";
import { connectWithOAuth, type FetchLike } from "../test/oauth-client.ts";
import { openPostgres, type DatabaseHandle } from "../src/db/client.ts";
import { migrateDatabase } from "../src/db/migrate.ts";

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MCP_URL = "http://localhost:3000/mcp";
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

let dispose: () => Promise<void>;
let handle: DatabaseHandle;
if (adminUrl) {
  process.env.TEST_DATABASE_URL = adminUrl;
  const created = await createPostgresDatabase();
  handle = openPostgres(created.url, 0, 5);
  await migrateDatabase(handle);
  dispose = async () => {
    await handle.close();
    await created.drop();
  };
} else {
  const db = await pgliteDriver.create();
  handle = db.handle;
  dispose = () => db.dispose();
}

try {
  const { app } = buildApp(handle);
  let n = 0;
  const fetchFn: FetchLike = async (url, init) => app.request(String(url), init, fromAddress(`198.51.100.${(n++ % 250) + 1}`));
  const person = await signUp(app, "Bench");
  for (let i = 0; i < 50; i++) await person.post("/api/tasks", { title: `Task ${i}` });
  const { provider } = await connectWithOAuth(fetchFn, MCP_URL, person.token!);
  const signed = decodeURIComponent((await serializeSignedCookie("", person.token!, "test-secret-test-secret-test-secret-0123")).slice(1));

  const forms = [
    { name: "OAuth access token (JWT)", token: provider.saved!.access_token },
    { name: "raw bearer session token", token: person.token! },
    { name: "signed bearer session token", token: signed },
  ];
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "list_tasks", arguments: { limit: 10 } } });
  const call = async (token: string) => {
    const started = performance.now();
    const res = await app.request(MCP_URL, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body,
    });
    await res.text();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return performance.now() - started;
  };
  // Warm-up: JIT, prepared statements, the JWKS cache.
  for (const form of forms) for (let i = 0; i < 200; i++) await call(form.token);

  const samples = new Map<string, number[]>(forms.map((f) => [f.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const form of forms) {
      const into = samples.get(form.name)!;
      for (let i = 0; i < CALLS / ROUNDS; i++) into.push(await call(form.token));
    }
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const rows = forms.map((f) => ({
    form: f.name,
    calls: samples.get(f.name)!.length,
    "p50 ms": round2(pct(samples.get(f.name)!, 0.5)),
    "p99 ms": round2(pct(samples.get(f.name)!, 0.99)),
  }));
  console.log(`POST /mcp tools/call list_tasks (10 of 50 tasks), in-process, ${adminUrl ? "PostgreSQL" : "PGlite"}, one at a time`);
  console.table(rows);
  const oauth = rows[0]!["p50 ms"];
  for (const row of rows.slice(1)) console.log(`OAuth access token p50 − ${row.form} p50: ${round2(oauth - row["p50 ms"])} ms`);
} finally {
  await dispose();
}
