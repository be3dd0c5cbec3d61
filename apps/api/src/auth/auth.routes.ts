/**
 * Mounts Better Auth under /api/auth and renders its errors in the API's one error shape, and the
 * middleware that turns a session cookie or bearer token into the acting user id.
 */
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { DomainError } from "../domain-error.ts";
import type { ErrorCode } from "@todo/contracts";
import { errorBody } from "../http/errors.ts";
import type { AppEnv } from "../http/app-env.ts";
import { clientIp, type TrustProxy } from "../http/client-ip.ts";
import { CLIENT_IP_HEADER, type Auth } from "./auth.ts";
import type { SessionReader } from "./session-reader.ts";

function withClientIp(c: Context, trust: TrustProxy): Request {
  const headers = new Headers(c.req.raw.headers);
  headers.delete(CLIENT_IP_HEADER);
  const ip = clientIp(c, trust);
  if (ip) headers.set(CLIENT_IP_HEADER, ip);
  // The authorization endpoint answers `Sec-Fetch-Mode: cors` with JSON instead of a redirect, and
  // every server-side fetch sends that (the web app's proxy too, for a browser's navigation). People
  // open it in a browser: it redirects, unless the caller asks for JSON (Accept).
  if (c.req.method === "GET" && c.req.path === "/api/auth/oauth2/authorize") headers.delete("sec-fetch-mode");
  const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD";
  return new Request(c.req.raw.url, {
    method: c.req.method,
    headers,
    body: hasBody ? c.req.raw.body : null,
    // @ts-expect-error Node's fetch needs duplex for a streamed request body; lib.dom lacks it.
    duplex: hasBody ? "half" : undefined,
  });
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "validation_error",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable",
  429: "rate_limited",
};

const STATUS_MESSAGES: Record<number, string> = {
  404: "no such auth route",
  500: "something went wrong on our side; please try again",
};

/** Better Auth's errors in the one error shape, including the ones it sends with an empty body. */
async function rewrapError(res: Response, request: Request, trustedOrigins: readonly string[]): Promise<Response> {
  if (res.status < 400) return res;
  const isJson = res.headers.get("content-type")?.includes("json") ?? false;
  if (!isJson) await res.body?.cancel();
  const body = (isJson ? await res.json().catch(() => ({})) : {}) as { code?: string; message?: string };
  if (res.status >= 500) {
    // Never the cause (logged by Better Auth's logger): only that it failed.
    const headers = new Headers({ "content-type": "application/json" });
    return new Response(JSON.stringify(errorBody("internal_error", STATUS_MESSAGES[500]!)), { status: res.status, headers });
  }
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  const retryAfter = headers.get("x-retry-after");
  if (res.status === 429 && retryAfter) headers.set("retry-after", retryAfter);
  // Better Auth's own codes (USER_ALREADY_EXISTS …) pass through in the API's lower case
  // (user_already_exists): they are its documented set, which the sign-in and sign-up forms know.
  const code = res.status === 429 ? "rate_limited" : (body.code?.toLowerCase() ?? STATUS_CODES[res.status] ?? "bad_request");
  const message =
    res.status === 429
      ? `too many attempts; try again in ${retryAfter ?? "a few"} seconds`
      : code === "invalid_origin"
        ? invalidOriginMessage(request.headers.get("origin"), trustedOrigins)
        : body.message || STATUS_MESSAGES[res.status] || res.statusText || "request failed";
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify({ error: { code, message } }), { status: res.status, headers });
}

/** Which address the app is set up for, and how to change it: "Invalid origin" alone helps nobody. */
function invalidOriginMessage(origin: string | null, trustedOrigins: readonly string[]): string {
  return (
    `this app accepts sign-ins from ${trustedOrigins.join(", ")}, not from ${origin ?? "a page without an origin"}; ` +
    "open it at one of those addresses, or set FRONTEND_URL to the address people use"
  );
}

/** The authorization server's protocol endpoints and documents (the consent page's calls are ours). */
const OAUTH_PATHS = /^\/api\/auth\/(oauth2\/(authorize|token|register|revoke|introspect|userinfo)$|\.well-known\/)/;

export function authRoutes(auth: Auth, trust: TrustProxy, pruneRateLimits: () => void) {
  const trustedOrigins = auth.options.trustedOrigins as string[];
  return new Hono<AppEnv>().on(["GET", "POST"], "/*", async (c) => {
    if (c.req.method === "POST") pruneRateLimits();
    const res = await auth.handler(withClientIp(c, trust));
    // OAuth clients read RFC 6749's error shape ({ error, error_description }): theirs stays as it is.
    return OAUTH_PATHS.test(c.req.path) ? res : rewrapError(res, c.req.raw, trustedOrigins);
  });
}

/** Requires a signed-in user (cookie or `Authorization: Bearer`), and puts their id on the context. */
export function requireUser(readSession: SessionReader): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = await readSession(c.req.raw.headers);
    if (!caller) throw new DomainError("unauthorized", "sign in first: send the session cookie or an Authorization: Bearer token");
    c.set("userId", caller.userId);
    await next();
    // A session refreshed on the way renews its cookie too, or the browser would drop it on the old date.
    for (const cookie of caller.setCookies) c.res.headers.append("set-cookie", cookie);
  };
}
