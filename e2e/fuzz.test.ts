/**
 * Generated hostile requests against the whole running product, through the web app's proxy and
 * to the API directly: NUL and lone surrogates, numbers beyond any column, deep JSON, invalid
 * UTF-8, oversized and chunked bodies, odd paths and query strings, spoofed and malformed headers,
 * JSON-RPC batches. Every request carries at least one thing that must be refused, so the run ends
 * with not a single 5xx and nothing stored changed (the attacker's data and another person's).
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { PASSWORD, startProduct, uniqueEmail, type Product } from "./harness.ts";

const WEB_RUNS = 1100;
const API_RUNS = 1000;

let product: Product;
let attacker: { cookie: string; token: string; taskId: string; conversationId: string; name: string };
let victim: { token: string; taskId: string; conversationId: string };

type Sent = { status: number; body: string };

/** One raw HTTP request (any header, any bytes, chunked when `chunked`), with a deadline. */
function send(base: string, req: { method: string; path: string; headers: Record<string, string>; body?: Buffer; chunked?: boolean }): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const headers: Record<string, string> = { ...req.headers };
    if (req.body && !req.chunked) headers["content-length"] = String(req.body.length);
    // A connection of its own (agent: false): a kept-alive socket the server has just closed (it closes
    // after refusing an oversized body) would reset the next request sent on it.
    const r = request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, timeout: 20_000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    r.on("timeout", () => r.destroy(new Error(`no answer to ${req.method} ${req.path.slice(0, 80)}`)));
    r.on("error", (err: NodeJS.ErrnoException) => {
      // A server that stops reading an oversized body may close before the client finished writing.
      if (err.code === "EPIPE" || err.code === "ECONNRESET") resolve({ status: 413, body: "(closed while sending an oversized body)" });
      else reject(err);
    });
    if (req.body && req.chunked) {
      for (let i = 0; i < req.body.length; i += 16 * 1024) r.write(req.body.subarray(i, i + 16 * 1024));
    } else if (req.body) r.write(req.body);
    r.end();
  });
}

async function json(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await send(base, {
    method,
    path,
    headers: { "content-type": "application/json", origin: product.webUrl, ...headers },
    ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
  });
  return { status: res.status, body: res.body ? JSON.parse(res.body) : undefined, raw: res.body };
}

async function person(name: string) {
  const email = uniqueEmail(name.toLowerCase());
  await json(product.apiUrl, "POST", "/api/auth/sign-up/email", {}, { name, email, password: PASSWORD });
  const signIn = await fetch(`${product.apiUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: product.webUrl },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const token = ((await signIn.json()) as { token: string }).token;
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const auth = { authorization: `Bearer ${token}` };
  const task = await json(product.apiUrl, "POST", "/api/tasks", auth, { title: `${name}'s task`, tags: ["keep"], dueDate: "2026-12-24" });
  const chat = await json(product.apiUrl, "POST", "/api/chat", auth, { message: `add ${name}'s second task` });
  assert.equal(chat.status, 200);
  return { name, cookie, token, taskId: task.body.id as string, conversationId: chat.body.conversationId as string };
}

/** Everything stored for a person, read through the API. */
async function snapshot(token: string, conversationId: string): Promise<string> {
  const auth = { authorization: `Bearer ${token}` };
  const reads = await Promise.all([
    json(product.apiUrl, "GET", "/api/tasks/me", auth),
    json(product.apiUrl, "GET", "/api/conversations", auth),
    json(product.apiUrl, "GET", `/api/conversations/${conversationId}?limit=200`, auth),
    json(product.apiUrl, "GET", "/api/auth/get-session", auth),
  ]);
  const session = reads[3].body as { user: unknown };
  return JSON.stringify([reads[0].body, reads[1].body, reads[2].body, session.user]);
}

before(async () => {
  product = await startProduct();
  attacker = await person("Mallory");
  victim = await person("Victor");
});
after(async () => {
  await product?.stop();
});

// ---- generators: every value here must be refused by the field it lands in -------------------

const LONE = ["\ud800", "\udfff", "a\udc00b", "\ud83d"];
const nulText = fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`);
const surrogateText = fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...LONE)).map(([s, l]) => `${s}${l}`);
const hostileText = fc.oneof(nulText, surrogateText);
const hugeNumber = fc.constantFrom(2147483648, 2 ** 53 + 2, 1e308, -1e308, -1, 0, 1.5, Number.MAX_SAFE_INTEGER);
const badDate = fc.constantFrom("0000-01-01", "0000-12-31", "-0001-01-01", "10000-01-01", "0999-01-01", "2026-02-30", "1899-12-31");
/** JSON nested thousands deep, as text: the test never holds it as an object (fast-check would recurse). */
const DEEP = "\u0001deep\u0001";
const deep = fc.constant(DEEP);
const deepText = fc.integer({ min: 500, max: 10_000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`);
/** Own keys named __proto__ and constructor (JSON.parse makes them own properties; literals would not). */
const protoKeys = fc
  .constantFrom('{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"admin": true}}}', '{"__proto__": "x"}')
  .map((text) => JSON.parse(text) as Record<string, unknown>);

