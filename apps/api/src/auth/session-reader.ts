/**
 * Who is calling: the session check every API request makes, read-only and on one prepared query.
 *
 * Better Auth owns sessions (issuing, refreshing, revoking, expiring). Asking it through
 * `auth.api.getSession` costs about 1.4 ms of CPU per request (an endpoint context, signing the
 * bearer token into a cookie and verifying it back, a freshly built relational query), which was
 * more than half of `GET /api/tasks` (see bench/bench.ts). So the common case is answered here from
 * Better Auth's own settings (secret, cookie name, session ages), and everything else is handed to
 * Better Auth unchanged:
 *
 * - a raw bearer token (what sign-in returns) or a session cookie signed exactly as better-call signs
 *   it (read with better-call's own cookie parser), whose session exists, has not expired and is not
 *   yet due for its refresh → that session's user;
 * - a token that matches no session → nobody (Better Auth answers the same);
 * - anything else (a signed bearer token, an odd header, a bad signature, an expired session, a
 *   session due for refresh, …) → `auth.api.getSession`, which also deletes or refreshes as it does.
 *
 * It holds only while sessions live in the database alone; with any setting that changes how Better
 * Auth reads or revokes them (secondary storage, cookie cache, deferred refresh, bearer tokens that
 * must be signed) every request goes to Better Auth.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { BetterAuthOptions } from "better-auth";
import { parseCookies } from "better-call";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { session } from "../db/schema.ts";
import type { Auth } from "./auth.ts";

const RAW_TOKEN = /^[A-Za-z0-9_-]+$/;
/** A signature as better-call writes it: standard base64 of 32 bytes, 44 characters with its "=". */
const SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

/** The signed cookie value `token.base64(HMAC-SHA256(secret, token))`, as better-call writes it. */
function verifiedCookieToken(value: string, secret: string): string | undefined {
  const dot = value.lastIndexOf(".");
  if (dot < 1) return undefined;
  const token = value.slice(0, dot);
  const signature = value.slice(dot + 1);
  if (!SIGNATURE.test(signature)) return undefined;
  const expected = createHmac("sha256", secret).update(token).digest("base64");
  return timingSafeEqual(Buffer.from(signature), Buffer.from(expected)) ? token : undefined;
}

/** The session token of a raw bearer token or a correctly signed session cookie; otherwise none. */
function sessionToken(headers: Headers, secret: string, cookieName: string): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    // The bearer plugin treats any Authorization header; only a plain raw token is taken here.
    if (authorization.slice(0, 7).toLowerCase() !== "bearer ") return undefined;
    const token = authorization.slice(7).trim();
    return RAW_TOKEN.test(token) ? token : undefined;
  }
  const value = parseCookies(headers.get("cookie") ?? "").get(cookieName);
  return value === undefined ? undefined : verifiedCookieToken(value, secret);
}

/** Whether Better Auth reads sessions only from the database, as the fast path assumes. */
export function databaseOnlySessions(options: BetterAuthOptions): boolean {
  const bearer = options.plugins?.find((plugin) => plugin.id === "bearer") as { options?: { requireSignature?: boolean } } | undefined;
  return (
    !options.secondaryStorage &&
    !options.session?.cookieCache?.enabled &&
    !options.session?.deferSessionRefresh &&
    !bearer?.options?.requireSignature
  );
}

/** The caller, and the cookies Better Auth set while reading the session (a refresh renews the cookie). */
export type Caller = { userId: string; setCookies: string[] };
export type SessionReader = (headers: Headers) => Promise<Caller | null>;

export function createSessionReader(auth: Auth, db: Database): SessionReader {
  const findSession = db
    .select({ userId: session.userId, expiresAt: session.expiresAt })
    .from(session)
    .where(eq(session.token, sql.placeholder("token")))
    .limit(1)
    .prepare("session_by_token");

  const settings = auth.$context.then((context) => ({ context, fastPath: databaseOnlySessions(context.options) }));

  return async (headers) => {
    const { context, fastPath } = await settings;
    const token = fastPath ? sessionToken(headers, context.secret, context.authCookies.sessionToken.name) : undefined;
    if (token !== undefined) {
      const [row] = await findSession.execute({ token });
      if (!row) return null;
      const now = Date.now();
      const { expiresIn, updateAge } = context.sessionConfig;
      // Better Auth's own rule for when a session's expiry is pushed forward.
      const refreshDue = row.expiresAt.getTime() - expiresIn * 1000 + updateAge * 1000 <= now;
      if (row.expiresAt.getTime() > now && !refreshDue) return { userId: row.userId, setCookies: [] };
    }
    const result = await auth.api.getSession({ headers, returnHeaders: true });
    return result.response ? { userId: result.response.user.id, setCookies: result.headers.getSetCookie() } : null;
  };
}
