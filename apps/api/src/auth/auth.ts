/**
 * Accounts with Better Auth: email + password, bearer tokens for API clients, a JWT plugin (JWKS at
 * /api/auth/jwks) and rate limits kept in the database so every replica shares them.
 *
 * Hardening, with Better Auth's own options and hooks: sign-up answers alike whether or not the
 * email is registered (autoSignIn off: the client signs in next), a password change revokes every
 * other session, account fields are bounded and storable, and a session read with a browser's cookie
 * carries no session token in its JSON (page scripts must not see a bearer token).
 */
import { oauthProvider } from "@better-auth/oauth-provider";
import { unstorableText, USER_LIMITS } from "@todo/contracts";
import { BetterAuthError, betterAuth } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { bearer, jwt } from "better-auth/plugins";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import {
  account,
  jwks,
  oauthAccessToken,
  oauthClient,
  oauthClientAssertion,
  oauthClientResource,
  oauthConsent,
  oauthRefreshToken,
  oauthResource,
  rateLimit,
  session,
  user,
  verification,
} from "../db/schema.ts";
import { describeError } from "../http/errors.ts";
import type { Logger } from "../logger.ts";

/** The header our own middleware sets to the resolved client address (incoming values are dropped). */
export const CLIENT_IP_HEADER = "x-todo-client-ip";

/** Anything shaped like an email address inside a log message. */
const EMAIL_IN_TEXT = /[^\s@:]+@[^\s@]+/g;

/** pino's level as Better Auth's (which has no trace, fatal or silent). */
function betterAuthLogLevel(level: string): { level: "debug" | "info" | "warn" | "error" } | { disabled: true } {
  if (level === "silent") return { disabled: true };
  if (level === "trace" || level === "debug") return { level: "debug" };
  if (level === "info" || level === "warn") return { level };
  return { level: "error" };
}

/** A string field of an auth request body that PostgreSQL could not store, or that is too long. */
function checkAccountFields(body: unknown): void {
  if (typeof body !== "object" || body === null) return;
  const limits: Record<string, number> = { name: USER_LIMITS.nameMax, email: USER_LIMITS.emailMax, image: USER_LIMITS.imageMax };
  for (const [field, value] of Object.entries(body)) {
    // Passwords are only ever hashed, never stored as text: whatever a person chose still works.
    if (typeof value !== "string" || /password/i.test(field)) continue;
    const problem = unstorableText(value);
    if (problem) throw new APIError("BAD_REQUEST", { code: "VALIDATION_ERROR", message: `${field} ${problem}` });
    const max = limits[field];
    if (max !== undefined && value.length > max) {
      throw new APIError("BAD_REQUEST", { code: "VALIDATION_ERROR", message: `${field} is at most ${max} characters` });
    }
  }
  if ("name" in body && typeof body.name === "string" && body.name.trim() === "") {
    throw new APIError("BAD_REQUEST", { code: "VALIDATION_ERROR", message: "name cannot be empty" });
  }
}

/** The same object without session tokens (`token` keys at any depth). */
function withoutTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTokens);
  if (typeof value !== "object" || value === null || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "token")
      .map(([key, v]) => [key, withoutTokens(v)]),
  );
}

/** The JWT plugin's options, shared with auth.keys.ts (which mints a key when the secret changed). */
export const JWT_OPTIONS = { disableSettingJwtHeader: true } as const;

/** A redirect on this machine (http on localhost or a loopback address) or to an app's own scheme. */
function isNativeRedirect(uri: unknown): boolean {
  if (typeof uri !== "string" || !URL.canParse(uri)) return false;
  const url = new URL(uri);
  if (url.protocol === "http:") return ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  return url.protocol !== "https:";
}

const SESSION_READS = new Set(["/get-session", "/list-sessions"]);

/** What an MCP client may be granted; the consent page explains each (apps/web). */
export const MCP_SCOPES = ["tasks:read", "tasks:write"] as const;
/** Asked for alongside, so the client gets a refresh token (the provider issues one only then). */
export const OFFLINE_SCOPE = "offline_access";

/**
 * The OAuth 2.1 authorization server for MCP clients (`@better-auth/oauth-provider`): authorization
 * code with PKCE (S256 only, the plugin's one method), refresh tokens rotated on every use, open
 * Dynamic Client Registration (RFC 7591; what Claude, VS Code and Cursor do), and every token bound
 * to the MCP resource (RFC 8707): access tokens are JWTs whose `aud` is the /mcp URL, signed with
 * the JWT plugin's key. Pages: /sign-in, then /consent (apps/web).
 */