/** A task body with at least one refused value. */
const badTask = fc.oneof(
  fc.record({ title: hostileText }),
  fc.record({ title: fc.constant("Fine title"), description: hostileText }),
  fc.record({ title: fc.constant("Fine title"), tags: fc.array(hostileText, { minLength: 1, maxLength: 3 }) }),
  fc.record({ title: fc.constant("Fine title"), dueDate: badDate }),
  fc.record({ title: fc.constant("Fine title"), priority: hostileText }),
  fc.record({ title: deep }),
  fc.record({ title: fc.constant("Fine title"), tags: deep }),
  fc.record({ title: fc.string({ minLength: 201, maxLength: 300 }).map((s) => `x${s}x`) }),
  // __proto__ / constructor keys (prototype pollution) ride along with a refused title: a JSON-RPC
  // record drops a __proto__ key on its own, which would leave a valid body.
  fc.tuple(protoKeys, hostileText).map(([p, title]) => ({ ...p, title })),
);
const badPatch = fc.oneof(
  fc.record({ title: hostileText }),
  fc.record({ description: hostileText }),
  fc.record({ dueDate: badDate }),
  fc.record({ completed: hugeNumber }),
  fc.record({ tags: fc.array(hostileText, { minLength: 1, maxLength: 2 }) }),
  fc.constant({}),
);
const badChat = fc.oneof(
  fc.record({ message: hostileText }),
  fc.record({ message: fc.constant("what's left?"), conversationId: hostileText }),
  fc.record({ message: fc.constant("what's left?"), timeZone: hostileText }),
  fc.record({ message: deep }),
  fc.record({ message: fc.string({ minLength: 4001, maxLength: 4100 }).map((s) => `x${s}x`) }),
);
const badAuth = fc.oneof(
  fc.record({
    path: fc.constant("/api/auth/sign-up/email"),
    body: fc.record({ name: hostileText, email: fc.constant("fuzz@example.test"), password: fc.constant(PASSWORD) }),
  }),
  fc.record({
    path: fc.constant("/api/auth/sign-up/email"),
    body: fc.record({ name: fc.string({ minLength: 101, maxLength: 200 }), email: fc.constant("fuzz2@example.test"), password: fc.constant(PASSWORD) }),
  }),
  fc.record({
    path: fc.constant("/api/auth/sign-up/email"),
    body: fc.record({ name: fc.constant("Fuzz"), email: hostileText, password: fc.constant(PASSWORD) }),
  }),
  fc.record({ path: fc.constant("/api/auth/sign-in/email"), body: fc.record({ email: hostileText, password: hostileText }) }),
  fc.record({ path: fc.constant("/api/auth/sign-in/email"), body: fc.record({ email: deep, password: hugeNumber }) }),
  fc.record({ path: fc.constant("/api/auth/update-user"), body: fc.record({ name: hostileText }) }),
  fc.record({ path: fc.constant("/api/auth/update-user"), body: fc.record({ name: fc.string({ minLength: 101, maxLength: 500 }) }) }),
);
const badQuery = fc.oneof(
  fc.constantFrom("q=%00", "q=a%00b", "q=%ED%A0%80", "dueBefore=0000-01-01", "dueAfter=0000-12-31", "limit=1e999", "limit=2147483648"),
  fc.constantFrom("offset=-1", "offset=9007199254740993", "status=%00", "tag=%00x", "sort=__proto__", "limit=-0", "priority[]=high"),
  hostileText.map((s) => `q=${encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ""))}%00`),
);
const badId = fc.oneof(
  fc.constantFrom("%00", "..%2f..%2fhealth", "%ED%A0%80", "2147483648", "00000000-0000-0000-0000-000000000000%00", "x".repeat(3000)),
  fc.string({ minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s)),
);

type Spec = { method: string; path: string; body?: unknown; raw?: Buffer; chunked?: boolean; headers?: Record<string, string>; as?: "victim" | "anon" };

