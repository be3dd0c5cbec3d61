/**
 * What a deploy is aimed at, worked out once from the command-line options and the charts: the
 * overlay, the layout (seed 000: one umbrella release `todo-chatbot`; seed 004: a release per
 * service, `todo-backend` then `todo-frontend`), the namespace the overlay is written for, the
 * values files of each release (with a git-ignored values-local.yaml when it exists), the two
 * images and the tag they are built and run under (one per state of the source, see image-tag.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { backendService, frontendService } from "@todo/contracts";
import { imageTag, isValidTag } from "./image-tag.ts";

export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const helmDir = join(repoRoot, "deploy", "helm");

export type Layout = "umbrella" | "split";
export type Service = "backend" | "frontend";

export const OVERLAYS = {
  minikube: "values-minikube.yaml",
  clusterip: "values-clusterip.yaml",
  base: "values.yaml",
} as const;
export type OverlayName = keyof typeof OVERLAYS;

/** Each overlay's natural layout: seed 000 is one release, seed 004 is a release per service. */
const DEFAULT_LAYOUT: Record<OverlayName, Layout> = { minikube: "umbrella", clusterip: "split", base: "umbrella" };

export interface ImageSpec {
  service: Service;
  /** As the charts reference it: repository:tag (the tag passed to helm as image.tag). */
  tag: string;
  dockerfile: string;
  port: number;
  /** Seed 004's targets: frontend < 200 MB, backend < 300 MB. */
  maxBytes: number;
}

export interface Release {
  name: string;
  chart: string;
  /** Absolute chart directory. */
  chartDir: string;
  /** Absolute values files, in order: the overlay, then values-local.yaml when present. */
  valuesFiles: string[];
  /** Services this release runs (the umbrella runs both). */
  services: Service[];
  /** The Service object name of each service in this release. */
  serviceNames: Partial<Record<Service, string>>;
}

export interface Target {
  overlay: OverlayName;
  overlayFile: string;
  layout: Layout;
  namespace: string;
  /** kubeconfig context to use; undefined = the current one. */
  context?: string;
  /** Releases in install order (the backend owns the namespace's quota: it goes first). */
  releases: Release[];
  images: ImageSpec[];
  /** The tag of both images (image.tag in the charts). */
  imageTag: string;
  /** Set when the tag cannot follow the source (not a git checkout). */
  imageTagNote?: string;
}

export class UsageError extends Error {}

export interface TargetOptions {
  values?: string;
  layout?: string;
  namespace?: string;
  context?: string;
  /** --tag: the images' tag; undefined = from the source (appVersion-commit[-dirty-hash]). */
  tag?: string;
}

/** `minikube`, `values-minikube.yaml` or a path to an overlay inside deploy/helm/<chart>/. */
function overlayOf(values: string | undefined): OverlayName {
  if (!values) return "minikube";
  if (values in OVERLAYS) return values as OverlayName;
  const file = basename(values);
  const found = (Object.keys(OVERLAYS) as OverlayName[]).find((k) => OVERLAYS[k] === file);
  if (found) {
    if (values.includes("/")) {
      const abs = isAbsolute(values) ? values : resolve(process.cwd(), values);
      if (!existsSync(abs)) throw new UsageError(`--values ${values}: no such file`);
      if (relative(helmDir, dirname(dirname(abs))) !== "") {
        throw new UsageError(
          `--values ${values}: give one of the charts' overlays (deploy/helm/<chart>/values-*.yaml) or its name: ${Object.keys(OVERLAYS).join(", ")}`,
        );
      }
    }
    return found;
  }
  throw new UsageError(
    `--values ${values}: not one of the charts' overlays. Use minikube (seed 000, one release in todo-app), clusterip (seed 004, a release per service in todo) or base; your own settings go in deploy/helm/<chart>/values-local.yaml, which is picked up by itself.`,
  );
}

/** An overlay path inside a chart implies the layout: todo-chatbot/ is the umbrella, the others split. */
function layoutOf(values: string | undefined, overlay: OverlayName, layout: string | undefined): Layout {
  if (layout !== undefined) {
    if (layout !== "umbrella" && layout !== "split") throw new UsageError(`--layout ${layout}: use umbrella or split`);
    return layout;
  }
  if (values?.includes("/")) return basename(dirname(resolve(values))) === "todo-chatbot" ? "umbrella" : "split";
  return DEFAULT_LAYOUT[overlay];
}

function overlayNamespace(file: string): string {
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { global?: { namespace?: string } };
  return doc.global?.namespace ?? "";
}

function appVersion(chart: string): string {
  const doc = parse(readFileSync(join(helmDir, chart, "Chart.yaml"), "utf8")) as { appVersion?: string; version: string };
  return String(doc.appVersion ?? doc.version);
}

function valuesFiles(chart: string, overlay: OverlayName): string[] {
  const files: string[] = [];
  if (overlay !== "base") files.push(join(helmDir, chart, OVERLAYS[overlay]));
  const local = join(helmDir, chart, "values-local.yaml");
  if (existsSync(local)) files.push(local);
  return files;
}

export function resolveTarget(opts: TargetOptions): Target {
  const overlay = overlayOf(opts.values);
  const layout = layoutOf(opts.values, overlay, opts.layout);
  const overlayFile = join(helmDir, layout === "umbrella" ? "todo-chatbot" : "todo-backend", OVERLAYS[overlay]);
  const written = overlayNamespace(overlayFile);
  if (written && opts.namespace && opts.namespace !== written) {
    throw new UsageError(
      `${OVERLAYS[overlay]} is written for namespace "${written}" and the charts refuse any other. Leave out --namespace, or use --values base to install into "${opts.namespace}".`,
    );
  }
  const namespace = opts.namespace ?? (written || "default");
  const version = appVersion(layout === "umbrella" ? "todo-chatbot" : "todo-backend");
  if (opts.tag !== undefined && !isValidTag(opts.tag))
    throw new UsageError(`--tag ${opts.tag}: a tag is up to 128 letters, digits, _ . and -, not starting with . or -`);
  const tag = opts.tag !== undefined ? { tag: opts.tag } : imageTag(repoRoot, version);
  const release = (name: string, chart: string, services: Service[], serviceNames: Release["serviceNames"]): Release => ({
    name,
    chart,
    chartDir: join(helmDir, chart),
    valuesFiles: valuesFiles(chart, overlay),
    services,
    serviceNames,
  });
  const releases =
    layout === "umbrella"
      ? [release("todo-chatbot", "todo-chatbot", ["backend", "frontend"], { backend: "todo-chatbot-backend", frontend: "todo-chatbot-frontend" })]
      : [
          release(backendService.name, "todo-backend", ["backend"], { backend: backendService.name }),
          release(frontendService.name, "todo-frontend", ["frontend"], { frontend: frontendService.name }),
        ];
  return {
    overlay,
    overlayFile,
    layout,
    namespace,
    context: opts.context,
    releases,
    images: [
      { service: "backend", tag: `${backendService.name}:${tag.tag}`, dockerfile: "apps/api/Dockerfile", port: backendService.port, maxBytes: 300_000_000 },
      { service: "frontend", tag: `${frontendService.name}:${tag.tag}`, dockerfile: "apps/web/Dockerfile", port: frontendService.port, maxBytes: 200_000_000 },
    ],
    imageTag: tag.tag,
    ...(tag.note ? { imageTagNote: tag.note } : {}),
  };
}

/** A path relative to the repository root, for messages and printed commands. */
export function rel(path: string): string {
  const r = relative(repoRoot, path);
  return r.startsWith("..") ? path : r;
}
