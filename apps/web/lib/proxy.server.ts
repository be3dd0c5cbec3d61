/**
 * The same-origin proxy: the browser only ever talks to this server, which forwards /api/* to the
 * backend named by API_BASE_URL at run time. Cookies travel both ways (the session cookie stays
 * HttpOnly on the frontend's origin), Origin is kept for the backend's CSRF check, X-Forwarded-For
 * says who really asked (client-address.server.ts; a client's own claim is never passed on), and
 * response bodies are piped through as they arrive so the chat streams. Request bodies are read up
 * to BODY_LIMIT_BYTES (by default the backend's own limit, 64 KB) and refused beyond it without reading more,
 * and session tokens are taken out of auth answers: a page script never sees a bearer token.
 * The MCP endpoint (/mcp) and the OAuth discovery documents (/.well-known/*) go the same way: MCP
 * clients reach the product at this origin, the one people can reach.
 */
import type { ErrorCode } from "@todo/contracts";
import { bodyTooLargeMessage } from "@todo/contracts/constants";
import "server-only";
import type { NextRequest } from "next/server";
import { backendUrl } from "./backend.server";
import { forwardedFor } from "./client-address.server";
import { webEnv } from "./env";

/** The largest request body passed on; the backend refuses more anyway. */
export function bodyLimitBytes(): number {
  return webEnv().bodyLimitBytes;
}

/** Request headers the backend may need; everything else (Next internals, hop-by-hop) stays here. */
const FORWARDED_REQUEST_HEADERS = [
  "accept",
  "accept-language",
  "authorization",
  "content-type",
  "cookie",
  "if-none-match",
  "last-event-id",
  "mcp-protocol-version",
  "mcp-session-id",
  "origin",
  "referer",
  "user-agent",
  "x-request-id",
];

/** Response headers that describe the upstream hop, not the body we send on. */
const DROPPED_RESPONSE_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-encoding", // fetch already decoded the body
  "content-length",
  "set-cookie", // re-added one by one below
  "set-auth-token", // the bearer token is for API clients; the browser has its HttpOnly cookie
]);

function forwardedHeaders(req: NextRequest): Headers {
  const out = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers.get(name);
    if (value !== null) out.set(name, value);
  }
  const url = req.nextUrl;
  const clientChain = forwardedFor(req.headers);
  if (clientChain) out.set("x-forwarded-for", clientChain);
  out.set("x-forwarded-proto", req.headers.get("x-forwarded-proto") ?? url.protocol.replace(":", ""));
  out.set("x-forwarded-host", req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? url.host);
  return out;
}

function errorResponse(status: number, code: ErrorCode, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

const tooLarge = (limit: number) => errorResponse(413, "payload_too_large", bodyTooLargeMessage(limit));

/**
 * The request body, read a chunk at a time up to the limit (at most `limit` bytes are ever held);
 * a 413 response when the declared or the actual size is beyond it. Reading stops there.
 */
export async function readLimitedBody(req: Request, limit = bodyLimitBytes()): Promise<Uint8Array | Response | undefined> {
  const declared = req.headers.get("content-length");
  if (declared !== null && !(Number(declared) <= limit)) {
    await req.body?.cancel().catch(() => undefined);
    return tooLarge(limit);
  }
  if (!req.body) return undefined;
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return tooLarge(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/** Auth answers carry no session token to the browser: it has its HttpOnly cookie. */
function withoutTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTokens);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "token")
      .map(([key, v]) => [key, withoutTokens(v)]),
  );
}

/** Auth routes whose answer may hold a session token (the JWT of /auth/token is what that route is for). */
const strippedAuth = (path: string[]) => path[0] === "auth" && path[1] !== "token" && path[1] !== "jwks";

/** The path segments as sent, or undefined when one is not text (a lone surrogate from %ED%A0%80). */
function encodedPath(path: string[]): string | undefined {
  try {
    return path.map(encodeURIComponent).join("/");
  } catch {
    return undefined;
  }
}

/** Where a request goes on the backend: under /api (the default), /mcp or /.well-known. */
export type BackendPrefix = "api" | "mcp" | ".well-known";

export async function proxyToBackend(req: NextRequest, path: string[], prefix: BackendPrefix = "api"): Promise<Response> {
  const encoded = encodedPath(path);
  if (encoded === undefined) return errorResponse(400, "bad_request", "the path is not valid UTF-8 text");
  const target = `${backendUrl()}/${prefix}${encoded ? `/${encoded}` : ""}${req.nextUrl.search}`;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const body = hasBody ? await readLimitedBody(req) : undefined;
  if (body instanceof Response) return body;
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: req.method,
      headers: forwardedHeaders(req),
      body: body as BodyInit | undefined,
      redirect: "manual",
      cache: "no-store",
      signal: req.signal,
    });
  } catch (err) {
    if (req.signal.aborted) return new Response(null, { status: 499 });
    console.error(JSON.stringify({ level: "error", msg: "backend unreachable", target, err: String(err) }));
    return errorResponse(502, "backend_unavailable", "The server is not answering right now. Try again in a moment.");
  }

  const headers = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name)) headers.set(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) headers.append("set-cookie", cookie);
  if ((headers.get("content-type") ?? "").includes("text/event-stream") || headers.has("x-vercel-ai-ui-message-stream")) {
    // no-transform keeps Next's gzip (which buffers) off the stream; X-Accel-Buffering does the same for nginx.
    headers.set("cache-control", "no-cache, no-transform");
    headers.set("x-accel-buffering", "no");
  }
  if (prefix === "api" && strippedAuth(path) && (headers.get("content-type") ?? "").includes("json")) {
    const text = await upstream.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return new Response(text, { status: upstream.status, statusText: upstream.statusText, headers });
    }
    return new Response(JSON.stringify(withoutTokens(json)), { status: upstream.status, statusText: upstream.statusText, headers });
  }
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers });
}
