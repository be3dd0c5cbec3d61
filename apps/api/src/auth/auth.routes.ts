/**
 * Mounts Better Auth under /api/auth and renders its errors in the API's one error shape, and the
 * middleware that turns a session cookie or bearer token into the acting user id.
 */
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { HttpError, errorBody } from "../http/errors.ts";
import type { AppEnv } from "../http/app-env.ts";
import { clientIp } from "../http/client-ip.ts";
import { CLIENT_IP_HEADER, type Auth } from "./auth.ts";
import type { SessionReader } from "./session-reader.ts";

function withClientIp(c: Context): Request {
  const headers = new Headers(c.req.raw.headers);
  headers.delete(CLIENT_IP_HEADER);
  const ip = clientIp(c);
  if (ip) headers.set(CLIENT_IP_HEADER, ip);
  const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD";
  return new Request(c.req.raw.url, {
    method: c.req.method,
    headers,
    body: hasBody ? c.req.raw.body : null,
    // @ts-expect-error Node's fetch needs duplex for a streamed request body; lib.dom lacks it.
    duplex: hasBody ? "half" : undefined,
  });
}

const STATUS_CODES: Record<number, string> = {
  400: "validation_error",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  422: "unprocessable",
  429: "rate_limited",
};

async function rewrapError(res: Response): Promise<Response> {
  if (res.status < 400 || !res.headers.get("content-type")?.includes("json")) return res;
  const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  const retryAfter = headers.get("x-retry-after");
  if (res.status === 429 && retryAfter) headers.set("retry-after", retryAfter);
  // Better Auth's codes (USER_ALREADY_EXISTS …) in the API's lower-case style (user_already_exists).
  const code = res.status === 429 ? "rate_limited" : (body.code?.toLowerCase() ?? STATUS_CODES[res.status] ?? "error");
  const message =
    res.status === 429
      ? `too many attempts; try again in ${retryAfter ?? "a few"} seconds`
      : (body.message ?? res.statusText ?? "request failed");
  return new Response(JSON.stringify(errorBody(code, message)), { status: res.status, headers });
}

export function authRoutes(auth: Auth) {
  return new Hono<AppEnv>().on(["GET", "POST"], "/*", async (c) => rewrapError(await auth.handler(withClientIp(c))));
}

/** Requires a signed-in user (cookie or `Authorization: Bearer`), and puts their id on the context. */
export function requireUser(readSession: SessionReader): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = await readSession(c.req.raw.headers);
    if (!caller) throw new HttpError(401, "unauthorized", "sign in first: send the session cookie or an Authorization: Bearer token");
    c.set("userId", caller.userId);
    await next();
    // A session refreshed on the way renews its cookie too, or the browser would drop it on the old date.
    for (const cookie of caller.setCookies) c.res.headers.append("set-cookie", cookie);
  };
}

