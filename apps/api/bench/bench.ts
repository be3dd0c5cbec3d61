/**
 * Benchmarks against real PostgreSQL (prints figures; asserts nothing). Needs TEST_DATABASE_URL or
 * BENCH_DATABASE_URL naming a server where it may create a scratch database. 127.0.0.1 only.
 *
 * `GET /api/tasks` as clients send it — each way of authenticating, many people (a random one per
 * request, 50 tasks each), 32 connections — beside the ceiling measured in the same run just before
 * it (bench/ceiling.mjs: a bare node:http + pg server doing the same queries), with the CPU spent
 * per request by the server and by the machine (server, PostgreSQL, load generator): a busy machine
 * moves req/s a lot, CPU per request much less, and its ratio is the share a quiet machine would see. Two backends, one after the other on the same database: the bundle as
 * the image runs it (`node dist/main.js`, NODE_ENV=production, info logs) and as `npm start` runs it
 * (scripts/start.mjs: the same bundle from the repo root, warn logs). RSS idle and after the load for
 * both; then POST /api/chat with the offline model over a 50-message history.
 *
 *   npm run bench                      # from the repo root; about 2 minutes
 *   BENCH_SECONDS=5 BENCH_ROUNDS=3     # seconds per measurement; rounds of every form (spread)
 *   BENCH_PEOPLE=200 BENCH_TASKS=50 BENCH_CONNECTIONS=32
 *   BENCH_BACKENDS=bundled,npm-start   # which backends; `tsx` runs src/main.ts through the tsx loader
 *   BENCH_NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2   # passed to the backends (memory studies)
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"   # node arguments NODE_OPTIONS refuses
 *   BENCH_SLOW_PATH=1                  # one more form, last: a request the fast path hands to Better
 *                                      # Auth's getSession (the signed bearer token URL-encoded)
 */
import autocannon from "autocannon";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serializeSignedCookie } from "better-call";
import pg from "pg";
import { createPostgresDatabase } from "../test/support.ts";
import { freePort, json } from "../test/process.ts";

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.error("set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)");
  process.exit(2);
}
process.env.TEST_DATABASE_URL = adminUrl;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 200);
const TASKS = Number(process.env.BENCH_TASKS ?? 50);
const BACKENDS = (process.env.BENCH_BACKENDS ?? "bundled,npm-start").split(",");
/** Arguments for the backends' node that NODE_OPTIONS refuses, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
const SECRET = "bench-secret-0123456789abcdef-0123456789";
const ORIGIN = "http://localhost:3000";
const apiDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

// ---- processes --------------------------------------------------------------------------------

type Proc = { name: string; url: string; child: ChildProcess; stop(): Promise<void> };

const memory = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Math.round(Number(status.match(new RegExp(`${key}:\\s+(\\d+) kB`))?.[1]) / 1024);
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
};

/** CPU time (user + system) the process has used so far, in ms: unlike req/s, hardly moved by other load on the machine. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
};

async function launch(name: string, args: string[], cwd: string, env: Record<string, string>, readyPath: string): Promise<Proc> {
  const port = await freePort();
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", HOST: "127.0.0.1", PORT: String(port), ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  child.stderr!.on("data", (d) => (errors += d));
  const url = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + 90_000; ; await new Promise((r) => setTimeout(r, 100))) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start-up:\n${errors}`);
    if (Date.now() > until) throw new Error(`${name} did not start:\n${errors}`);
    if (
      await fetch(`${url}${readyPath}`).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      break;
  }
  const exited = new Promise((r) => child.once("exit", r));
  return {
    name,
    url,
    child,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The two ways the backend runs: the image's bundle, and `npm start`'s TypeScript loader. */
const backends: Record<string, (databaseUrl: string) => Promise<Proc>> = {
  bundled: (databaseUrl) =>
    launch(
      "bundled (node dist/main.js, NODE_ENV=production)",
      ["dist/main.js"],
      apiDir,
      {
        ...backendEnv(databaseUrl),
        NODE_ENV: "production",
        LOG_LEVEL: "info",
      },
      "/health/ready",
    ),
  "npm-start": (databaseUrl) =>
    // As scripts/start.mjs runs it (from the repo root, no NODE_ENV, its LOG_LEVEL), on PostgreSQL instead of PGlite.
    launch(
      "npm start (node apps/api/dist/main.js)",
      ["apps/api/dist/main.js"],
      repoRoot,
      {
        ...backendEnv(databaseUrl),
        LOG_LEVEL: "warn",
      },
      "/health/ready",
    ),
  // What npm start ran before it bundled the backend (and `npm run dev` runs, without the watcher).
  tsx: (databaseUrl) =>
    launch(
      "tsx (node --import tsx apps/api/src/main.ts)",
      ["--import", "tsx", "apps/api/src/main.ts"],
      repoRoot,
      {
        ...backendEnv(databaseUrl),
        LOG_LEVEL: "warn",
      },
      "/health/ready",
    ),
};
function backendEnv(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    BETTER_AUTH_SECRET: SECRET,
    FRONTEND_URL: ORIGIN,
    BETTER_AUTH_URL: ORIGIN,
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
  };
}

