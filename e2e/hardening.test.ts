/**
 * Issue 11's attacks against the whole running product, through the web app's proxy: invented
 * client addresses, a 200 MB body, the security headers (and a real browser working under the
 * CSP), session tokens in auth answers, and text PostgreSQL cannot store; plus the API reached
 * directly with its default trust (nobody).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { startBackend } from "../apps/api/test/process.ts";
import { ask, browserFor, PASSWORD, signUp, startProduct, uniqueEmail, type Product } from "./harness.ts";

const LIMIT = 5;
let product: Product;

before(async () => {
  product = await startProduct({ backendEnv: { AUTH_RATE_LIMIT_MAX: String(LIMIT) } });
});
after(async () => {
  await product?.stop();
});

const rssMb = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/)![1]) / 1024;

/**
 * `n` wrong-password sign-ins, sent from `from` (a loopback address of its own), so the attacker's
 * bucket is not the one the browser tests below sign in from (127.0.0.1) within the same minute.
 */
async function signInAttempts(url: string, n: number, headers: (i: number) => Record<string, string>, from = "127.0.0.66"): Promise<number[]> {
  const target = new URL(`${url}/api/auth/sign-in/email`);
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const body = JSON.stringify({ email: "victim@example.test", password: `guess-${i}-guess` });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          localAddress: from,
          headers: { "content-type": "application/json", origin: url, "content-length": Buffer.byteLength(body), ...headers(i) },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode!));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    statuses.push(status);
  }
  return statuses;
}

test("30 sign-ins with invented X-Forwarded-For through the web app: limited after the fifth", async () => {
  const statuses = await signInAttempts(product.webUrl, 30, (i) => ({
    "x-forwarded-for": `198.18.${i}.1`,
    // The start wrapper's own header, spoofed: deleted before the app sees it.
    "x-todo-peer-address": `198.19.${i}.1`,
    "x-todo-forwarded-for": `198.20.${i}.1`,
  }));
  assert.deepEqual(statuses.slice(0, LIMIT), Array(LIMIT).fill(401));
  assert.deepEqual(statuses.slice(LIMIT), Array(30 - LIMIT).fill(429), statuses.join(","));
  // Someone else, at another address, is not locked out by the attacker's bucket.
  assert.deepEqual(await signInAttempts(product.webUrl, 1, () => ({}), "127.0.0.67"), [401]);
});

test("the API reached directly trusts no X-Forwarded-For by default", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "todo-e2e-direct-"));
  const api = await startBackend({ AUTH_RATE_LIMIT_MAX: String(LIMIT), DATA_DIR: dataDir });
  try {
    const statuses = await signInAttempts(api.url, 12, (i) => ({ "x-forwarded-for": `198.18.${i}.9` }));
    assert.deepEqual(statuses.slice(LIMIT), Array(12 - LIMIT).fill(429), statuses.join(","));
  } finally {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a web app behind a trusted proxy keeps that proxy's chain: one bucket per real client", async () => {
  const behind = await startProduct({ backendEnv: { AUTH_RATE_LIMIT_MAX: String(LIMIT) }, frontendEnv: { TRUSTED_PROXIES: "loopback" } });
  try {
    // The test is the trusted proxy (127.0.0.1): each "client" it names gets its own bucket.
    const spread = await signInAttempts(behind.webUrl, 2 * LIMIT, (i) => ({ "x-forwarded-for": `192.0.2.${i}` }));
    assert.deepEqual(spread, Array(2 * LIMIT).fill(401));
    const one = await signInAttempts(behind.webUrl, LIMIT + 1, () => ({ "x-forwarded-for": "192.0.2.200" }));
    assert.equal(one.at(-1), 429);
  } finally {
    await behind.stop();
  }
});

