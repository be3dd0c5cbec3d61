/**
 * Builds each chart's charts/ folder from the chart folders it depends on (file:// in Chart.yaml):
 * todo-lib into todo-backend and todo-frontend, then todo-lib, todo-backend and todo-frontend into
 * todo-chatbot. These archives are build output, git-ignored and never committed: the chart tests
 * and the deploy CLI build them before every use, so they always match the folders next to them, and
 * an edit to any chart needs no re-vendoring step. By hand (before helm install from a clone):
 *   npm run charts:deps -w @todo/deploy
 * which is `helm dependency build` of each chart in that order, offline; helm's own command works too.
 *
 * Each archive is made by `helm package` in a temporary folder and renamed into charts/ (an atomic
 * replace), rather than by `helm dependency build`, which stages its downloads in a folder inside
 * charts/: a helm reading the chart at that moment (another test file, running in parallel) would
 * take that folder for a broken subchart.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { helmOk } from "./helm.ts";

export const helmDir = fileURLToPath(new URL(".", import.meta.url));

export interface Dependency {
  name: string;
  version: string;
  /** The dependency's chart folder. */
  dir: string;
}

/** The file:// dependencies a chart folder's Chart.yaml names. */
export function dependenciesOf(chartDir: string): Dependency[] {
  const chart = parse(readFileSync(join(chartDir, "Chart.yaml"), "utf8")) as { dependencies?: { name: string; version: string; repository?: string }[] };
  return (chart.dependencies ?? []).map((d) => {
    if (!d.repository?.startsWith("file://"))
      throw new Error(`${chartDir}: dependency ${d.name} is not a file:// chart (${d.repository}); only local charts are built here`);
    return { name: d.name, version: d.version, dir: resolve(chartDir, d.repository.slice("file://".length)) };
  });
}

/** Packs a chart folder into `destination` as <name>-<version>.tgz (helm package). */
export type Pack = (chartDir: string, destination: string) => void | Promise<void>;

const packWithHelm: Pack = (chartDir, destination) => {
  helmOk(["package", chartDir, "--destination", destination]);
};

/**
 * Moves a packed archive into charts/ whole: a rename, or where the temporary folder is on another
 * file system (a container whose /tmp is not the mounted checkout's: EXDEV), a copy beside the
 * destination renamed over it, so a concurrent reader never sees half an archive.
 */
export function moveInto(source: string, chartsDir: string, archive: string): void {
  try {
    renameSync(source, join(chartsDir, archive));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    const partial = join(chartsDir, `.${archive}.${process.pid}.partial`);
    copyFileSync(source, partial);
    renameSync(partial, join(chartsDir, archive));
  }
}

/**
 * Builds the charts/ folder of `chartDir`, and first those of its dependencies (a chart is packaged
 * with what its charts/ holds). Archives of charts no longer depended on are removed. Returns the
 * archives written, as "<chart>/charts/<archive>".
 */
export async function buildDependencies(chartDir: string, pack: Pack = packWithHelm): Promise<string[]> {
  const deps = dependenciesOf(chartDir);
  const written: string[] = [];
  for (const dep of deps) {
    if (dependenciesOf(dep.dir).length) written.push(...(await buildDependencies(dep.dir, pack)));
  }
  if (deps.length === 0) return written;
  const chartsDir = join(chartDir, "charts");
  mkdirSync(chartsDir, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), "todo-chart-deps-"));
  try {
    for (const dep of deps) {
      const archive = `${dep.name}-${dep.version}.tgz`;
      await pack(dep.dir, staging);
      if (!existsSync(join(staging, archive))) throw new Error(`packing ${dep.dir} made no ${archive}`);
      moveInto(join(staging, archive), chartsDir, archive);
      written.push(`${chartName(chartDir)}/charts/${archive}`);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const wanted = new Set(deps.map((d) => `${d.name}-${d.version}.tgz`));
  for (const file of readdirSync(chartsDir)) {
    if (!wanted.has(file) && !file.endsWith(".partial")) rmSync(join(chartsDir, file), { recursive: true, force: true });
  }
  return written;
}

function chartName(chartDir: string): string {
  return resolve(chartDir).split(/[\\/]/).pop()!;
}

let built: Promise<string[]> | undefined;
/** Builds every chart's dependencies once per process (the chart tests call this before rendering). */
export function buildAllDependencies(): Promise<string[]> {
  // todo-chatbot's build makes todo-backend's and todo-frontend's on its way.
  built ??= buildDependencies(join(helmDir, "todo-chatbot"));
  return built;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const archive of await buildAllDependencies()) console.log(`built ${archive}`);
}
