/**
 * The client's address, for rate limiting. X-Forwarded-For is believed only as far as it was
 * written by proxies we trust (TRUSTED_PROXIES: addresses, CIDRs and the keywords loopback,
 * linklocal, uniquelocal): the chain is walked from the socket peer leftwards, skipping trusted
 * hops, as Express's `trust proxy` does (same library, proxy-addr). Trusting nobody (the default),
 * the client is the socket peer and the header is ignored.
 */
import type { Context } from "hono";
import { isIP } from "node:net";
import proxyaddr from "proxy-addr";

export type TrustProxy = (address: string, hop: number) => boolean;

/** "10.0.0.0/8, loopback" → a trust function; throws naming the entry that is not an address. */
export function compileTrust(list: string): TrustProxy {
  const entries = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (["loopback", "linklocal", "uniquelocal"].includes(entry)) continue;
    const [address, bits] = entry.split("/");
    if (!address || !isIP(address) || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
      throw new TypeError(`"${entry}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`);
    }
  }
  return proxyaddr.compile(entries);
}

const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");

/** The address a request comes from, by the rules above; undefined for an in-process request. */
export function clientIp(c: Context, trust: TrustProxy): string | undefined {
  const peer = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
  if (!peer) return undefined;
  const forwarded = c.req.header("x-forwarded-for");
  const chain = proxyaddr.all({ socket: { remoteAddress: peer }, headers: forwarded ? { "x-forwarded-for": forwarded } : {} } as never, trust);
  // The left-most address the trusted hops vouch for; a hop that wrote nonsense vouches for itself.
  for (let i = chain.length - 1; i >= 0; i--) {
    const address = chain[i]!;
    if (isIP(address)) return plain(address);
  }
  return plain(peer);
}