// ---- people and the ways they authenticate ----------------------------------------------------

type Person = { raw: string; signed: string };
/** `token.signature`, as Better Auth puts it in `set-auth-token` and (URL-encoded) in the cookie. */
const signedForm = async (token: string) => decodeURIComponent((await serializeSignedCookie("", token, SECRET)).slice(1));

/**
 * One way a client authenticates: the headers it sends for a person. The MCP OAuth issue adds an
 * OAuth access token here — with its own request (`POST /mcp`, a tools/call of list_tasks) and a
 * ceiling that answers the same.
 */
type AuthForm = { name: string; headers(p: Person): Record<string, string>; handedOver?: true };
let cookieName = "better-auth.session_token";
const forms: AuthForm[] = [
  { name: "signed bearer (set-auth-token)", headers: (p) => ({ authorization: `Bearer ${p.signed}` }) },
  { name: "raw bearer (sign-in JSON body)", headers: (p) => ({ authorization: `Bearer ${p.raw}` }) },
  { name: "browser cookie", headers: (p) => ({ cookie: `${cookieName}=${encodeURIComponent(p.signed)}` }) },
];
if (process.env.BENCH_SLOW_PATH) {
  // Valid for Better Auth (its bearer plugin decodes it), not a form the fast path reads.
  forms.push({
    name: "getSession (URL-encoded signed bearer)",
    headers: (p) => ({ authorization: `Bearer ${encodeURIComponent(p.signed)}` }),
    handedOver: true,
  });
}

/** Signs one person up through the API and checks the bench's forms are exactly what they were handed. */
async function signUpForReal(api: Proc): Promise<Person> {
  // In production Better Auth wants the (trusted) Origin of fetch-like clients (CSRF protection).
  const headers = { origin: ORIGIN };
  const who = { name: "Bench", email: `bench-${randomUUID()}@example.test`, password: "correct horse battery" };
  const up = await json(`${api.url}/api/auth/sign-up/email`, { method: "POST", headers, json: who });
  if (up.status !== 200) throw new Error(`sign-up failed: ${up.status} ${JSON.stringify(up.body)}`);
  // Sign-up answers alike for a new and a taken email, so the session comes from signing in.
  const res = await json(`${api.url}/api/auth/sign-in/email`, { method: "POST", headers, json: { email: who.email, password: who.password } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  const person = { raw: res.body.token as string, signed: await signedForm(res.body.token) };
  const setCookie = res.headers.getSetCookie().find((c) => c.includes("session_token="))!;
  cookieName = setCookie.slice(0, setCookie.indexOf("="));
  if (res.headers.get("set-auth-token") !== person.signed) throw new Error("set-auth-token is not token.signature");
  if (!setCookie.startsWith(`${cookieName}=${encodeURIComponent(person.signed)};`)) throw new Error("the cookie is not the signed token");
  for (const form of forms) {
    const check = await fetch(`${api.url}/api/tasks`, { headers: form.headers(person) });
    if (check.status !== 200) throw new Error(`${form.name}: ${check.status}`);
  }
  return person;
}

/** PEOPLE people with TASKS tasks each, written straight to the database (sign-up hashes a password per person). */
async function seed(pool: pg.Pool): Promise<Person[]> {
  const people: Person[] = [];
  const client = await pool.connect();
  try {
    await client.query("begin");
    for (let i = 0; i < PEOPLE; i++) {
      const userId = randomUUID();
      const token = randomUUID().replaceAll("-", "");
      await client.query('insert into "user" (id, name, email, email_verified) values ($1, $2, $3, false)', [
        userId,
        `Person ${i}`,
        `p${i}-${userId}@example.test`,
      ]);
      await client.query("insert into session (id, token, user_id, expires_at) values ($1, $2, $3, now() + interval '7 days')", [randomUUID(), token, userId]);
      await client.query("insert into task_counters (user_id, last_number) values ($1, $2)", [userId, TASKS]);
      await client.query(
        `insert into tasks (user_id, number, title, priority, tags, due_date, created_at)
         select $1, n, 'Task ' || n, (array['low','medium','high'])[n % 3 + 1], array['bench'],
                date '2026-12-01' + (n % 28), now() - (n || ' minutes')::interval
         from generate_series(1, $2::int) n`,
        [userId, TASKS],
      );
      people.push({ raw: token, signed: await signedForm(token) });
    }
    await client.query("commit");
    // Planner statistics, as autovacuum keeps them on a live database.
    await client.query("analyze");
  } finally {
    client.release();
  }
  return people;
}

// ---- load -------------------------------------------------------------------------------------

type Figures = { rps: number; p50: number; p99: number; bad: number; cpuPerRequest: number; machineCpuPerRequest: number };

/** CPU so far of every PostgreSQL backend serving the scratch database, by pid. */
async function postgresCpu(): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>("select pid from pg_stat_activity where datname = current_database()");
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      cpu.set(pid, cpuMs(pid));
    } catch {
      // gone already
    }
  }
  return cpu;
}

