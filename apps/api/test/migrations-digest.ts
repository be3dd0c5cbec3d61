/**
 * Names the committed migrations (every file under src/db/migrations): the test databases that are
 * copies of a migrated template (test/support.ts, e2e/harness.ts) reuse a template made for these
 * migrations only, so a new or edited migration makes a new template.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { migrationsFolder } from "../src/db/migrate.ts";

export function migrationsDigest(folder = migrationsFolder): string {
  const hash = createHash("sha256");
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
