/**
 * /mcp as an OAuth 2.1 protected resource (RFC 9728, the MCP authorization spec), and who may call it.
 *
 * Two credentials are accepted:
 * - an OAuth access token from our authorization server (a JWT, `typ: at+jwt`): verified by Better
 *   Auth's own resource-server check (`verifyBearerToken`: signature against the JWT plugin's keys,
 *   read in-process, issuer, expiry, audience = this resource's URL, RFC 8707), then the grant must
 *   still stand: the person's consent for that client exists (Revoke on "Connected apps" deletes
 *   it, so the next call is refused, though the JWT itself has not expired). It carries its scopes.
 * - a session token or cookie, as before (scripts, the web app): the session reader; all scopes.
 *
 * OAuth tokens are checked here and not in the session reader: they are good for /mcp only (their
 * audience), not for /api/*. Anything else is 401 with `WWW-Authenticate: Bearer resource_metadata=…`
 * pointing at this resource's metadata, and `error="invalid_token"` when a token was sent and refused
 * (expired, revoked, for another audience, unknown), so clients know to refresh or sign in again.
 */
import { verifyBearerToken } from "better-auth/oauth2";
import { and, eq, sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { Hono } from "hono";
import { oauthProviderAuthServerMetadata } from "@better-auth/oauth-provider";
import { MCP_SCOPES, OFFLINE_SCOPE, type Auth } from "../auth/auth.ts";
import type { SessionReader } from "../auth/session-reader.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { oauthConsent } from "../db/schema.ts";
import type { AppEnv } from "../http/app-env.ts";
import { errorBody } from "../http/errors.ts";

export type McpScope = (typeof MCP_SCOPES)[number];

/** Who calls /mcp and what they may do. */
export interface McpGrant {
  userId: string;
  scopes: ReadonlySet<string>;
  /** The OAuth client acting for the person; absent for a session. */
  clientId?: string;
}

export interface McpEnv {
  Variables: AppEnv["Variables"] & { mcpGrant: McpGrant };
}

const ALL_SCOPES: ReadonlySet<string> = new Set(MCP_SCOPES);
/** How often a grant's "last used" time is written (one UPDATE per client a minute, not per call). */
const LAST_USED_EVERY_MS = 60_000;
const LAST_USED_MAX = 10_000;

/** The RFC 9728 metadata URL of a resource: the well-known path with the resource's path after it. */
export function resourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname.replace(/\/$/, "")}`;
}

/** The RFC 9728 document for /mcp: which authorization server issues its tokens and which scopes mean something. */
export function protectedResourceMetadata(resource: string, issuer: string) {
  return {
    resource,
    resource_name: "Todo Chatbot",
    authorization_servers: [issuer],
    // offline_access too: the MCP SDK asks for exactly these, and only with it is a refresh token issued.
    scopes_supported: [...MCP_SCOPES, OFFLINE_SCOPE],
    bearer_methods_supported: ["header"],
  };
}

/** Characters RFC 6750 allows in an error_description. */
const describable = (text: string) => text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "");

function challenge(resource: string, refused?: string): Response {
  const params = [`resource_metadata="${resourceMetadataUrl(resource)}"`];
  if (refused !== undefined) params.unshift(`error="invalid_token"`, `error_description="${describable(refused)}"`);
  const message =
    refused === undefined
      ? "sign in first: connect with OAuth (see the resource_metadata in WWW-Authenticate) or send Authorization: Bearer <session token>"
      : `the access token was refused (${refused}); refresh it or sign in again`;
  return new Response(JSON.stringify(errorBody(refused === undefined ? "unauthorized" : "invalid_token", message)), {
    status: 401,
    headers: { "content-type": "application/json", "www-authenticate": `Bearer ${params.join(", ")}` },
  });
}

/** A JWT has three dot-separated parts; a session token has one (raw) or two (signed). */
const looksLikeJwt = (credential: string) => credential.split(".").length === 3;

export function requireMcpGrant(auth: Auth, db: Database, readSession: SessionReader, mcp: Config["mcp"]): MiddlewareHandler<McpEnv> {
  const findConsent = db
    .select({ id: oauthConsent.id, lastUsedAt: oauthConsent.lastUsedAt })
    .from(oauthConsent)
    .where(and(eq(oauthConsent.userId, sql.placeholder("userId")), eq(oauthConsent.clientId, sql.placeholder("clientId"))))
    .limit(1)
    .prepare("mcp_consent_by_user_client");
  const lastWritten = new Map<string, number>();
  const noteUse = async (consentId: string, stored: Date | null) => {
    const now = Date.now();
    const last = Math.max(lastWritten.get(consentId) ?? 0, stored?.getTime() ?? 0);
    if (now - last < LAST_USED_EVERY_MS) return;
    if (lastWritten.size >= LAST_USED_MAX) lastWritten.clear();
    lastWritten.set(consentId, now);
    await db
      .update(oauthConsent)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(oauthConsent.id, consentId));
  };
  // The keys are the JWT plugin's, read in-process (no HTTP round trip to our own JWKS URL); cached by the library.
  const jwksCacheKey = {};
  const jwksFetch = async () => (await (auth.api as unknown as { getJwks(): Promise<{ keys: unknown[] }> }).getJwks()) as never;
  const issuer = auth.$context.then((context) => context.baseURL);

  return async (c, next) => {
    const authorization = c.req.header("authorization");
    const credential = authorization?.slice(0, 7).toLowerCase() === "bearer " ? authorization.slice(7).trim() : undefined;
    if (credential !== undefined && looksLikeJwt(credential)) {
      let payload: { sub?: unknown; azp?: unknown; scope?: unknown };
      try {
        payload = await verifyBearerToken(credential, {
          verifyOptions: { issuer: await issuer, audience: mcp.resource, typ: "at+jwt" },
          jwksFetch,
          jwksCacheKey,
        });
      } catch (err) {
        return challenge(mcp.resource, err instanceof Error && /expired/i.test(err.message) ? "token expired" : "invalid access token");
      }
      if (typeof payload.sub !== "string" || typeof payload.azp !== "string") return challenge(mcp.resource, "invalid access token");
      const [consent] = await findConsent.execute({ userId: payload.sub, clientId: payload.azp });
      if (!consent) return challenge(mcp.resource, "access was revoked");
      await noteUse(consent.id, consent.lastUsedAt);
      const scopes = new Set(typeof payload.scope === "string" ? payload.scope.split(" ").filter((s) => ALL_SCOPES.has(s)) : []);
      c.set("userId", payload.sub);
      c.set("mcpGrant", { userId: payload.sub, scopes, clientId: payload.azp });
      return next();
    }
    const caller = await readSession(c.req.raw.headers);
    if (!caller) return challenge(mcp.resource, credential === undefined ? undefined : "unknown token");
    c.set("userId", caller.userId);
    c.set("mcpGrant", { userId: caller.userId, scopes: ALL_SCOPES });
    await next();
    for (const cookie of caller.setCookies) c.res.headers.append("set-cookie", cookie);
  };
}

/**
 * The discovery documents at the origin's root, where MCP clients look: RFC 9728's for /mcp (plain
 * and path-suffixed) and RFC 8414's for the issuer (…/api/auth, so path-inserted, and at the root
 * for clients that only try that). Public documents, readable from any origin (browser clients
 * such as the MCP Inspector).
 */
export function wellKnownRoutes(auth: Auth, mcp: Config["mcp"]) {
  const serverMetadata = oauthProviderAuthServerMetadata(auth as never);
  const resourcePath = new URL(mcp.resource).pathname.replace(/\/$/, "");
  const issuerPath = auth.$context.then((context) => new URL(context.baseURL).pathname.replace(/\/$/, ""));
  const resourceDocument = async () => protectedResourceMetadata(mcp.resource, (await auth.$context).baseURL);
  const app = new Hono<AppEnv>();
  app.use("*", cors({ origin: "*", allowMethods: ["GET"] }));
  app.get("/oauth-protected-resource", async (c) => c.json(await resourceDocument()));
  app.get(`/oauth-protected-resource${resourcePath}`, async (c) => c.json(await resourceDocument()));
  app.get("/oauth-authorization-server/*", async (c) => {
    if (c.req.path !== `/.well-known/oauth-authorization-server${await issuerPath}`) return c.notFound();
    return serverMetadata(c.req.raw);
  });
  app.get("/oauth-authorization-server", (c) => serverMetadata(c.req.raw));
  return app;
}
