/**
 * The same-origin proxy: the browser only ever talks to this server, which forwards /api/* to the
 * backend named by API_BASE_URL at run time. Cookies travel both ways (the session cookie stays
 * HttpOnly on the frontend's origin), Origin is kept for the backend's CSRF check, X-Forwarded-*
 * say who really asked, and response bodies are piped through as they arrive so the chat streams.
 */
import "server-only";
import type { NextRequest } from "next/server";
import { backendUrl } from "./backend.server";

/** Request headers the backend may need; everything else (Next internals, hop-by-hop) stays here. */
const FORWARDED_REQUEST_HEADERS = [
  "accept",
  "accept-language",
  "authorization",
  "content-type",
  "cookie",
  "if-none-match",
  "last-event-id",
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
  // Next fills x-forwarded-for with the socket's address when no proxy in front set it.
  const clientIp = req.headers.get("x-forwarded-for");
  if (clientIp) out.set("x-forwarded-for", clientIp);
  out.set("x-forwarded-proto", req.headers.get("x-forwarded-proto") ?? url.protocol.replace(":", ""));
  out.set("x-forwarded-host", req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? url.host);
  return out;
}

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

export async function proxyToBackend(req: NextRequest, path: string[]): Promise<Response> {
  const target = `${backendUrl()}/api/${path.map(encodeURIComponent).join("/")}${req.nextUrl.search}`;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: req.method,
      headers: forwardedHeaders(req),
      // Request bodies here are small JSON documents; buffering them keeps fetch simple.
      body: hasBody ? await req.arrayBuffer() : undefined,
      redirect: "manual",
      cache: "no-store",
      signal: req.signal,
    });
  } catch (err) {
    if (req.signal.aborted) return new Response(null, { status: 499 });
    console.error(JSON.stringify({ level: "error", msg: "backend unreachable", target, err: String(err) }));
    return errorResponse(502, "BACKEND_UNAVAILABLE", "The server is not answering right now. Try again in a moment.");
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
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers });
}
