/**
 * An MCP client connects the way Claude, VS Code and Cursor do: the MCP SDK's own client-side OAuth
 * (`auth()` with an OAuthClientProvider) against the running product at the web origin, the person's
 * part in Chromium. Discovery from the 401 → registration → sign in and Allow on the consent page →
 * code exchange with PKCE → tools → the task on the tasks page; the access token expires (a short
 * lifetime) → 401 invalid_token → refresh; Revoke on Connected apps → 401; Deny → access_denied.
 * Prints the time from the first 401 to the first successful tool call.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Page } from "playwright-core";
import { MemoryOAuthProvider } from "../apps/api/test/oauth-client.ts";
import { browserFor, freePort, PASSWORD, signOut, signUp, startProduct, uniqueEmail, type Product } from "./harness.ts";

/** Access tokens live this long here, so the test sees one expire (the default is an hour). */
const TOKEN_SECONDS = 4;
let product: Product;
let mcpUrl: string;

before(async () => {
  product = await startProduct({ backendEnv: { OAUTH_ACCESS_TOKEN_SECONDS: String(TOKEN_SECONDS) } });
  mcpUrl = `${product.webUrl}/mcp`;
});
after(async () => {
  await product?.stop();
});

/**
 * A CLI-style MCP client: a loopback page the browser is sent back to (as VS Code's), and everything
 * it keeps in memory.
 */
class LoopbackClient extends MemoryOAuthProvider {
  server!: Server;
  port = 0;
  /** The query the browser came back with. */
  callback?: Promise<URLSearchParams>;

  async listen() {
    this.port = await freePort();
    let arrived!: (q: URLSearchParams) => void;
    this.callback = new Promise((resolve) => (arrived = resolve));
    this.server = createServer((req, res) => {
      arrived(new URL(req.url ?? "/", `http://127.0.0.1:${this.port}`).searchParams);
      res.setHeader("content-type", "text/plain").end("You can close this window.");
    });
    await new Promise<void>((resolve) => this.server.listen(this.port, "127.0.0.1", resolve));
    return this;
  }
  close() {
    this.server.close();
  }
  override get redirectUrl() {
    return `http://127.0.0.1:${this.port}/callback`;
  }
}

const rawCall = (token?: string) =>
  fetch(mcpUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });

/** Discovery from the 401 and registration by the SDK; returns once it wants the browser opened. */
async function startAuthorization(client: LoopbackClient) {
  const first = await rawCall();
  assert.equal(first.status, 401);
  const metadata = /resource_metadata="([^"]+)"/.exec(first.headers.get("www-authenticate") ?? "")?.[1];
  assert.equal(metadata, `${product.webUrl}/.well-known/oauth-protected-resource/mcp`);
  assert.equal(await auth(client, { serverUrl: mcpUrl, resourceMetadataUrl: new URL(metadata!) }), "REDIRECT");
  assert.ok(client.authorizationUrl);
}

async function signInAt(page: Page, email: string) {
  await page.waitForURL(/\/sign-in\?/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/consent\?/);
}

test("an MCP client signs in through the browser, uses the tools, refreshes an expired token, and is revoked", async (t) => {
  const { context } = await browserFor(t);
  const page = await context.newPage();
  const email = uniqueEmail("mcp");
  await signUp(page, product.webUrl, { name: "Mcp Person", email });
  await signOut(page);

  const client = await new LoopbackClient("E2E MCP client").listen();
  t.after(() => client.close());
  const startedAt = performance.now();
  await startAuthorization(client);

  // The person: signed out, so signing in comes first; then the consent page names the app and what it asks.
  await page.goto(client.authorizationUrl!.href);
  await signInAt(page, email);
  await page.getByRole("heading", { name: "Allow E2E MCP client to use your tasks?" }).waitFor();
  const asks = page.getByRole("list", { name: "What it asks for" });
  await asks.getByText("See your tasks (list and search them)").waitFor();
  await asks.getByText("Add, change, complete and delete your tasks").waitFor();
  await page.getByRole("button", { name: "Allow" }).click();
  const back = await client.callback!;
  const code = back.get("code");
  assert.ok(code, `the client got a code (${back})`);

  assert.equal(await auth(client, { serverUrl: mcpUrl, authorizationCode: code }), "AUTHORIZED");
  const mcp = new Client({ name: "e2e", version: "1.0.0" });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: client }));
  const tools = (await mcp.listTools()).tools.map((tool) => tool.name);
  assert.ok(tools.includes("add_task") && tools.includes("list_tasks"));
  const added = await mcp.callTool({ name: "add_task", arguments: { title: "Call the plumber" } });
  const firstToolCallMs = performance.now() - startedAt;
  assert.equal(added.isError, undefined);
  console.log(
    `figure: first 401 → first successful tool call, automated (discovery, registration, sign-in, consent, code exchange): ${Math.round(firstToolCallMs)} ms`,
  );
  const listed = await mcp.callTool({ name: "list_tasks", arguments: {} });
  assert.deepEqual(
    (listed.structuredContent as { tasks: { title: string }[] }).tasks.map((task) => task.title),
    ["Call the plumber"],
  );
  await mcp.close();

  // The person sees it on their tasks page.
  await page.goto(`${product.webUrl}/tasks`);
  await page.getByText("Call the plumber").waitFor();

  // The access token expires: 401 with invalid_token (never 200), and the SDK's refresh gets a new one.
  const expiring = client.saved!;
  await sleep(TOKEN_SECONDS * 1000 + 1100);
  const expired = await rawCall(expiring.access_token);
  assert.equal(expired.status, 401);
  assert.match(expired.headers.get("www-authenticate") ?? "", /error="invalid_token", error_description="token expired"/);
  assert.equal(await auth(client, { serverUrl: mcpUrl }), "AUTHORIZED");
  assert.notEqual(client.saved!.refresh_token, expiring.refresh_token, "rotated");
  assert.equal((await rawCall(client.saved!.access_token)).status, 200);

  // Connected apps lists it, used; Revoke ends its access at once.
  await page.goto(`${product.webUrl}/connected-apps`);
  const entry = page.getByRole("listitem", { name: "E2E MCP client" });
  await entry.getByText(/Last used (?!never)/).waitFor();
  await entry.getByRole("button", { name: "Revoke E2E MCP client" }).click();
  await page.getByText("No apps are connected.").waitFor();
  assert.equal((await rawCall(client.saved!.access_token)).status, 401);
});

test("Deny on the consent page sends the client back with access_denied", async (t) => {
  const { context } = await browserFor(t);
  const page = await context.newPage();
  await signUp(page, product.webUrl, { name: "Denier", email: uniqueEmail("deny") });

  const client = await new LoopbackClient("Unwanted client").listen();
  t.after(() => client.close());
  await startAuthorization(client);
  // Already signed in: straight to consent.
  await page.goto(client.authorizationUrl!.href);
  await page.getByRole("heading", { name: "Allow Unwanted client to use your tasks?" }).waitFor();
  await page.getByRole("button", { name: "Deny" }).click();
  const back = await client.callback!;
  assert.equal(back.get("error"), "access_denied");
  assert.equal(back.get("code"), null);
});

test("the web origin passes /mcp on with the same body limit as /api (413 beyond 64 KB, nothing forwarded)", async () => {
  const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: { pad: "x".repeat(70 * 1024) } });
  const res = await fetch(mcpUrl, { method: "POST", headers: { "content-type": "application/json" }, body: big });
  assert.equal(res.status, 413);
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(error.code, "payload_too_large");
  assert.equal(error.message, "this request is too large: a request body can be at most 64 KB", "the backend's words");
});
