/**
 * /mcp as an OAuth 2.1 protected resource, through the MCP SDK's own client-side OAuth (`auth()` with
 * an OAuthClientProvider) against the real app, addressed at the web origin the metadata names
 * (http://localhost:3000, as a person configures it): discovery from the 401, registration, PKCE,
 * consent, tokens bound to /mcp, scopes, expiry and refresh with rotation, revoking, and the refusals.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import { READ_ONLY_GRANT_MESSAGE } from "./mcp.server.ts";
import { buildApp, Client, drivers, fromAddress, signUp, type TestDatabase } from "../../test/support.ts";
import { answerConsent, connectWithOAuth, MemoryOAuthProvider, mcpClientFor, REDIRECT_URL, type FetchLike } from "../../test/oauth-client.ts";

const ORIGIN = "http://localhost:3000";
const MCP_URL = `${ORIGIN}/mcp`;
const METADATA_URL = `${ORIGIN}/.well-known/oauth-protected-resource/mcp`;
/** Short enough to see expire in the test, long enough for a fresh token to be used at once; the default is an hour. */
const SHORT_LIFETIME_SECONDS = 2;

/**
 * Each request from its own address: the provider limits registrations (5 a minute) and token calls
 * per address, and these tests make many; limits are not what they are about.
 */
let addressCounter = 0;
const viaWebOrigin =
  (app: { request: (url: string, init?: RequestInit, env?: object) => Response | Promise<Response> }): FetchLike =>
  async (url, init) =>
    app.request(String(url), init, fromAddress(`198.51.100.${(addressCounter++ % 250) + 1}`));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const initialize = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});
const mcpHeaders = (token?: string) => ({
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  ...(token ? { authorization: `Bearer ${token}` } : {}),
});

