/** config.ts is the only reader of process.env in the API's code: everything else takes its Config. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL(".", import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) sources(join(dir, entry.name), out);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) out.push(relative(src, join(dir, entry.name)));
  }
  return out;
}

it("config.ts is the only module of apps/api/src that reads process.env", () => {
  const files = sources(src);
  assert.ok(files.includes("db/migrate.ts") && files.length > 20, "the scan sees the source tree");
  const readers = files.filter((file) => /process\.env\b/.test(readFileSync(join(src, file), "utf8")));
  assert.deepEqual(readers, ["config.ts"]);
});