/**
 * One load. Besides req/s and latency: the server's CPU per request, and the machine's — the server,
 * its PostgreSQL backends and this load generator together. On a quiet machine whose CPUs are the
 * limit, the ratio of the machine CPU per request is the ratio of throughputs to expect.
 */
async function load(server: Proc, path: string, headersFor: () => Record<string, string>, connections = CONNECTIONS, seconds = SECONDS): Promise<Figures> {
  const url = `${server.url}${path}`;
  const cpuBefore = cpuMs(server.child.pid!);
  const pgBefore = await postgresCpu();
  const ownBefore = process.cpuUsage();
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{ method: "GET", setupRequest: (req) => ({ ...req, headers: headersFor() }) }],
  });
  const own = process.cpuUsage(ownBefore);
  const pgAfter = await postgresCpu();
  const requests = Math.max(1, result.requests.total);
  const serverCpu = cpuMs(server.child.pid!) - cpuBefore;
  const pgCpu = [...pgAfter].reduce((sum, [pid, ms]) => sum + (pgBefore.has(pid) ? ms - pgBefore.get(pid)! : 0), 0);
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad: result.non2xx + result.errors,
    cpuPerRequest: serverCpu / requests,
    machineCpuPerRequest: (serverCpu + pgCpu + (own.user + own.system) / 1000) / requests,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const spread = (xs: number[], unit = "") => (xs.length > 1 ? ` (${Math.min(...xs)}–${Math.max(...xs)}${unit})` : "");

// ---- the run ----------------------------------------------------------------------------------

