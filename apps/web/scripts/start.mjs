#!/usr/bin/env node
/**
 * `npm start -w @todo/web`: the production (standalone) server, the same one the image runs.
 * PORT defaults to 3000 and API_BASE_URL to http://127.0.0.1:8000. The standalone server binds to
 * $HOSTNAME; a shell or container often exports HOSTNAME as the machine's name, which would bind
 * to one interface only, so a value that isn't an address falls back to 0.0.0.0.
 * package.json runs it with --max-old-space-size=128 --max-semi-space-size=2: without a cap V8
 * lets the heap grow to ~250 MB RSS under load; with it the server stays near 125 MB.
 */
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { fileURLToPath } from "node:url";

const server = fileURLToPath(new URL("../.next/standalone/apps/web/server.js", import.meta.url));
if (!existsSync(server)) {
  console.error("No production build found: run `npm run build -w @todo/web` first.");
  process.exit(1);
}
const host = process.env.HOSTNAME;
if (!host || (!isIP(host) && host !== "localhost")) process.env.HOSTNAME = "0.0.0.0";
process.env.PORT ||= "3000";
process.env.NODE_ENV = "production";
await import(server);
