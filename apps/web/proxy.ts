/**
 * Next.js proxy (the middleware file of Next 16) for pages: a Content-Security-Policy with a fresh
 * nonce per request (Next puts it on its own scripts; 'strict-dynamic' lets them load the rest),
 * which is why pages render dynamically (app/layout.tsx). HSTS when the page came over HTTPS. The
 * headers every response carries (nosniff, Referrer-Policy …) are in next.config.ts; /api/* and
 * static files do not come through here, nor /mcp and /.well-known/* (backend answers, not pages).
 */
import { NextResponse, type NextRequest } from "next/server";
import { webEnv } from "./lib/env";

export function contentSecurityPolicy(nonce: string, dev = webEnv().nodeEnv === "development"): string {
  return [
    "default-src 'self'",
    // 'unsafe-eval' only for the dev server's hot reload.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Toasts (sonner) and React's style attributes set styles at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    // The service worker (public/sw.js) that shows Web Push reminders.
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  const proto = request.headers.get("x-forwarded-proto") ?? request.nextUrl.protocol.replace(":", "");
  if (proto === "https") response.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  return response;
}

export const config = {
  matcher: [
    {
      // /mcp and /.well-known/* are proxied to the backend (app/mcp, app/.well-known): no page there.
      source: "/((?!api/|mcp$|mcp/|\\.well-known/|_next/static|_next/image|icon.svg|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
