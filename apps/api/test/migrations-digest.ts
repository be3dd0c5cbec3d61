/**
 * Names the committed migrations (every file under src/db/migrations) and the PGlite release: the
 * test databases that are copies of a migrated template (test/support.ts, e2e/harness.ts) reuse a
 * template made for these only, so a new or edited migration, or another PGlite (whose data
 * directory may differ), makes a new template.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** src/db/migrations, as migrate.ts names it (not imported from there: this module stays light to load). */
const migrationsFolder = fileURLToPath(new URL("../src/db/migrations", import.meta.url));

/** The installed PGlite's version (its package.json is not exported: found beside its entry file). */
function pgliteVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.resolve("@electric-sql/pglite")));
  while (dir !== dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version: string };
      if (pkg.name === "@electric-sql/pglite") return pkg.version;
    } catch {
      // no package.json at this level
    }
    dir = dirname(dir);
  }
  throw new Error("@electric-sql/pglite: no package.json found");
}

export function migrationsDigest(folder = migrationsFolder): string {
  const hash = createHash("sha256").update(`pglite ${pgliteVersion()}\0`);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(`${entry.name}\0`).update(readFileSync(path));
    }
  };
  walk(folder);
  return hash.digest("hex").slice(0, 12);
}
