/**
 * Builds the web app when there is no build or one of its sources is newer than the build, one
 * builder at a time (several e2e test files, or `npm start` beside them, may ask at once).
 * Shared by `npm start` and the e2e harness.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * @param {string} root the repository root
 * @param {{ quiet?: boolean }} [options] quiet: capture the build's output (shown only if it fails)
 * @returns {boolean} whether a build ran
 */
export function ensureWebBuild(root, { quiet = false } = {}) {
  const webDir = join(root, "apps/web");
  // What the build is made from (not its own outputs such as .next or next-env.d.ts).
  const inputs = ["app", "components", "lib", "public", "scripts", "next.config.ts", "postcss.config.mjs", "package.json"]
    .map((p) => join(webDir, p))
    .concat(join(root, "packages/contracts/src"));
  const buildId = join(webDir, ".next/BUILD_ID");
  const server = join(webDir, ".next/standalone/apps/web/server.js");
  const stale = () => !existsSync(buildId) || !existsSync(server) || statSync(buildId).mtimeMs < Math.max(...inputs.map(newestMtime));
  if (!stale()) return false;

  // One lock per checkout: another clone on the same machine builds its own app at the same time.
  const lock = join(tmpdir(), `todo-web-build-${createHash("sha256").update(root).digest("hex").slice(0, 12)}.lock`);
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building; a lock older than 10 minutes is left over from a crash.
      const lockAge = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (lockAge > 600_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 600_000) throw new Error("timed out waiting for another web build");
      sleepSync(500);
    }
  }
  try {
    if (!stale()) return false;
    console.log(quiet ? "# building the frontend (apps/web)…" : "Building the web app (first run, or its sources changed)…");
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const res = spawnSync(npm, ["run", "build", "-w", "@todo/web"], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
      ...(quiet ? { encoding: "utf8" } : { stdio: "inherit" }),
    });
    if (res.status !== 0) throw new Error(`web build failed${quiet ? `:\n${res.stdout}\n${res.stderr}` : ""}`);
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
