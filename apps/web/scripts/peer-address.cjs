/**
 * Loaded before the Next.js standalone server (see copy-static.mjs). First, a request path whose
 * percent-encoding is not UTF-8 (/api/tasks/%ED%A0%80) is made well-formed (each invalid byte
 * sequence becomes U+FFFD, %EF%BF%BD): Next answers such a path with a 500 of its own. Then it tells the app, in two headers
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
for (const entry of (process.env.TRUSTED_PROXIES ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean)) {
  const [address, bits] = entry.split("/");
  if (["loopback", "linklocal", "uniquelocal"].includes(entry)) continue;
  if (!address || !isIP(address) || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
    console.error(`invalid configuration: TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`);
    process.exit(78);
  }
}

const PEER = "x-todo-peer-address";
const FORWARDED = "x-todo-forwarded-for";

/** The request target with its path's percent-encoding made valid UTF-8; unchanged when it was. */
function wellFormedTarget(target) {
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  try {
    decodeURIComponent(path);
    return target;
  } catch {
    const bytes = Buffer.from(
      path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
      "latin1",
    );
    const text = bytes.toString("utf8");
    return text.split("/").map(encodeURIComponent).join("/") + (q < 0 ? "" : target.slice(q));
  }
}

subscribe("http.server.request.start", ({ request, socket }) => {
  if (request.url) request.url = wellFormedTarget(request.url);
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
