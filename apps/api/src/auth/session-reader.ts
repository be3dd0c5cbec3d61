/**
 * Who is calling: the session check every API request makes, read-only and on one prepared query.
 *
 * Better Auth owns sessions (issuing, refreshing, revoking, expiring). Asking it through
 * `auth.api.getSession` costs 3–5 ms of CPU per request (an endpoint context, the bearer plugin
 * re-signing the token into a cookie header, a freshly built relational query), most of
 * `GET /api/tasks` (see bench/bench.ts). So the common case is answered here from Better Auth's own
 * settings (secret, cookie names, session ages) and its own functions, and everything else is
 * handed to Better Auth unchanged. The fast path answers only a live session:
 *
 * - the credential is one of the forms clients send, with nothing else that Better Auth would act on:
 *   `Authorization: Bearer <token>` (the raw token from the sign-in JSON body; the bearer plugin signs
 *   that itself, so it needs no check) or `Bearer <token>.<signature>` (the `set-auth-token` header)
 *   with no Cookie header, or the session cookie (better-call's own cookie parser) with no
 *   Authorization header and no leftover cookie-cache cookie;
 * - a signature is verified with Better Auth's own HMAC (`@better-auth/utils`, what the bearer plugin
 *   verifies with) against the exact format better-call writes (base64 of 32 bytes, 44 characters),
 *   and a signed token that verified is remembered (verifying is a tenth of a request's CPU);
 * - the session exists, has not expired and is not yet due for its refresh: Better Auth would answer
 *   this session and set no cookie.
 *
 * Anything else — no credential, an unknown token, a wrong signature, an odd header, an expired
 * session, one due for refresh, a second credential — is Better Auth's to answer, with the cookies
 * it sets (a refresh renews the cookie, an expired session is deleted). The fast path never answers
 * "nobody" itself. `session-reader.differential.test.ts` runs both on the same generated requests.
 *
 * It holds only while Better Auth reads sessions from the database alone and runs no plugin that
 * changes a session read: under any other setting every request goes to Better Auth.
 */
import { createHMAC } from "@better-auth/utils/hmac";
import type { BetterAuthOptions } from "better-auth";
import { parseCookies } from "better-call";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { session } from "../db/schema.ts";
import type { Auth } from "./auth.ts";

/** Session tokens are Better Auth's generated ids (letters and digits); a little wider is harmless. */
const RAW_TOKEN = /^[A-Za-z0-9_-]+$/;
/** `token.signature` as better-call signs it: standard base64 of an HMAC-SHA256, 44 characters with its "=". */
const SIGNED_TOKEN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9+/]{43}=)$/;

/**
 * Plugins whose effect on a session read the fast path reproduces (the JWT plugin's header is off or
 * not ours). The OAuth provider changes no session read: its request hook answers only its
 * well-known documents, its before hook acts on an `oauth_query` body (a GET has none), its after
 * hook continues an authorization only when a signed query was stored by that before hook in the
 * same request, and its database hook runs on session deletion. Its access tokens are checked on
 * /mcp (mcp.auth.ts), never here. The differential test runs with it installed.
 */
const MODELLED_PLUGINS = new Set(["bearer", "jwt", "oauth-provider"]);

/** Whether Better Auth reads sessions as the fast path assumes: from the database, with no plugin that changes a read. */
export function databaseOnlySessions(options: BetterAuthOptions): boolean {
  const bearer = options.plugins?.find((plugin) => plugin.id === "bearer") as { options?: { requireSignature?: boolean } } | undefined;
  return (
    !options.secondaryStorage &&
    !options.session?.cookieCache?.enabled &&
    !options.session?.deferSessionRefresh &&
    !bearer?.options?.requireSignature &&
    (options.plugins ?? []).every((plugin) => MODELLED_PLUGINS.has(plugin.id))
  );
}

/** A session token as presented: either needing no check (a raw bearer token) or signed, with the signature to check. */
type Presented = { token: string; signed?: { value: string; signature: string } };

function signedToken(value: string): Presented | undefined {
  const parts = SIGNED_TOKEN.exec(value);
  return parts ? { token: parts[1]!, signed: { value, signature: parts[2]! } } : undefined;
}

/** The session token a request presents in a form the fast path reads; undefined hands it to Better Auth. */
function presentedToken(headers: Headers, cookieNames: { sessionToken: string; sessionData: string }): Presented | undefined {
  const authorization = headers.get("authorization");
  const cookie = headers.get("cookie");
  if (authorization !== null) {
    // With a Cookie header too, the bearer plugin merges the token into it (with its own parser).
    if (cookie !== null || authorization.slice(0, 7).toLowerCase() !== "bearer ") return undefined;
    const credential = authorization.slice(7).trim();
    return RAW_TOKEN.test(credential) ? { token: credential } : signedToken(credential);
  }
  // A leftover cookie-cache cookie (or one of its chunks) is cleared by Better Auth: a Set-Cookie.
  if (cookie === null || cookie.includes(cookieNames.sessionData)) return undefined;
  const value = parseCookies(cookie).get(cookieNames.sessionToken);
  return value === undefined ? undefined : signedToken(value);
}

