#!/usr/bin/env node
/**
 * `npm run build -w @todo/api`: bundles the two entry points for the image, so the runtime needs no
 * TypeScript loader and almost no node_modules.
 *   src/main.ts            → dist/main.js     (the server)
 *   src/db/migrate.main.ts → dist/migrate.js  (the Kubernetes migration Job)
 *   src/db/migrations      → dist/migrations  (found beside the running module, see db/migrate.ts)
 * Kept external: @electric-sql/pglite loads its wasm and data files from beside its own modules, so
 * it ships as a package in node_modules; pg-native is an optional driver `pg` probes for.
 */
import { build } from "esbuild";
import { cpSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = `${here}dist`;

/** Packages that stay in node_modules at run time (the Dockerfile copies exactly these). */
export const runtimePackages = ["@electric-sql/pglite"];

rmSync(dist, { recursive: true, force: true });
await build({
  absWorkingDir: here,
  entryPoints: { main: "src/main.ts", migrate: "src/db/migrate.main.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Shared code goes to chunks instead of being bundled twice. They stay in dist/ itself because
  // db/migrate.ts looks for migrations/ beside the module its code ends up in.
  splitting: true,
  chunkNames: "[name]-[hash]",
  external: [...runtimePackages, "pg-native"],
  // Bundled CommonJS packages call require(); ESM output has none unless we make one.
  banner: {
    js: "import { createRequire as __todoCreateRequire } from 'node:module'; const require = __todoCreateRequire(import.meta.url);",
  },
  legalComments: "linked",
  logLevel: "warning",
});
cpSync(`${here}src/db/migrations`, `${dist}/migrations`, { recursive: true });
console.log("api build: dist/main.js, dist/migrate.js, dist/migrations");
