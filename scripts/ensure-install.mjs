/**
 * Installs the workspace's dependencies when they are missing or older than the lockfile, so that
 * `npm start` and `npm test` work on a fresh clone with nothing but Node and npm.
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

export function ensureInstall(root) {
  const marker = join(root, "node_modules", ".package-lock.json");
  const lock = join(root, "package-lock.json");
  const fresh = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  console.log("Installing dependencies (first run)…");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const res = spawnSync(npm, [existsSync(lock) ? "ci" : "install", "--no-audit", "--no-fund"], {
    cwd: root,
    stdio: "inherit",
  });
  if (res.status !== 0) {
    console.error("npm install failed; see the output above.");
    process.exit(res.status ?? 1);
  }
}