/** A POST of `size` bytes in 1 MB chunks; `declared` sends Content-Length, otherwise it is chunked. */
function bigPost(
  url: string,
  size: number,
  declared: boolean,
  path = "/api/tasks",
  extra: Record<string, string> = {},
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const target = new URL(`${url}${path}`);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: { "content-type": "application/json", ...extra, ...(declared ? { "content-length": String(size) } : {}) },
      },
      (res) => {
        // The answer came: stop sending the rest, read the answer, then hang up.
        answered = true;
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => {
          resolve({ status: res.statusCode!, body });
          req.destroy();
        });
        res.on("error", (e) => resolve({ error: e.message }));
      },
    );
    let answered = false;
    req.on("error", (e) => resolve({ error: e.message }));
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < size && !answered) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

test("a 200 MB body through the web app: 413 in the JSON shape, and the server's memory stays put", async () => {
  const pid = product.frontendPid;
  const mb = 1024 * 1024;
  /** Three 200 MB bodies: declared, chunked, and to a page route as a server action. */
  const trio = async () => {
    const declared = await bigPost(product.webUrl, 200 * mb, true);
    assert.ok("status" in declared, JSON.stringify(declared));
    assert.equal(declared.status, 413);
    assert.equal(JSON.parse(declared.body).error.code, "payload_too_large");
    assert.equal(JSON.parse(declared.body).error.message, "this request is too large: a request body can be at most 64 KB");
    const chunked = await bigPost(product.webUrl, 200 * mb, false);
    // Without a declared length the server stops reading at 64 KB: it answers 413, or the client,
    // still writing, sees the connection closed first.
    if ("status" in chunked) assert.equal(chunked.status, 413);
    // A page route with a server-action header reads no body either (the app has no server actions).
    const action = await bigPost(product.webUrl.replace(/\/?$/, ""), 200 * mb, true, "/sign-in", { "next-action": "0".repeat(40) });
    if ("status" in action) assert.ok(action.status < 500, `POST /sign-in with next-action → ${action.status} ${action.body.slice(0, 200)}`);
  };
  // Warm-up: each route once with a body just over the limit (the first render's code and caches).
  await bigPost(product.webUrl, mb, true);
  await bigPost(product.webUrl, mb, false);
  await bigPost(product.webUrl.replace(/\/?$/, ""), mb, true, "/sign-in", { "next-action": "0".repeat(40) });
  const before = rssMb(pid);
  await trio();
  const first = rssMb(pid);
  await trio();
  const second = rssMb(pid);
  console.log(`# web RSS: ${before.toFixed(0)} MB before, ${first.toFixed(0)} MB after three 200 MB POSTs, ${second.toFixed(0)} MB after three more`);
  // Reading a body in would cost at least its 200 MB. What it may cost is the garbage of the bytes
  // discarded before the connection closes, which the young generation absorbs (Node 24's is
  // larger than Node 20's): a one-off step that the second round does not repeat.
  assert.ok(first - before < 150, `the web server grew by ${(first - before).toFixed(0)} MB: less than one body`);
  assert.ok(second - first < 32, `then by ${(second - first).toFixed(0)} MB more: it stays put`);
  assert.equal((await fetch(`${product.webUrl}/api/health`)).status, 200);
});

test("pages carry a CSP (frame-ancestors 'none', a nonce), nosniff and Referrer-Policy; HSTS over HTTPS", async () => {
  for (const path of ["/sign-in", "/sign-up", "/chat", "/tasks"]) {
    const res = await fetch(`${product.webUrl}${path}`, { redirect: "manual" });
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/, path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(res.headers.get("referrer-policy"), "strict-origin-when-cross-origin", path);
    assert.equal(res.headers.get("strict-transport-security"), null, `${path}: no HSTS over plain HTTP`);
  }
  const api = await fetch(`${product.webUrl}/api/health`);
  assert.equal(api.headers.get("x-content-type-options"), "nosniff", "API answers too");
  const https = await fetch(`${product.webUrl}/sign-in`, { headers: { "x-forwarded-proto": "https" } });
  assert.match(https.headers.get("strict-transport-security") ?? "", /max-age=\d+/);
  const nonces = await Promise.all([1, 2].map(async () => (await fetch(`${product.webUrl}/sign-in`)).headers.get("content-security-policy")));
  assert.notEqual(nonces[0], nonces[1], "a fresh nonce per page");
});

