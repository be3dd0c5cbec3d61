/**
 * What resumable, server-owned chat turns cost and what they save (prints figures; asserts nothing).
 * Real PostgreSQL (TEST_DATABASE_URL or BENCH_DATABASE_URL: a server where it may create scratch
 * databases), real backend processes, 127.0.0.1 only.
 *
 * 1. Latency and database writes of a streamed turn with the offline model (POST /api/chat/stream
 *    through the real app in this process, the whole stream read), this code turn about with a
 *    baseline checkout's (BENCH_BASELINE_API, e.g. the main branch's apps/api, node_modules
 *    installed) when one is given: p50/p99, and rows written per turn (pg_stat_user_tables
 *    inserts + updates + deletes over the run).
 * 2. A rolling restart of two replicas under steady chat load: clients send turns through a
 *    "Service" that routes to ready replicas only (as Kubernetes does), a slow fake model answers
 *    (~1 s, one tool call); replica A is replaced (surge one, SIGTERM the old), then B. A turn is
 *    lost when it was accepted but its reply never reached the client whole or was not stored.
 *
 *   npm run bench:turns -w @todo/api
 *   BENCH_TURNS=300 BENCH_BASELINE_API=/work/main/apps/api BENCH_RESTART_TURNS=100 BENCH_CLIENTS=6
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { lastRole, startFakeOpenAI } from "../test/fake-openai.ts";
import { json, signUpAndIn, startBackend, type BackendProcess } from "../test/process.ts";
import { readSse, textOf, type StreamEvent } from "../test/sse.ts";
import { createPostgresDatabase } from "../test/support.ts";

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.error("set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)");
  process.exit(2);
}
process.env.TEST_DATABASE_URL = adminUrl;
const TURNS = Number(process.env.BENCH_TURNS ?? 200);
const BASELINE = process.env.BENCH_BASELINE_API;
const RESTART_TURNS = Number(process.env.BENCH_RESTART_TURNS ?? 100);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 6);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Sign-up and sign-in come from the web app's origin, as in a browser. */
const ORIGIN = { origin: "http://localhost:3000" };
const quiet = { LOG_LEVEL: "warn", DATA_DIR: mkdtempSync(join(tmpdir(), "turns-bench-")) };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function rowsWritten(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  // Statistics reach the views when each backend reports them (at most once a second).
  await sleep(1500);
  await c.query("select pg_stat_clear_snapshot()");
  const { rows } = await c.query("select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint as n from pg_stat_user_tables");
  await c.end();
  return Number(rows[0].n);
}

type Support = typeof import("../test/support.ts");

/**
 * One checkout's app (its test/support.ts: the real app, offline model) on its own scratch
 * PostgreSQL database, and a function that runs one streamed turn (the whole stream read).
 */
async function openApp(support: Support) {
  const db = await support.postgresDriver.create();
  const { app } = support.buildApp(db.handle);
  const me = await support.signUp(app);
  let conversationId: string | undefined;
  let n = 0;
  const turn = async () => {
    const t0 = performance.now();
    const res = await app.request("/api/chat/stream", {
      method: "POST",
      headers: { authorization: `Bearer ${me.token}`, "content-type": "application/json" },
      // Conversations of 10 turns, as people chat.
      body: JSON.stringify({ message: "add buy milk tomorrow", ...(n++ % 10 && conversationId ? { conversationId } : {}) }),
    });
    conversationId = res.headers.get("x-conversation-id")!;
    await res.text();
    return performance.now() - t0;
  };
  return { db, turn };
}

/**
 * Streamed turns with the offline model, this code and the baseline's taking turns (so the load of
 * a shared machine weighs on both alike): p50/p99 and rows written per turn.
 */
async function latencyAndWrites() {
  const here = await openApp(await import("../test/support.ts"));
  const base = BASELINE ? await openApp((await import(`${BASELINE}/test/support.ts`)) as Support) : undefined;
  const apps = [{ name: "this", ...here }, ...(base ? [{ name: "baseline", ...base }] : [])];
  for (let i = 0; i < 30; i++) for (const a of apps) await a.turn(); // warm-up: JIT, the tool listing
  const names = await Promise.all(apps.map((a) => databaseUrlOf(a.db)));
  const before = await Promise.all(names.map(rowsWritten));
  const times = apps.map(() => [] as number[]);
  for (let i = 0; i < TURNS; i++) for (const [k, a] of apps.entries()) times[k]!.push(await a.turn());
  const after = await Promise.all(names.map(rowsWritten));
  const figures = apps.map((a, k) => ({ name: a.name, p50: pct(times[k]!, 50), p99: pct(times[k]!, 99), writes: (after[k]! - before[k]!) / TURNS }));
  for (const f of figures) {
    console.log(
      `${f.name.padEnd(9)} streamed turn (offline model, in process): p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms; rows written per turn ${f.writes.toFixed(1)}`,
    );
  }
  if (figures[1]) {
    const [now, was] = figures as [(typeof figures)[0], (typeof figures)[0]];
    console.log(
      `resumability costs p50 ${(now.p50 - was.p50).toFixed(2)} ms, p99 ${(now.p99 - was.p99).toFixed(2)} ms per turn; ` +
        `rows written per turn ${was.writes.toFixed(1)} → ${now.writes.toFixed(1)}`,
    );
  }
  await Promise.all(apps.map((a) => a.db.dispose()));
}

