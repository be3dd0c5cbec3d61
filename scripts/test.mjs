#!/usr/bin/env node
/**
 * `npm test`: every *.test.ts in the repository, in one run of node's test runner, so the run ends
 * with the runner's own summary. Integration suites run on embedded PGlite always, and on real
 * PostgreSQL too when TEST_DATABASE_URL names an admin connection (CI sets it).
 * Extra arguments narrow the run: `npm test -- apps/api` runs only files under apps/api.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureInstall } from "./ensure-install.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
ensureInstall(root);

const SKIP_DIRS = new Set(["node_modules", ".next", ".git", "dist", ".data", "screenshots"]);
function findTests(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith(".")) findTests(join(dir, entry.name), out);
    } else if (entry.name.endsWith(".test.ts")) {
      out.push(relative(root, join(dir, entry.name)));
    }
  }
  return out;
}

if (process.env.REQUIRE_POSTGRES && !process.env.TEST_DATABASE_URL) {
  console.error("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not: the PostgreSQL suites would not run.");
  process.exit(1);
}

const filters = process.argv.slice(2);
const files = ["packages", "apps", "deploy", "tools", "e2e"]
  .flatMap((top) => {
    try {
      return findTests(join(root, top));
    } catch {
      return [];
    }
  })
  .filter((f) => filters.length === 0 || filters.some((p) => f.startsWith(p)))
  .sort();

if (files.length === 0) {
  console.error("no test files matched", filters.join(" "));
  process.exit(1);
}

const res = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } },
);
process.exit(res.status ?? 1);
