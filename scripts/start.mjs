#!/usr/bin/env node
/**
 * `npm start`: the whole product on this machine. Installs what is missing, bundles and starts the
 * backend on :8000 (embedded PGlite under ./.data unless DATABASE_URL is set; the offline assistant
 * unless a model key is set), builds the web app once and serves it on :3000, prints the URLs.
 * Ctrl-C stops all.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureInstall } from "./ensure-install.mjs";
import { ensureWebBuild } from "./web-build.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
ensureInstall(root);

const apiPort = Number(process.env.API_PORT ?? 8000);
const webPort = Number(process.env.WEB_PORT ?? 3000);
const hasWeb = existsSync(join(root, "apps", "web", "package.json"));
const publicUrl = `http://localhost:${hasWeb ? webPort : apiPort}`;
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

if (hasWeb) {
  try {
    ensureWebBuild(root);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}

const children = [];
function run(name, command, args, env) {
  // Each child leads its own process group, so stopping it stops everything it started (npm → sh →
  // node), not just the first process.
  const child = spawn(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env }, detached: true });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping.`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

// The backend runs as the image runs it: bundled by esbuild (a second or two), not through the tsx
// loader, whose loader thread and ~1,400 unbundled modules held over 100 MB more (apps/api/README.md).
if (spawnSync(process.execPath, ["build.mjs"], { cwd: join(root, "apps", "api"), stdio: "inherit" }).status !== 0) {
  console.error("building the backend failed");
  process.exit(1);
}
run("backend", process.execPath, ["apps/api/dist/main.js"], {
  PORT: String(apiPort),
  DATA_DIR: process.env.DATA_DIR ?? join(root, ".data"),
  FRONTEND_URL: process.env.FRONTEND_URL ?? publicUrl,
  BETTER_AUTH_URL: process.env.BETTER_AUTH_URL ?? publicUrl,
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  // The web app beside it forwards each client's address; the backend believes it from loopback only.
  TRUSTED_PROXIES: process.env.TRUSTED_PROXIES ?? "loopback",
});
if (hasWeb) {
  run("frontend", npm, ["run", "start", "-w", "@todo/web"], {
    PORT: String(webPort),
    HOSTNAME: "0.0.0.0",
    API_BASE_URL: process.env.API_BASE_URL ?? `http://127.0.0.1:${apiPort}`,
  });
}

async function waitFor(url, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stopping) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  const signalGroup = (child, signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  for (const child of children) signalGroup(child, "SIGTERM");
  const force = setTimeout(() => {
    for (const child of children) signalGroup(child, "SIGKILL");
    process.exit(code);
  }, 12_000);
  force.unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r))))).then(() => process.exit(code));
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

const ready = await waitFor(`http://127.0.0.1:${apiPort}/health/ready`);
const webReady = !hasWeb || (await waitFor(`http://127.0.0.1:${webPort}/api/health`));
if (ready && webReady && !stopping) {
  const assistant =
    process.env.OPENAI_API_KEY || process.env.OPENROUTER_API_KEY || process.env.LLM_BASE_URL
      ? "your configured model"
      : "the offline assistant (no API key needed)";
  console.log(`
  Todo Chatbot is running.
    App:      ${publicUrl}
    API:      http://localhost:${apiPort}  (health: /health, OpenAPI: /api/openapi.json)
    Database: ${process.env.DATABASE_URL ? "DATABASE_URL" : "embedded PGlite in ./.data"}
    Assistant: ${assistant}
  Press Ctrl-C to stop.
`);
}