for (const driver of drivers) {
  describe(`MCP over OAuth (${driver.name})`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    let fetchFn: FetchLike;

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
      fetchFn = viaWebOrigin(app);
    });
    after(() => db.dispose());

    test("a call without a token is 401 pointing at the resource metadata, which names the web origin and the authorization server", async () => {
      const res = await fetchFn(MCP_URL, { method: "POST", headers: mcpHeaders(), body: initialize });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("www-authenticate"), `Bearer resource_metadata="${METADATA_URL}"`);

      for (const path of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]) {
        const prm = await fetchFn(`${ORIGIN}${path}`);
        assert.equal(prm.status, 200, path);
        const doc = (await prm.json()) as Record<string, unknown>;
        assert.equal(doc.resource, MCP_URL);
        assert.deepEqual(doc.authorization_servers, [`${ORIGIN}/api/auth`]);
        assert.deepEqual(doc.scopes_supported, ["tasks:read", "tasks:write", "offline_access"]);
      }

      // RFC 8414 for an issuer with a path: the well-known segment goes before the path.
      const asm = await fetchFn(`${ORIGIN}/.well-known/oauth-authorization-server/api/auth`);
      assert.equal(asm.status, 200);
      const meta = (await asm.json()) as Record<string, unknown>;
      assert.equal(meta.issuer, `${ORIGIN}/api/auth`);
      assert.deepEqual(meta.code_challenge_methods_supported, ["S256"]);
      assert.equal(meta.registration_endpoint, `${ORIGIN}/api/auth/oauth2/register`);
      assert.deepEqual(meta.grant_types_supported, ["authorization_code", "refresh_token"]);
    });

    test("the SDK signs in (discovery, registration, PKCE, consent) and lists, adds and lists tasks; a session token still works", async () => {
      const alice = await signUp(app, "Alice");
      const { provider } = await connectWithOAuth(fetchFn, MCP_URL, alice.token!);
      assert.ok(provider.saved?.access_token && provider.saved.refresh_token, "an access and a refresh token");
      assert.equal(provider.saved.scope, "tasks:read tasks:write offline_access");
      const claims = JSON.parse(Buffer.from(provider.saved.access_token.split(".")[1]!, "base64url").toString());
      assert.equal(claims.aud, MCP_URL, "bound to the MCP resource (RFC 8707)");
      assert.equal(claims.sub, alice.userId);

      const mcp = await mcpClientFor(fetchFn, MCP_URL, provider);
      const tools = (await mcp.listTools()).tools.map((t) => t.name);
      assert.deepEqual(tools.sort(), ["add_task", "complete_task", "delete_task", "list_tasks", "undo", "update_task", "update_tasks"]);
      const added = await mcp.callTool({ name: "add_task", arguments: { title: "Water the plants" } });
      assert.equal(added.isError, undefined);
      const listed = await mcp.callTool({ name: "list_tasks", arguments: {} });
      assert.deepEqual(
        (listed.structuredContent as { tasks: { title: string }[] }).tasks.map((t) => t.title),
        ["Water the plants"],
      );
      await mcp.close();

      // What the REST API sees is the same list, and scripts' bearer session tokens keep working on /mcp.
      assert.equal((await alice.get("/api/tasks")).body.tasks[0].title, "Water the plants");
      const scripted = await fetchFn(MCP_URL, { method: "POST", headers: mcpHeaders(alice.token), body: initialize });
      assert.equal(scripted.status, 200);

      // The Connected apps list shows the client, used just now.
      const apps = (await alice.get("/api/connected-apps")).body.apps;
      assert.equal(apps.length, 1);
      assert.equal(apps[0].name, "Test MCP client");
      assert.deepEqual(apps[0].scopes, ["tasks:read", "tasks:write", "offline_access"]);
      assert.ok(apps[0].lastUsedAt, "last used is recorded");
    });

    test("an expired access token is 401 invalid_token; the SDK refreshes (rotating the refresh token) and the call works", async (t) => {
      // Its own database: the lifetime is stored on the resource's row, which every app on a database shares.
      const shortDb = await driver.create();
      t.after(() => shortDb.dispose());
      const shortApp = buildApp(shortDb.handle, { config: { mcp: { resource: MCP_URL, accessTokenSeconds: SHORT_LIFETIME_SECONDS } } }).app;
      const shortFetch = viaWebOrigin(shortApp);
      const bob = await signUp(shortApp, "Bob");
      const { provider } = await connectWithOAuth(shortFetch, MCP_URL, bob.token!);
      const first = provider.saved!;
      assert.equal(first.expires_in, SHORT_LIFETIME_SECONDS);
      await sleep(SHORT_LIFETIME_SECONDS * 1000 + 1100);

      const expired = await shortFetch(MCP_URL, { method: "POST", headers: mcpHeaders(first.access_token), body: initialize });
      assert.equal(expired.status, 401, "an expired token is never answered with 200");
      const challenge = expired.headers.get("www-authenticate") ?? "";
      assert.match(challenge, /^Bearer error="invalid_token", error_description="token expired", resource_metadata="/);

      assert.equal(await auth(provider, { serverUrl: MCP_URL, fetchFn: shortFetch }), "AUTHORIZED");
      const second = provider.saved!;
      assert.notEqual(second.access_token, first.access_token);
      assert.notEqual(second.refresh_token, first.refresh_token, "the refresh token is rotated");
      const works = await shortFetch(MCP_URL, { method: "POST", headers: mcpHeaders(second.access_token), body: initialize });
      assert.equal(works.status, 200);

      // The used refresh token is spent: presenting it again is refused.
      const replay = await shortFetch(`${ORIGIN}/api/auth/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: first.refresh_token!,
          client_id: provider.client!.client_id,
          resource: MCP_URL,
        }),
      });
      assert.equal(replay.status, 400);
      assert.equal(((await replay.json()) as { error: string }).error, "invalid_grant");
    });

    test("revoking a connected app makes its next call 401 and its refresh token useless; another app of the person keeps working", async () => {
      const carol = await signUp(app, "Carol");
      const { provider } = await connectWithOAuth(fetchFn, MCP_URL, carol.token!);
      const { provider: other } = await connectWithOAuth(fetchFn, MCP_URL, carol.token!, { provider: new MemoryOAuthProvider("Other client") });
      const token = provider.saved!.access_token;
      assert.equal((await fetchFn(MCP_URL, { method: "POST", headers: mcpHeaders(token), body: initialize })).status, 200);

      assert.equal((await carol.delete(`/api/connected-apps/${provider.client!.client_id}`)).status, 204);
      const after = await fetchFn(MCP_URL, { method: "POST", headers: mcpHeaders(token), body: initialize });
      assert.equal(after.status, 401);
      assert.match(after.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
      const refreshed = await fetchFn(`${ORIGIN}/api/auth/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: provider.saved!.refresh_token!, client_id: provider.client!.client_id }),
      });
      assert.equal(refreshed.status, 400);

      assert.equal((await fetchFn(MCP_URL, { method: "POST", headers: mcpHeaders(other.saved!.access_token), body: initialize })).status, 200);
      assert.deepEqual(
        (await carol.get("/api/connected-apps")).body.apps.map((a: { name: string }) => a.name),
        ["Other client"],
      );
      // Someone else cannot revoke Carol's grant.
      const mallory = await signUp(app, "Mallory");
      assert.equal((await mallory.delete(`/api/connected-apps/${other.client!.client_id}`)).status, 404);
      const still = await fetchFn(MCP_URL, { method: "POST", headers: mcpHeaders(other.saved!.access_token), body: initialize });
      assert.equal(still.status, 200, still.headers.get("www-authenticate") ?? "");
    });

    test("Deny at consent sends the client back with access_denied and no code", async () => {
      const dan = await signUp(app, "Dan");
      const { redirect, provider } = await connectWithOAuth(fetchFn, MCP_URL, dan.token!, { accept: false });
      assert.equal(`${redirect.origin}${redirect.pathname}`, REDIRECT_URL);
      assert.equal(redirect.searchParams.get("error"), "access_denied");
      assert.equal(redirect.searchParams.get("code"), null);
      assert.equal(provider.saved, undefined);
    });

    test("a read-only grant lists tasks but every changing tool answers a permission error and changes nothing", async () => {
      const erin = await signUp(app, "Erin");
      await erin.post("/api/tasks", { title: "Existing task" });
      const { provider } = await connectWithOAuth(fetchFn, MCP_URL, erin.token!, { scope: "tasks:read offline_access" });
      assert.equal(provider.saved!.scope, "tasks:read offline_access");
      const mcp = await mcpClientFor(fetchFn, MCP_URL, provider);
      const listed = await mcp.callTool({ name: "list_tasks", arguments: {} });
      assert.equal((listed.structuredContent as { total: number }).total, 1);
      const attempts = [
        { name: "add_task", arguments: { title: "Sneaky" } },
        { name: "complete_task", arguments: { number: 1 } },
        { name: "update_task", arguments: { number: 1, changes: { title: "Renamed" } } },
        { name: "delete_task", arguments: { number: 1 } },
      ];
      for (const call of attempts) {
        const res = await mcp.callTool(call);
        assert.equal(res.isError, true, call.name);
        assert.deepEqual(res.content, [{ type: "text", text: READ_ONLY_GRANT_MESSAGE }], call.name);
      }
      await mcp.close();
      const tasks = (await erin.get("/api/tasks")).body.tasks;
      assert.deepEqual(
        tasks.map((t: { title: string; completed: boolean }) => [t.title, t.completed]),
        [["Existing task", false]],
      );
    });

    test("person B's grant sees none of person A's tasks", async () => {
      const a = await signUp(app, "A");
      await a.post("/api/tasks", { title: "A's secret" });
      const b = await signUp(app, "B");
      const { provider } = await connectWithOAuth(fetchFn, MCP_URL, b.token!);
      const mcp = await mcpClientFor(fetchFn, MCP_URL, provider);
      const listed = await mcp.callTool({ name: "list_tasks", arguments: {} });
      assert.equal((listed.structuredContent as { total: number }).total, 0);
      const done = await mcp.callTool({ name: "complete_task", arguments: { match: "secret" } });
      assert.equal(done.isError, true);
      await mcp.close();
      assert.equal((await a.get("/api/tasks")).body.tasks[0].completed, false);
    });

    test("a token for another audience is refused: the session JWT at /mcp, and a code exchange for another resource", async () => {
      const frank = await signUp(app, "Frank");
      const jwt = await frank.get("/api/auth/token");
      assert.equal(jwt.status, 200);
      const refused = await fetchFn(MCP_URL, { method: "POST", headers: mcpHeaders(jwt.body.token), body: initialize });
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get("www-authenticate") ?? "", /error="invalid_token"/);

      const elsewhere = Object.assign(new MemoryOAuthProvider(), { validateResourceURL: async () => new URL("https://elsewhere.example/api") });
      const { redirect } = await connectWithOAuth(fetchFn, MCP_URL, frank.token!, { provider: elsewhere });
      assert.equal(redirect.searchParams.get("error"), "invalid_target");
      assert.equal(redirect.searchParams.get("code"), null);
      assert.equal(elsewhere.saved, undefined);
    });

    test("PKCE is required and redirect URIs must match exactly", async () => {
      const gina = await signUp(app, "Gina");
      const provider = new MemoryOAuthProvider();
      await connectWithOAuth(fetchFn, MCP_URL, gina.token!, { provider });
      const clientId = provider.client!.client_id;
      const authorize = (params: Record<string, string>) =>
        fetchFn(
          `${ORIGIN}/api/auth/oauth2/authorize?${new URLSearchParams({ response_type: "code", client_id: clientId, scope: "tasks:read", resource: MCP_URL, state: "s", ...params })}`,
          {
            headers: { authorization: `Bearer ${gina.token}` },
            redirect: "manual",
          },
        );

      const noPkce = await authorize({ redirect_uri: REDIRECT_URL });
      const back = new URL(noPkce.headers.get("location")!, ORIGIN);
      assert.equal(back.searchParams.get("error"), "invalid_request");
      assert.equal(back.searchParams.get("code"), null);

      const plain = await authorize({ redirect_uri: REDIRECT_URL, code_challenge: "a".repeat(43), code_challenge_method: "plain" });
      assert.equal(new URL(plain.headers.get("location")!, ORIGIN).searchParams.get("error"), "invalid_request", "S256 only");

      const challenge = { code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" };
      // (A loopback redirect on another port is the same redirect: RFC 8252 §7.3 lets native apps pick the port.)
      for (const attacker of [
        "https://attacker.example/callback",
        `${REDIRECT_URL}/x`,
        "http://127.0.0.1:33418/other",
        "http://evil.localhost:33418/callback",
      ]) {
        // Better Auth's own error page on this origin, never the attacker's address, and no code.
        const res = await authorize({ redirect_uri: attacker, ...challenge });
        const to = new URL(res.headers.get("location") ?? "", ORIGIN);
        assert.equal(`${to.origin}${to.pathname}`, `${ORIGIN}/api/auth/error`, attacker);
        assert.equal(to.searchParams.get("error"), "invalid_redirect", attacker);
        assert.equal(to.searchParams.get("code"), null);
        const page = await fetchFn(to.href);
        assert.equal(page.status, 200);
        assert.match(page.headers.get("content-type") ?? "", /text\/html/);
      }

      // A code exchange without the verifier fails too (the SDK always sends one; here it is left out).
      const consented = await answerConsent(
        fetchFn,
        ORIGIN,
        gina.token!,
        new URL(
          `${ORIGIN}/api/auth/oauth2/authorize?${new URLSearchParams({ response_type: "code", client_id: clientId, scope: "tasks:read", resource: MCP_URL, redirect_uri: REDIRECT_URL, ...challenge })}`,
        ),
        true,
      );
      const code = consented.searchParams.get("code");
      assert.ok(code);
      const exchanged = await fetchFn(`${ORIGIN}/api/auth/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "authorization_code", code, client_id: clientId, redirect_uri: REDIRECT_URL, resource: MCP_URL }),
      });
      assert.equal(exchanged.status, 400);
    });

    test("browser-based MCP clients (the Inspector) may register, exchange codes and call /mcp from their own origin, never with cookies", async () => {
      const inspector = "http://localhost:6274";
      for (const path of ["/api/auth/oauth2/register", "/api/auth/oauth2/token", "/mcp"]) {
        const preflight = await fetchFn(`${ORIGIN}${path}`, {
          method: "OPTIONS",
          headers: { origin: inspector, "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization" },
        });
        assert.equal(preflight.status, 204, path);
        assert.equal(preflight.headers.get("access-control-allow-origin"), "*", path);
        assert.equal(preflight.headers.get("access-control-allow-credentials"), null, path);
      }
      const refused = await fetchFn(MCP_URL, { method: "POST", headers: { ...mcpHeaders(), origin: inspector }, body: initialize });
      assert.equal(refused.headers.get("access-control-expose-headers"), "www-authenticate", "the 401's challenge is readable");
      // The rest of the API stays for the web app's own origin, with its cookie.
      const tasks = await fetchFn(`${ORIGIN}/api/tasks`, { method: "OPTIONS", headers: { origin: inspector, "access-control-request-method": "GET" } });
      assert.notEqual(tasks.headers.get("access-control-allow-origin"), "*");
    });

    test("the connected apps API needs a session and names what is wrong", async () => {
      assert.equal((await new Client(app).get("/api/connected-apps")).status, 401);
      const hank = await signUp(app, "Hank");
      const missing = await hank.delete("/api/connected-apps/no-such-client");
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, "not_found");
    });
  });
}