/** The scratch database's URL, read back from the server (the driver does not expose it). */
async function databaseUrlOf(db: { handle: { db: { execute(q: unknown): Promise<unknown> } } }): Promise<string> {
  const { sql } = await import("drizzle-orm");
  const result = (await db.handle.db.execute(sql`select current_database() as name`)) as { rows: { name: string }[] };
  const url = new URL(adminUrl!);
  url.pathname = `/${result.rows[0]!.name}`;
  return url.toString();
}

async function rollingRestart() {
  const fake = await startFakeOpenAI(async (req) => {
    if (lastRole(req) === "tool") return { text: "Done: I added it to your list, as you asked.", wordDelayMs: 60 };
    await sleep(300);
    return { toolCalls: [{ name: "add_task", arguments: { title: "Bench task" } }] };
  });
  const db = await createPostgresDatabase();
  const env = { DATABASE_URL: db.url, LLM_BASE_URL: fake.baseURL, LLM_MODEL: "fake", DRAIN_DELAY_MS: "500", CHAT_MAX_TURNS_PER_USER: "100", ...quiet };
  const replicas: BackendProcess[] = await Promise.all([startBackend(env, undefined, "discard"), startBackend(env, undefined, "discard")]);
  // The Service: ready endpoints only, as the readiness probe sees them (polled every 100 ms).
  const ready = new Set<BackendProcess>(replicas);
  let probing = true;
  const probe = (async () => {
    while (probing) {
      await Promise.all(
        replicas.map(async (r) =>
          (await fetch(`${r.url}/health/ready`).then(
            (x) => x.ok,
            () => false,
          ))
            ? ready.add(r)
            : ready.delete(r),
        ),
      );
      await sleep(100);
    }
  })();
  let rr = 0;
  const pick = () => {
    const list = [...ready];
    return list[rr++ % list.length] ?? replicas[0]!;
  };
  const tokens = await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) =>
      signUpAndIn(replicas[0]!.url, { name: `C${i}`, email: `c${i}@example.test`, password: "correct horse battery" }, ORIGIN),
    ),
  );
  let sent = 0;
  let refusedRetried = 0;
  let resumed = 0;
  const outcomes: { conversationId: string; token: string; whole: boolean }[] = [];
  const EXPECTED = "Done: I added it to your list, as you asked.";

  const client = async (token: string) => {
    while (sent < RESTART_TURNS) {
      sent += 1;
      // As the web app does: a draining replica's 503 is retried; a network error, too (before acceptance).
      let res: Response | undefined;
      for (let attempt = 0; attempt < 20; attempt++) {
        res = await fetch(`${pick().url}/api/chat/stream`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ message: "add bench task" }),
        }).catch(() => undefined);
        if (res?.status === 200) break;
        refusedRetried += 1;
        await sleep(200);
      }
      if (res?.status !== 200) {
        outcomes.push({ conversationId: "", token, whole: false });
        continue;
      }
      const conversationId = res.headers.get("x-conversation-id")!;
      const events: StreamEvent[] = [];
      try {
        for await (const e of readSse(res)) events.push(e);
      } catch {
        // cut: resumed below
      }
      for (let attempt = 0; events.at(-1)?.chunk.type !== "finish" && attempt < 20; attempt++) {
        resumed += 1;
        const again: Response | undefined = await fetch(`${pick().url}/api/chat/${conversationId}/stream?after=${events.at(-1)?.id ?? -1}`, {
          headers: { authorization: `Bearer ${token}` },
        }).catch(() => undefined);
        if (again?.status === 204) break;
        if (again?.status !== 200) {
          await sleep(200);
          continue;
        }
        try {
          for await (const e of readSse(again)) events.push(e);
        } catch {
          // cut again
        }
      }
      outcomes.push({ conversationId, token, whole: textOf(events) === EXPECTED && events.at(-1)?.chunk.type === "finish" });
    }
  };

  const load = Promise.all(tokens.map(client));
  // The rolling update: maxSurge 1, maxUnavailable 0 — a new pod becomes ready, then an old one stops.
  const replace = async (old: BackendProcess) => {
    const fresh = await startBackend(env, undefined, "discard");
    replicas.push(fresh);
    await sleep(300);
    old.child.kill("SIGTERM");
    const { code } = await old.exited;
    replicas.splice(replicas.indexOf(old), 1);
    ready.delete(old);
    return code;
  };
  await sleep(1500);
  const codes = [await replace(replicas[0]!), await replace(replicas[0]!)];
  await load;
  probing = false;
  await probe;

  let stored = 0;
  for (const o of outcomes.filter((o) => o.conversationId)) {
    const c = await json(`${replicas[0]!.url}/api/conversations/${o.conversationId}`, { token: o.token });
    if (c.body?.turn?.state === "done" && c.body.messages.at(-1)?.content === EXPECTED) stored += 1;
  }
  const lost = outcomes.filter((o) => !o.whole).length;
  console.log(
    `rolling restart of 2 replicas under ${CLIENTS} steady chat clients: ${lost} of ${outcomes.length} turns lost ` +
      `(reply not received whole), ${outcomes.length - stored} not stored done; exit codes ${codes.join(", ")}; ` +
      `${refusedRetried} refusals retried (503 draining / connection refused), ${resumed} resumes`,
  );
  await Promise.all(replicas.map((r) => r.stop()));
  await fake.close();
  await db.drop();
}

await latencyAndWrites();
await rollingRestart();