const built = spawnSync(process.execPath, ["build.mjs"], { cwd: apiDir, stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);
const load1 = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(
  `machine: ${load1()} load average, ${PEOPLE} people × ${TASKS} tasks, ${CONNECTIONS} connections, ${SECONDS} s per measurement, ${ROUNDS} round(s)`,
);

const created = await createPostgresDatabase();
const pool = new pg.Pool({ connectionString: created.url, max: 2 });
const running: Proc[] = [];
const summary: string[] = [];
try {
  let people: Person[] = [];
  let realPerson: Person | undefined;
  for (const backendName of BACKENDS) {
    const start = backends[backendName];
    if (!start) throw new Error(`unknown backend ${backendName} (bundled, npm-start, tsx)`);
    const api = await start(created.url);
    running.push(api);
    await new Promise((r) => setTimeout(r, 2000));
    const idle = memory(api.child.pid!);

    realPerson = await signUpForReal(api);
    if (people.length === 0) people = await seed(pool);
    const ceiling = await launch("ceiling", ["bench/ceiling.mjs"], apiDir, { DATABASE_URL: created.url, COOKIE_NAME: cookieName, POOL_MAX: "15" }, "/");
    running.push(ceiling);
    const pick = () => people[Math.floor(Math.random() * people.length)]!;
    const tasksPath = "/api/tasks?limit=50";

    // Warm-up (JIT, pool connections, prepared statements), not measured; the slow path's own run shows its memory.
    for (const form of forms.filter((f) => !f.handedOver)) {
      await load(api, tasksPath, () => form.headers(pick()), CONNECTIONS, 3);
      await load(ceiling, "/", () => form.headers(pick()), CONNECTIONS, 1);
    }

    const rows: Record<string, string | number>[] = [];
    const perForm = new Map<string, { share: number[]; p99x: number[]; cpuShare: number[] }>();
    const measure = async (form: AuthForm, round: number) => {
      const bare = await load(ceiling, "/", () => form.headers(pick()));
      const ours = await load(api, tasksPath, () => form.headers(pick()));
      const share = Math.round((ours.rps / bare.rps) * 100);
      const p99x = Math.round((ours.p99 / bare.p99) * 100) / 100;
      const cpuShare = Math.round((bare.machineCpuPerRequest / ours.machineCpuPerRequest) * 100);
      const f = perForm.get(form.name) ?? { share: [], p99x: [], cpuShare: [] };
      f.share.push(share);
      f.cpuShare.push(cpuShare);
      f.p99x.push(p99x);
      perForm.set(form.name, f);
      rows.push({
        ...(ROUNDS > 1 ? { round } : {}),
        form: form.name,
        "req/s": ours.rps,
        "ceiling req/s": bare.rps,
        share: `${share}%`,
        "p50 ms": ours.p50,
        "ceiling p50": bare.p50,
        "p99 ms": ours.p99,
        "ceiling p99": bare.p99,
        "p99 ÷ ceiling": p99x,
        "CPU ms/req": Math.round(ours.cpuPerRequest * 100) / 100,
        "ceiling CPU": Math.round(bare.cpuPerRequest * 100) / 100,
        "machine CPU": Math.round(ours.machineCpuPerRequest * 100) / 100,
        "ceiling machine": Math.round(bare.machineCpuPerRequest * 100) / 100,
        "non-2xx+errors": ours.bad + bare.bad,
        "RSS MB": memory(api.child.pid!).rss,
      });
    };
    // Each round starts with a different form, so none always pays for the garbage of the one before.
    const clientForms = forms.filter((f) => !f.handedOver);
    for (let round = 1; round <= ROUNDS; round++) {
      for (let i = 0; i < clientForms.length; i++) await measure(clientForms[(i + round - 1) % clientForms.length]!, round);
    }
    const after = memory(api.child.pid!);
    // Better Auth's own path last, so the memory it leaves behind shows on its own.
    for (const form of forms.filter((f) => f.handedOver)) for (let round = 1; round <= ROUNDS; round++) await measure(form, round);
    const afterHandedOver = forms.some((f) => f.handedOver) ? memory(api.child.pid!) : undefined;
    const ceilingMemory = memory(ceiling.child.pid!);
    await ceiling.stop();
    running.splice(running.indexOf(ceiling), 1);

    console.log(`\n${api.name} — GET /api/tasks?limit=50, a random one of ${people.length} people per request (machine: ${load1()})`);
    console.table(rows);
    for (const [name, f] of perForm) {
      const ok = median(f.share) >= 70 && median(f.p99x) <= 1.5;
      summary.push(
        `${backendName.padEnd(9)} ${name.padEnd(32)} share ${median(f.share)}%${spread(f.share, "%")}, p99 ${median(f.p99x)}×${spread(f.p99x, "×")} the ceiling's  ${ok ? "✓" : "✗"} (goal ≥ 70%, ≤ 1.5×); by CPU per request (server + PostgreSQL + load generator) ${median(f.cpuShare)}%${spread(f.cpuShare, "%")}`,
      );
    }
    const rssOk = after.rss < 200 && idle.rss < 120;
    summary.push(
      `${backendName.padEnd(9)} RSS idle ${idle.rss} MB, after load ${after.rss} MB (peak ${after.peak} MB)  ${rssOk ? "✓" : "✗"} (goal idle < 120, after < 200); the bare ceiling process: ${ceilingMemory.rss} MB` +
        (afterHandedOver ? `; after the getSession load too: ${afterHandedOver.rss} MB` : ""),
    );

    if (backendName === "bundled") {
      // The assistant: the offline model over a 50-message history (25 turns), one connection.
      let conversationId: string | undefined;
      const headers = { authorization: `Bearer ${realPerson.signed}` };
      for (let i = 0; i < 25; i++) {
        const r = await json(`${api.url}/api/chat`, { method: "POST", headers, json: { message: i % 2 ? "what's left?" : "show done tasks", conversationId } });
        conversationId = r.body.conversationId;
      }
      const chat = await autocannon({
        url: `${api.url}/api/chat`,
        method: "POST",
        connections: 1,
        duration: SECONDS,
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ message: "what's left?", conversationId }),
      });
      const history = await json(`${api.url}/api/conversations/${conversationId}`, { headers });
      summary.push(
        `${backendName.padEnd(9)} POST /api/chat p50 ${chat.latency.p50} ms, p99 ${chat.latency.p99} ms over a conversation now ${history.body.messages.length} messages long (goal: overhead p50 < 15 ms)`,
      );
    }
    await api.stop();
    running.splice(running.indexOf(api), 1);
  }
  console.log(`\nsummary (medians over ${ROUNDS} round(s), min–max in brackets; machine now: ${load1()})`);
  for (const line of summary) console.log(`  ${line}`);
} finally {
  for (const proc of running) await proc.stop();
  await pool.end();
  await created.drop();
}
