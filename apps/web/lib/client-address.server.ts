/**
 * Who is asking, for the backend's per-address rate limits: the X-Forwarded-For this server sends
 * on. Its own peer (the connection's address, from scripts/peer-address.cjs) is the client, unless
 * that peer is a proxy named in TRUSTED_PROXIES (addresses, CIDRs, the keywords loopback,
 * linklocal, uniquelocal): then the chain that proxy sent is kept and the peer appended, as a proxy
 * does. A client's own X-Forwarded-For is never passed on as it came.
 */
import "server-only";
import { isIP } from "node:net";
import proxyaddr from "proxy-addr";
import { webEnv } from "./env";

const PEER = "x-todo-peer-address";
const FORWARDED = "x-todo-forwarded-for";
const INSTALLED = Symbol.for("todo.peerAddressHeaders");

let trust: ((address: string, hop: number) => boolean) | undefined;

function trusted(address: string): boolean {
  trust ??= proxyaddr.compile(webEnv().trustedProxies);
  return trust(address, 0);
}

const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");

/** The X-Forwarded-For to send the backend for this request; undefined when the peer is unknown. */
export function forwardedFor(headers: { get(name: string): string | null }): string | undefined {
  // Without the start wrapper (next dev) these headers could come from anyone: say nothing.
  if (!(globalThis as Record<symbol, unknown>)[INSTALLED]) return undefined;
  const peer = headers.get(PEER);
  if (!peer || !isIP(plain(peer))) return undefined;
  const chain = headers.get(FORWARDED)?.trim();
  if (chain && trusted(peer)) return `${chain}, ${plain(peer)}`;
  return plain(peer);
}
