#!/usr/bin/env node
/**
 * Where screenshots go. The e2e tests write theirs under e2e/test-results/screenshots (ignored by
 * git), so `npm test` leaves a clone as it found it. The curated set that the docs show lives in
 * e2e/screenshots (committed) and changes only when someone runs `npm run screenshots`: the e2e
 * suite, then, when it passed, its screenshots copied over the curated set.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Where the e2e tests write their screenshots (git ignores it). */
export const testScreenshotDir = join(root, "e2e/test-results/screenshots");
/** The committed screenshots that READMEs and docs link to. */
export const curatedScreenshotDir = join(root, "e2e/screenshots");

const pngsIn = (dir) => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".png"));
  } catch {
    return [];
  }
};

/**
 * Makes `to` hold exactly the PNGs of `from`: copies each one, removes those no test takes any more.
 * Refuses an empty `from`, which would wipe the curated set.
 * @returns {{ copied: string[], removed: string[] }}
 */
export function refreshScreenshots(from, to) {
  const fresh = pngsIn(from);
  if (fresh.length === 0) throw new Error(`no screenshots in ${from}: nothing to refresh ${to} from`);
  mkdirSync(to, { recursive: true });
  for (const name of fresh) copyFileSync(join(from, name), join(to, name));
  const removed = pngsIn(to).filter((name) => !fresh.includes(name));
  for (const name of removed) rmSync(join(to, name));
  return { copied: fresh, removed };
}

// `npm run screenshots`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  rmSync(testScreenshotDir, { recursive: true, force: true });
  const res = spawnSync(process.execPath, [join(root, "scripts/test.mjs"), "e2e"], { cwd: root, stdio: "inherit" });
  if (res.status !== 0) {
    console.error("The e2e tests failed: e2e/screenshots is left as it was.");
    process.exit(res.status ?? 1);
  }
  const { copied, removed } = refreshScreenshots(testScreenshotDir, curatedScreenshotDir);
  const gone = removed.length ? `, removed ${removed.join(", ")}` : "";
  console.log(`Refreshed ${copied.length} screenshots in e2e/screenshots${gone}; \`git diff --stat e2e/screenshots\` shows which changed.`);
}