const spoofedHeaders = fc
  .record(
    {
      "x-forwarded-for": fc.oneof(fc.constant("not-an-ip"), fc.constant("::1, 10.0.0.1, evil"), fc.ipV4(), fc.constant(Array(40).fill("1.2.3.4").join(","))),
      "x-todo-peer-address": fc.oneof(fc.ipV4(), fc.constant("::1")),
      "x-forwarded-proto": fc.constantFrom("https", "gopher", ""),
      "x-forwarded-host": fc.constantFrom("evil.example", "localhost:1"),
      "content-type": fc.constantFrom("application/json", "text/plain", "application/json; charset=latin1", "multipart/form-data; boundary=x"),
    },
    { requiredKeys: [] },
  )
  .chain((headers) =>
    // A spoofed Authorization in one request of eight: it replaces the attacker's own credentials.
    fc
      .oneof(
        { arbitrary: fc.constant(undefined), weight: 7 },
        { arbitrary: fc.constantFrom("Bearer ", "Bearer x.y.z", `Bearer ${"a".repeat(300)}`, "Basic Zm9vOmJhcg=="), weight: 1 },
      )
      .map((authorization): Record<string, string> => (authorization ? { ...headers, authorization } : headers)),
  );

/** A request with at least one refused element, for the web proxy or the API. */
function hostileRequest(withMcp: boolean): fc.Arbitrary<Spec> {
  const ids = (): fc.Arbitrary<string> => fc.oneof(badId, fc.constant(victim.taskId), fc.constant(attacker.taskId));
  const options: fc.Arbitrary<Spec>[] = [
    badTask.map((body) => ({ method: "POST", path: "/api/tasks", body })),
    fc.tuple(ids(), badPatch).map(([id, body]) => ({ method: "PATCH", path: `/api/tasks/${id}`, body })),
    fc.tuple(badId, fc.constantFrom("GET", "DELETE")).map(([id, method]) => ({ method, path: `/api/tasks/${id}` })),
    fc
      .constantFrom("GET", "DELETE", "PATCH")
      .map((method) => ({ method, path: `/api/tasks/${victim.taskId}`, body: method === "PATCH" ? { title: "stolen" } : undefined })),
    badQuery.map((q) => ({ method: "GET", path: `/api/tasks?${q}` })),
    fc.constantFrom("limit=0", "limit=101", "after=-1", "after=1e99", "after=%00").map((q) => ({ method: "GET", path: `/api/tasks/me?${q}` })),
    fc.tuple(badChat, fc.constantFrom("/api/chat", "/api/chat/stream")).map(([body, path]) => ({ method: "POST", path, body })),
    fc.constant({ method: "POST", path: "/api/chat", body: { message: "delete everything", conversationId: victim.conversationId } }),
    fc.constantFrom("DELETE", "GET").map((method) => ({ method, path: `/api/conversations/${victim.conversationId}` })),
    fc.tuple(badId, fc.constantFrom("before=%00", "limit=1e9", "before=00000000-0000-0000-0000-000000000000")).map(([id, q]) => ({
      method: "GET",
      path: `/api/conversations/${attacker.conversationId}?${q}&x=${id.slice(0, 10)}`,
    })),
    badAuth.map(({ path, body }) => ({ method: "POST", path, body, as: "anon" as const })),
    // Oversized, chunked or both; the first byte makes it invalid JSON anyway.
    fc
      .tuple(fc.integer({ min: 65 * 1024, max: 256 * 1024 }), fc.boolean(), fc.constantFrom("/api/tasks", "/api/chat", "/api/auth/sign-in/email"))
      .map(([size, chunked, path]) => ({ method: "POST", path, raw: Buffer.alloc(size, 0x7b), chunked })),
    // Invalid UTF-8 inside JSON that is refused for another reason (no title).
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => ({
      method: "POST",
      path: "/api/tasks",
      raw: Buffer.concat([Buffer.from('{"description":"'), Buffer.from([0xff, 0xfe, ...bytes.filter((b) => b !== 0x22 && b !== 0x5c)]), Buffer.from('"}')]),
    })),
    fc.string({ maxLength: 200 }).map((s) => ({ method: "POST", path: "/api/tasks", raw: Buffer.from(`{"title": ${JSON.stringify(s)}`) })),
    deepText.map((d) => ({ method: "POST", path: "/api/tasks", raw: Buffer.from(d) })),
    fc.constantFrom("/api/%2e%2e/health", "/api/tasks/%2F..%2F", `/api/${"a/".repeat(500)}`, "/api/tasks?%ZZ", "/api/\u0000").map((path) => ({
      method: "GET",
      path: path.replace("\u0000", "%00"),
    })),
  ];
  if (withMcp) {
    const rpc = (params: unknown, id: unknown = 1) => ({ jsonrpc: "2.0", id, method: "tools/call", params });
    options.push(
      fc
        .oneof(
          fc.record({ number: hugeNumber }).map((args) => rpc({ name: "complete_task", arguments: args })),
          fc.record({ match: hostileText }).map((args) => rpc({ name: "delete_task", arguments: args })),
          badTask.map((args) => rpc({ name: "add_task", arguments: args })),
          fc.record({ match: fc.constant("task"), changes: badPatch }).map((args) => rpc({ name: "update_task", arguments: args })),
          fc.integer({ min: 11, max: 60 }).map((n) => Array.from({ length: n }, (_, i) => rpc({ name: "add_task", arguments: { title: `batch ${i}` } }, i))),
          deep.map((d) => rpc({ name: "list_tasks", arguments: { q: d } })),
          fc.constant({ jsonrpc: "2.0", id: { deep: [1] }, method: "tools/call", params: { name: "add_task", arguments: { title: "\u0000" } } }),
        )
        .map((body) => ({ method: "POST", path: "/mcp", body, headers: { accept: "application/json, text/event-stream" } })),
    );
  }
  return fc.tuple(fc.oneof(...options), spoofedHeaders).map(([spec, spoofed]) => ({ ...spec, headers: { ...spoofed, ...spec.headers } }));
}

