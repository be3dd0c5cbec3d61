#!/usr/bin/env node
/**
 * After `next build`: the standalone server serves /_next/static and public/ only when they sit
 * beside it, and Next leaves that copy to us (normally a CDN's job).
 */
import { cpSync, existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const web = fileURLToPath(new URL("..", import.meta.url));
const target = `${web}.next/standalone/apps/web`;
if (!existsSync(`${target}/server.js`)) {
  console.error("copy-static: .next/standalone/apps/web/server.js is missing; run `next build` first");
  process.exit(1);
}
rmSync(`${target}/.next/static`, { recursive: true, force: true });
cpSync(`${web}.next/static`, `${target}/.next/static`, { recursive: true });
if (existsSync(`${web}public`)) cpSync(`${web}public`, `${target}/public`, { recursive: true });