test("a real browser signs up, chats and lists tasks under the CSP without a violation", async (t) => {
  const { context } = await browserFor(t);
  const page = await context.newPage();
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await signUp(page, product.webUrl, { name: "Csp Tester", email: uniqueEmail("csp") });
  const reply = await ask(page, "add buy stamps");
  assert.match((await reply.textContent()) ?? "", /stamps/i);
  await page.goto(`${product.webUrl}/tasks`);
  await page.getByText("Buy stamps").first().waitFor();
  assert.deepEqual(violations, []);
});

test("through the web app, auth answers carry no session token", async () => {
  const email = uniqueEmail("token");
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${product.webUrl}/api/auth/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: product.webUrl, ...headers },
      body: JSON.stringify(body),
    });
  const up = await post("sign-up/email", { name: "Token", email, password: PASSWORD });
  assert.equal(up.status, 200);
  const signIn = await post("sign-in/email", { email, password: PASSWORD });
  const signInText = await signIn.text();
  assert.equal(signIn.status, 200);
  assert.doesNotMatch(signInText, /"token"/);
  assert.equal(signIn.headers.get("set-auth-token"), null);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  for (const path of ["get-session", "list-sessions"]) {
    const res = await fetch(`${product.webUrl}/api/auth/${path}`, { headers: { cookie } });
    const text = await res.text();
    assert.equal(res.status, 200, path);
    assert.match(text, /expiresAt/, `${path} answers`);
    assert.doesNotMatch(text, /"token"/, path);
  }
});

test("NUL in a chat message through the web app: 400 naming the field, and the task survives", async () => {
  const email = uniqueEmail("nul");
  const headers = { "content-type": "application/json", origin: product.webUrl };
  await fetch(`${product.webUrl}/api/auth/sign-up/email`, { method: "POST", headers, body: JSON.stringify({ name: "Nul", email, password: PASSWORD }) });
  const signIn = await fetch(`${product.webUrl}/api/auth/sign-in/email`, { method: "POST", headers, body: JSON.stringify({ email, password: PASSWORD }) });
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${product.webUrl}/api${path}`, { method, headers: { ...headers, cookie }, body: body === undefined ? undefined : JSON.stringify(body) });
  const dog = (await (await call("POST", "/tasks", { title: "Walk the dog" })).json()) as { id: string };
  const res = await call("POST", "/chat", { message: "delete the dog\u0000" });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { error: { field: string } }).error.field, "message");
  assert.equal((await call("GET", `/tasks/${dog.id}`)).status, 200);
  const due = await call("POST", "/tasks", { title: "Year zero", dueDate: "0000-01-01" });
  assert.equal(due.status, 400);
});

test("a long conversation opens on its latest messages; older ones load on scrolling up", async (t) => {
  const { context } = await browserFor(t);
  const page = await context.newPage();
  await signUp(page, product.webUrl, { name: "Long Talker", email: uniqueEmail("long") });
  // 30 turns (60 messages) through the web app with the browser's own cookie.
  const conversationId = await page.evaluate(async () => {
    let id: string | undefined;
    for (let i = 1; i <= 30; i++) {
      const res = await fetch("/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: `add errand ${i}`, ...(id ? { conversationId: id } : {}) }),
      });
      id = ((await res.json()) as { conversationId: string }).conversationId;
    }
    return id!;
  });
  await page.goto(`${product.webUrl}/chat/${conversationId}`);
  const messages = page.locator('[data-role="user"], [data-role="assistant"]');
  const said = page.locator('[data-role="user"]');
  await said.last().getByText("add errand 30").waitFor();
  assert.equal(await messages.count(), 50, "the latest 50 messages");
  assert.match((await said.first().textContent()) ?? "", /add errand 6$/);
  await page.getByRole("region", { name: "Conversation" }).evaluate((el) => el.scrollTo(0, 0));
  await said.first().getByText("add errand 1", { exact: false }).waitFor();
  assert.equal(await messages.count(), 60, "and the older ones above them");
  assert.match((await said.first().textContent()) ?? "", /add errand 1$/);
});
