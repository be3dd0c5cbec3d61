/**
 * Loaded before the Next.js standalone server (see copy-static.mjs): tells the app, in two headers
 * only this code can set, the address the request's connection comes from (x-todo-peer-address)
 * and the X-Forwarded-For the client sent, if any (x-todo-forwarded-for). Route handlers cannot see
 * the socket, and Next fills X-Forwarded-For with the peer only when the client sent none, so the
 * header alone cannot tell a client's claim from the truth. Any copy of these two headers a client
 * sends is deleted first. lib/client-address.server.ts reads them, and only when this ran.
 */
"use strict";
const { subscribe } = require("node:diagnostics_channel");
const { isIP } = require("node:net");

// The proxy reads TRUSTED_PROXIES per request; a typo stops the server here instead.
for (const entry of (process.env.TRUSTED_PROXIES ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
  const [address, bits] = entry.split("/");
  if (["loopback", "linklocal", "uniquelocal"].includes(entry)) continue;
  if (!address || !isIP(address) || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
    console.error(`invalid configuration: TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`);
    process.exit(78);
  }
}

const PEER = "x-todo-peer-address";
const FORWARDED = "x-todo-forwarded-for";

subscribe("http.server.request.start", ({ request, socket }) => {
  const headers = request.headers;
  delete headers[PEER];
  delete headers[FORWARDED];
  const raw = request.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    const name = raw[i].toLowerCase();
    if (name === PEER || name === FORWARDED) raw.splice(i, 2);
  }
  const claimed = headers["x-forwarded-for"];
  if (claimed !== undefined) {
    headers[FORWARDED] = Array.isArray(claimed) ? claimed.join(", ") : claimed;
    raw.push(FORWARDED, headers[FORWARDED]);
  }
  if (socket.remoteAddress) {
    headers[PEER] = socket.remoteAddress;
    raw.push(PEER, socket.remoteAddress);
  }
});

globalThis[Symbol.for("todo.peerAddressHeaders")] = true;
