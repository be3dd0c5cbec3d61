#!/usr/bin/env node
/**
 * `npm test`: every *.test.ts in the repository, in one run of node's test runner, so the run ends
 * with the runner's own summary. Integration suites run on embedded PGlite always, and on real
 * PostgreSQL too when TEST_DATABASE_URL names an admin connection (CI sets it).
 * Extra arguments narrow the run: `npm test -- apps/api` runs only files under apps/api.
 * A run that includes e2e/ first makes sure of a browser (scripts/chromium.mjs): found at once, or
 * installed with a line before and after, or the run stops here with one line saying what to do.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureInstall } from "./ensure-install.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
ensureInstall(root);

const SKIP_DIRS = new Set(["node_modules", ".next", ".git", "dist", ".data", "screenshots", "test-results"]);
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
const files = ["packages", "apps", "deploy", "tools", "scripts", "e2e"]
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

const env = { ...process.env, NODE_ENV: "test" };
if (files.some((f) => f.startsWith("e2e/"))) {
  // Imported only now: it needs playwright-core, which ensureInstall() may just have installed.
  const { ensureChromium, ChromiumUnavailableError } = await import("./chromium.mjs");
  try {
    env.CHROMIUM_PATH = (await ensureChromium()).path;
  } catch (err) {
    if (!(err instanceof ChromiumUnavailableError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

const res = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { cwd: root, stdio: "inherit", env },
);
process.exit(res.status ?? 1);