function mcpAuthorizationServer(mcp: Config["mcp"], logger: Logger) {
  const provider = oauthProvider({
    loginPage: "/sign-in",
    consentPage: "/consent",
    scopes: [...MCP_SCOPES, OFFLINE_SCOPE],
    grantTypes: ["authorization_code", "refresh_token"],
    resources: [{ identifier: mcp.resource, name: "Todo Chatbot MCP", accessTokenTtl: mcp.accessTokenSeconds }],
    // A resource's TTL is stored on its row and seeding only inserts: keep the configured one.
    resourceSeedMode: "overwrite",
    clientRegistrationDefaultResources: [mcp.resource],
    accessTokenExpiresIn: mcp.accessTokenSeconds,
    allowDynamicClientRegistration: true,
    allowUnauthenticatedClientRegistration: true,
  });
  // Its start-up writes the resource's row, but the server starts before its database answers or is
  // migrated (main.ts serves health checks meanwhile), and a failed start-up would fail every auth
  // request for good. The provider writes the row again on first use of a resource, so a start-up
  // that could not is only noted. (Only its back-channel logout hooks, unused here, are then left out.)
  const init = provider.init;
  return {
    ...provider,
    init: async (context: Parameters<NonNullable<typeof init>>[0]) => {
      try {
        return await init?.(context);
      } catch (err) {
        if (err instanceof BetterAuthError) throw err;
        logger.info({ component: "auth", err: describeError(err) }, "OAuth resource not stored yet (database not ready); stored on first use");
        return undefined;
      }
    },
  } as typeof provider;
}

export function createAuth(db: Database, config: Config["auth"], logger: Logger, mcp?: Config["mcp"]) {
  const limit = { window: config.rateLimit.windowSeconds, max: config.rateLimit.max };
  return betterAuth({
    appName: "Todo Chatbot",
    baseURL: config.baseURL,
    basePath: "/api/auth",
    secret: config.secret,
    trustedOrigins: config.trustedOrigins,
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: {
        user,
        session,
        account,
        verification,
        jwks,
        rateLimit,
        oauthClient,
        oauthResource,
        oauthClientResource,
        oauthRefreshToken,
        oauthAccessToken,
        oauthConsent,
        oauthClientAssertion,
      },
    }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      // Off, Better Auth answers a sign-up for a registered email exactly as one for a new email (a
      // synthetic user, the password hashed all the same, no token); the client then signs in.
      autoSignIn: false,
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        checkAccountFields(ctx.body);
        // A client registering only loopback or private-scheme redirects is a native app (RFC 8252);
        // VS Code and the MCP SDK's CLI clients do not always say so, and "web" refuses such redirects.
        if (ctx.path === "/oauth2/register" && ctx.body && typeof ctx.body === "object" && !("application_type" in ctx.body)) {
          const uris: unknown = (ctx.body as { redirect_uris?: unknown }).redirect_uris;
          if (Array.isArray(uris) && uris.length > 0 && uris.every(isNativeRedirect)) {
            return { context: { body: { ...ctx.body, application_type: "native" } } };
          }
        }
        // Whoever changes the password signs every other device out; this one gets a fresh session.
        if (ctx.path === "/change-password" && ctx.body && typeof ctx.body === "object") {
          return { context: { body: { ...ctx.body, revokeOtherSessions: true } } };
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        // A bearer client already holds its token; a browser (cookie) must not get one in JSON.
        if (!SESSION_READS.has(ctx.path) || ctx.headers?.get("authorization")) return;
        const returned = ctx.context.returned;
        if (returned && typeof returned === "object" && !(returned instanceof Response) && !(returned instanceof Error)) {
          return withoutTokens(returned);
        }
      }),
    },
    // JWTs are fetched on demand (GET /api/auth/token); signing one on every session read costs ~4 ms.
    // The migrate command builds Better Auth only for the JWT key: it needs no authorization server.
    plugins: mcp ? [bearer(), jwt(JWT_OPTIONS), mcpAuthorizationServer(mcp, logger)] : [bearer(), jwt(JWT_OPTIONS)],
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 300,
      // Credential guessing is what needs limiting. Reading the session happens on every page view
      // (the web server asks on the person's behalf), so it is not counted: no write per page view.
      customRules: { "/sign-in/*": limit, "/sign-up/*": limit, "/get-session": false },
    },
    advanced: {
      // Better Auth turns its origin check off when NODE_ENV=test; the tests check what production does.
      disableOriginCheck: false,
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      // One query (session joined with its user, via the schema's relations) per authenticated request.
      database: { joins: true },
    },
    telemetry: { enabled: false },
    logger: {
      // Better Auth's own threshold follows ours (LOG_LEVEL), so its info and debug lines show when asked for.
      ...betterAuthLogLevel(logger.level),
      // Better Auth writes some addresses into its messages ("Sign-up attempt for existing email: …"):
      // a log line says what happened, never who it happened to.
      log: (level, message) => logger[level]({ component: "auth" }, message.replace(EMAIL_IN_TEXT, "<email>")),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