/** Who a session belongs to. */
export type Identity = { userId: string; sessionId: string };
/** Better Auth's whole answer to "who is this?": someone or nobody, and the cookies it set while reading. */
export type SessionAnswer = { identity: Identity | null; setCookies: string[] };
/**
 * One way of recognising a credential cheaply: its answer when sure, undefined to pass the request
 * on. OAuth access tokens are not one of these: they are good for /mcp only (their audience) and
 * carry scopes, so /mcp checks them before it asks this reader (mcp.auth.ts).
 */
export type CredentialCheck = (headers: Headers) => Promise<SessionAnswer | undefined>;

/** What the reader needs of Better Auth (the whole `Auth` fits). */
export type SessionAuthority = { $context: Auth["$context"]; api: { getSession: Auth["api"]["getSession"] } };

/** How many verified signed tokens are remembered (about 150 bytes each); the set starts over when full. */
const VERIFIED_MAX = 10_000;

/** The session token's fast path: a live session's identity, or undefined when unsure. */
function sessionTokenCheck(auth: SessionAuthority, db: Database): CredentialCheck {
  const findSession = db
    // No join with the user: session.user_id references it with ON DELETE CASCADE, so it exists.
    .select({ userId: session.userId, sessionId: session.id, expiresAt: session.expiresAt })
    .from(session)
    .where(eq(session.token, sql.placeholder("token")))
    .limit(1)
    .prepare("session_by_token");
  // Better Auth's HMAC, as the bearer plugin verifies with it; the key is imported once.
  const hmac = createHMAC("SHA-256", "base64");
  // A signature verifies the same way every time under one secret, and WebCrypto's verify costs
  // about a tenth of a request's CPU, so a signed token that verified once is remembered. Only
  // values that verified enter; the session itself is still looked up on every request.
  const verified = new Set<string>();
  const verifies = async (key: CryptoKey, token: string, signed: { value: string; signature: string }) => {
    if (verified.has(signed.value)) return true;
    if (!(await hmac.verify(key, token, signed.signature))) return false;
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.add(signed.value);
    return true;
  };
  const settings = auth.$context.then(async (context) => ({
    context,
    fastPath: databaseOnlySessions(context.options),
    key: await hmac.importKey(context.secret, "verify"),
    cookieNames: { sessionToken: context.authCookies.sessionToken.name, sessionData: context.authCookies.sessionData.name },
  }));

  return async (headers) => {
    const { context, fastPath, key, cookieNames } = await settings;
    if (!fastPath) return undefined;
    const presented = presentedToken(headers, cookieNames);
    if (presented === undefined) return undefined;
    if (presented.signed !== undefined && !(await verifies(key, presented.token, presented.signed))) return undefined;
    const [row] = await findSession.execute({ token: presented.token });
    if (!row) return undefined;
    const now = Date.now();
    const expiresAt = row.expiresAt.getTime();
    const { expiresIn, updateAge } = context.sessionConfig;
    // Better Auth's own rule for when a session's expiry is pushed forward (and its cookie renewed).
    const refreshDue = expiresAt - expiresIn * 1000 + updateAge * 1000 <= now;
    if (expiresAt <= now || refreshDue) return undefined;
    return { identity: { userId: row.userId, sessionId: row.sessionId }, setCookies: [] };
  };
}

/** Answers who is calling exactly as `auth.api.getSession` would, cheaply where it can. */
export function createSessionCheck(auth: SessionAuthority, db: Database): (headers: Headers) => Promise<SessionAnswer> {
  // Whatever no check is sure of goes on to Better Auth.
  const checks: CredentialCheck[] = [sessionTokenCheck(auth, db)];
  return async (headers) => {
    for (const check of checks) {
      const answer = await check(headers);
      if (answer !== undefined) return answer;
    }
    const result = await auth.api.getSession({ headers, returnHeaders: true });
    const found = result.response;
    return {
      identity: found ? { userId: found.user.id, sessionId: found.session.id } : null,
      setCookies: result.headers.getSetCookie(),
    };
  };
}

/** The caller, and the cookies Better Auth set while reading the session (a refresh renews the cookie). */
export type Caller = Identity & { setCookies: string[] };
export type SessionReader = (headers: Headers) => Promise<Caller | null>;

/**
 * The signed-in caller or null. Nobody's cookies (Better Auth expires the cookies of an unknown or
 * expired session) are not passed on: the API answers 401 and leaves the browser's cookies as they are.
 */
export function createSessionReader(auth: SessionAuthority, db: Database): SessionReader {
  const check = createSessionCheck(auth, db);
  return async (headers) => {
    const { identity, setCookies } = await check(headers);
    return identity ? { ...identity, setCookies } : null;
  };
}
