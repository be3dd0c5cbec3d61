/**
 * Shared by the chart tests: which charts and overlays exist, and `helm template` of them parsed
 * into objects. Every test renders with the real helm binary (see ../helm.ts), after the charts'
 * dependencies are built from the chart folders (see ../dependencies.ts), once per test process.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { buildAllDependencies } from "../dependencies.ts";
import { helm, helmOk } from "../helm.ts";

await buildAllDependencies();

export const helmDir = fileURLToPath(new URL("..", import.meta.url));
/** The oldest Kubernetes the seeds name (seed 004: 1.28+). */
export const KUBE_VERSION = "1.28.0";

export const CHARTS = ["todo-backend", "todo-frontend", "todo-chatbot"] as const;
export type Chart = (typeof CHARTS)[number];

/** Each overlay with the namespace it is for (its global.namespace). */
export const OVERLAYS = {
  "values.yaml": "default",
  "values-minikube.yaml": "todo-app",
  "values-clusterip.yaml": "todo",
} as const;
export type Overlay = keyof typeof OVERLAYS;

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

export function chartDir(chart: string): string {
  return join(helmDir, chart);
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  set?: string[];
  values?: string[];
  /**
   * `helm template` cannot see a cluster, so the chart refuses to generate secrets there unless
   * told the render is never applied (secret.generateWithoutCluster). The tests' renders never
   * are: on unless a test is about that refusal.
   */
  generateWithoutCluster?: boolean;
}

/** The --set that lets a chart generate throwaway secrets in a render nobody applies. */
export function generateWithoutClusterFlag(chart: string): string[] {
  if (chart === "todo-backend") return ["--set", "secret.generateWithoutCluster=true"];
  if (chart === "todo-chatbot") return ["--set", "backend.secret.generateWithoutCluster=true"];
  return [];
}

/** Default release names: the seeds' (todo-chatbot for the umbrella, the chart's own name otherwise). */
export function defaultRelease(chart: Chart): string {
  return chart;
}

/** Args of `helm template` for a chart with an overlay (and optional extras). */
export function templateArgs(chart: Chart, overlay: Overlay, opts: RenderOptions = {}): string[] {
  const args = [
    "template",
    opts.release ?? defaultRelease(chart),
    chartDir(chart),
    "--namespace",
    opts.namespace ?? OVERLAYS[overlay],
    "--kube-version",
    KUBE_VERSION,
  ];
  if (overlay !== "values.yaml") args.push("-f", join(chartDir(chart), overlay));
  if (opts.generateWithoutCluster ?? true) args.push(...generateWithoutClusterFlag(chart));
  for (const v of opts.values ?? []) args.push("-f", v);
  for (const s of opts.set ?? []) args.push("--set", s);
  return args;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === "object");
}

/** `helm template` of a chart with an overlay, as objects. Includes hooks and test pods. */
export function render(chart: Chart, overlay: Overlay, opts: RenderOptions = {}): K8sObject[] {
  return parseManifests(helmOk(templateArgs(chart, overlay, opts)));
}

/** Like render, but returns helm's failure instead of throwing. */
export function tryRender(chart: Chart, overlay: Overlay, opts: RenderOptions = {}) {
  return helm(templateArgs(chart, overlay, opts));
}

/**
 * A layout: what a seed installs into one namespace. Seed 000 is one umbrella release; seed 004 is
 * two releases (todo-backend, todo-frontend) whose objects share the namespace.
 */
export interface Layout {
  name: string;
  namespace: string;
  objects: K8sObject[];
}

export function layouts(): Layout[] {
  const out: Layout[] = [];
  for (const overlay of Object.keys(OVERLAYS) as Overlay[]) {
    out.push({
      name: `todo-chatbot + ${overlay}`,
      namespace: OVERLAYS[overlay],
      objects: render("todo-chatbot", overlay),
    });
    out.push({
      name: `todo-backend + todo-frontend + ${overlay}`,
      namespace: OVERLAYS[overlay],
      objects: [...render("todo-backend", overlay), ...render("todo-frontend", overlay)],
    });
  }
  return out;
}

export function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const names = objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    throw new Error(`no ${kind} ${name}; there are: ${names.join(", ") || "none"}`);
  }
  return found;
}

export function isHook(o: K8sObject): boolean {
  return Boolean(o.metadata.annotations?.["helm.sh/hook"]);
}

/** The pod template (or pod spec holder) of a workload object. */
export function podSpecOf(o: K8sObject): { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: any } | undefined {
  if (o.kind === "Pod") return { metadata: o.metadata, spec: o.spec };
  if (["Deployment", "StatefulSet", "Job"].includes(o.kind)) return o.spec.template;
  return undefined;
}

/** A rendered Secret's values, decoded from `data` (the charts never write `stringData`). */
export function secretValues(secret: K8sObject): Record<string, string> {
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), "base64").toString("utf8")]));
}

export function readText(path: string): string {
  return readFileSync(path, "utf8");
}
