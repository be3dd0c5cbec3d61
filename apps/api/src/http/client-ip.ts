/**
 * The client's address for rate limiting. X-Forwarded-For is believed only when the peer is a
 * proxy we can trust: loopback or a private network (the web server, an in-cluster Service), or an
 * in-process request with no socket. A client connecting from elsewhere cannot spoof it.
 */
import type { Context } from "hono";
import { isIP } from "node:net";

function isPrivate(address: string): boolean {
  const a = address.replace(/^::ffff:/, "");
  if (isIP(a) === 4) {
    const [x, y] = a.split(".").map(Number) as [number, number];
    return x === 127 || x === 10 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168);
  }
  return a === "::1" || /^f[cd]/i.test(a) || /^fe80:/i.test(a);
}

export function clientIp(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const peer = incoming?.socket?.remoteAddress;
  const forwarded = c.req
    .header("x-forwarded-for")
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => isIP(s.replace(/^::ffff:/, "")) !== 0);
  const last = forwarded?.at(-1);
  if (last && (peer === undefined || isPrivate(peer))) return last.replace(/^::ffff:/, "");
  return peer?.replace(/^::ffff:/, "");
}
