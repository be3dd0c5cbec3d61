/**
 * Accounts with Better Auth: email + password, bearer tokens for API clients, a JWT plugin (JWKS at
 * /api/auth/jwks) and rate limits kept in the database so every replica shares them.
 *
 * Hardening, with Better Auth's own options and hooks: sign-up answers alike whether or not the
 * email is registered (autoSignIn off: the client signs in next), a password change revokes every
 * other session, account fields are bounded and storable, and a session read with a browser's cookie
 * carries no session token in its JSON (page scripts must not see a bearer token).
 */
import { unstorableText, USER_LIMITS } from "@todo/contracts";
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { bearer, jwt } from "better-auth/plugins";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { account, jwks, rateLimit, session, user, verification } from "../db/schema.ts";
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
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== "token").map(([key, v]) => [key, withoutTokens(v)]));
}

/** The JWT plugin's options, shared with auth.keys.ts (which mints a key when the secret changed). */
export const JWT_OPTIONS = { disableSettingJwtHeader: true } as const;

const SESSION_READS = new Set(["/get-session", "/list-sessions"]);

export function createAuth(db: Database, config: Config["auth"], logger: Logger) {
  const limit = { window: config.rateLimit.windowSeconds, max: config.rateLimit.max };
  return betterAuth({
    appName: "Todo Chatbot",
    baseURL: config.baseURL,
    basePath: "/api/auth",
    secret: config.secret,
    trustedOrigins: config.trustedOrigins,
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: { user, session, account, verification, jwks, rateLimit },
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
    plugins: [bearer(), jwt(JWT_OPTIONS)],
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