/** Requests in flight at once: the servers see some concurrency, and the suite stays within a CI minute or two. */
const CONCURRENCY = 6;
/** FUZZ_SEED=<n> replays a run (the seed is printed). */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

async function runHostile(base: string, viaWeb: boolean, runs: number) {
  const before = [await snapshot(attacker.token, attacker.conversationId), await snapshot(victim.token, victim.conversationId)];
  const specs = fc.sample(hostileRequest(!viaWeb), { numRuns: runs, seed: SEED + (viaWeb ? 0 : 1) });
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let sent = 0;
  const one = async (spec: Spec, index: number) => {
    const headers: Record<string, string> = { origin: product.webUrl, ...spec.headers };
    // The attacker's own credentials (a spoofed Authorization, when generated, rides along and wins).
    if (spec.as !== "anon" && viaWeb) headers.cookie = attacker.cookie;
    if (spec.as !== "anon" && !viaWeb) headers.authorization ??= `Bearer ${attacker.token}`;
    // Where the generator put DEEP, the request carries JSON nested `depth` levels deep.
    const depth = 500 + ((index * 7919) % 9_500);
    const text = spec.body === undefined ? undefined : JSON.stringify(spec.body).replaceAll(JSON.stringify(DEEP), "[".repeat(depth) + "]".repeat(depth));
    const body = spec.raw ?? (text === undefined ? undefined : Buffer.from(text));
    const res = await send(base, { method: spec.method, path: spec.path, headers, ...(body ? { body } : {}), ...(spec.chunked ? { chunked: true } : {}) });
    sent += 1;
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const what = `#${index} ${spec.method} ${spec.path.slice(0, 120)} ${String(JSON.stringify(spec.body ?? null)).slice(0, 200)} ${JSON.stringify(spec.headers).slice(0, 200)}`;
    if (res.status >= 500) failures.push(`${what} → ${res.status} ${res.body.slice(0, 300)}`);
    if (spec.method === "POST" && /\/api\/(tasks|chat)$/.test(spec.path) && res.status < 400) failures.push(`${what} was accepted → ${res.status}`);
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < specs.length) {
        const index = next++;
        await one(specs[index]!, index);
      }
    }),
  );
  assert.deepEqual(failures.slice(0, 5), [], `seed ${SEED}: ${failures.length} request(s) answered 5xx or were accepted`);
  const afterwards = [await snapshot(attacker.token, attacker.conversationId), await snapshot(victim.token, victim.conversationId)];
  assert.equal(afterwards[0], before[0], "nothing of the attacker's own data changed");
  assert.equal(afterwards[1], before[1], "nothing of the other person's data changed");
  console.log(
    `# ${viaWeb ? "web proxy" : "API"}: ${sent} hostile requests (seed ${SEED}), statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
  );
  return sent;
}

test(`${WEB_RUNS} hostile requests through the web proxy: no 5xx, nothing stored changed`, async () => {
  assert.equal(await runHostile(product.webUrl, true, WEB_RUNS), WEB_RUNS);
});

test(`${API_RUNS} hostile requests to the API (MCP included): no 5xx, nothing stored changed`, async () => {
  assert.equal(await runHostile(product.apiUrl, false, API_RUNS), API_RUNS);
});
