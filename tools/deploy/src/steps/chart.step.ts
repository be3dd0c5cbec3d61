/**
 * Step 3, chart: `helm lint --strict` and `helm template` of each release's chart with its values
 * files. Gate (seed 004): the charts pass lint and the templates render valid objects: every object
 * is valid against the Kubernetes API schemas (kubernetes-models), sits in the target namespace, and
 * the Deployments run exactly the images the build step makes. Both commands only read files, so
 * they run in a dry run too (its verdict on the charts is real). Before them, the chart's
 * dependencies are built from the chart folders (git-ignored build output; a dry run builds them
 * too, as lint and template need them).
 */
import { parseAllDocuments } from "yaml";
import { buildDependencies } from "@todo/deploy/helm/dependencies.ts";
import { UnknownKindError, validateObject } from "@todo/deploy/helm/validate.ts";
import { tail } from "../classify.ts";
import type { DeployContext } from "../context.ts";
import { GateFailure, type Step, type StepIO } from "../pipeline.ts";
import { formatCommand } from "../runner.ts";
import { rel, type Release, type Service, type Target } from "../target.ts";

export type RenderedObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec?: { template?: { spec?: { containers?: { name: string; image?: string }[] } } };
  [key: string]: unknown;
};

/** Kinds that live outside namespaces (none in these charts today; listed so one can be added). */
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "StorageClass", "CustomResourceDefinition", "PriorityClass"]);

/** The release's values files, then the images' tag (the build's, so the pods roll to it). */
export function valuesFlags(release: Release, target: Target): string[] {
  const prefix = (service: Service) => (release.chart === "todo-chatbot" ? `${service}.` : "");
  return [...release.valuesFiles.flatMap((f) => ["-f", rel(f)]), ...release.services.flatMap((s) => ["--set", `${prefix(s)}image.tag=${target.imageTag}`])];
}

/**
 * lint and template run where helm cannot see the cluster, and the chart refuses to generate its
 * secrets there (they would differ from the installed ones). These renders are only checked,
 * never applied, so they ask for throwaway values; helm upgrade never gets this flag.
 */
function checkOnlyFlags(release: Release): string[] {
  if (!release.services.includes("backend")) return [];
  return ["--set", `${release.chart === "todo-chatbot" ? "backend." : ""}secret.generateWithoutCluster=true`];
}

export function lintArgs(ctx: DeployContext, release: Release): string[] {
  return ["lint", "--strict", rel(release.chartDir), "--namespace", ctx.target.namespace, ...valuesFlags(release, ctx.target), ...checkOnlyFlags(release)];
}

export function templateArgs(ctx: DeployContext, release: Release): string[] {
  return [
    "template",
    release.name,
    rel(release.chartDir),
    "--namespace",
    ctx.target.namespace,
    ...valuesFlags(release, ctx.target),
    ...checkOnlyFlags(release),
  ];
}

const CHART_REMEDIATION =
  "Fix the value named above in your overlay or values-local.yaml (every key is documented in the chart's values.yaml; values.schema.json rejects unknown keys). If you edited a chart, npm run test:charts shows every check.";

/**
 * Builds the chart's charts/ folder (todo-lib; for the umbrella also todo-backend and todo-frontend)
 * from the chart folders with `helm package`, once per run, so helm never reads an archive older
 * than the chart it came from (deploy/helm/dependencies.ts). Used by the chart and release steps.
 */
export async function buildChartDependencies(ctx: DeployContext, release: Release, io: StepIO): Promise<void> {
  if (ctx.state.chartsBuilt.has(release.chartDir)) return;
  const written = await buildDependencies(release.chartDir, async (dir, destination) => {
    const res = await ctx.runner.run(ctx.helmBin, ["package", rel(dir), "--destination", destination], { probe: true, cwd: ctx.cwd });
    if (res.code !== 0) {
      throw new GateFailure(`helm package ${rel(dir)} failed: ${tail(res.stderr, 1)[0] ?? `exit ${res.code}`}`, {
        details: tail(res.stderr),
        remediation: CHART_REMEDIATION,
      });
    }
  });
  ctx.state.chartsBuilt.add(release.chartDir);
  io.log(`built ${rel(release.chartDir)}'s dependencies from their folders: ${written.join(", ")}`);
}

/** Runs helm template for a release (a read-only command) and parses the objects; also used by the release step. */
export async function renderRelease(ctx: DeployContext, release: Release): Promise<RenderedObject[]> {
  const cached = ctx.state.rendered.get(release.name);
  if (cached) return cached as RenderedObject[];
  const res = await ctx.runner.run(ctx.helmBin, templateArgs(ctx, release), { probe: true, cwd: ctx.cwd });
  if (res.code !== 0) {
    throw new GateFailure(`helm template ${release.name} failed: ${tail(res.stderr, 1)[0] ?? `exit ${res.code}`}`, {
      details: tail(res.stderr),
      remediation: CHART_REMEDIATION,
    });
  }
  const objects = parseAllDocuments(res.stdout)
    .map((d) => d.toJS() as RenderedObject | null)
    .filter((o): o is RenderedObject => o !== null && typeof o === "object");
  ctx.state.rendered.set(release.name, objects);
  return objects;
}

/** What is wrong with the rendered objects, one line each. */
export function checkObjects(ctx: DeployContext, release: Release, objects: RenderedObject[]): string[] {
  const problems: string[] = [];
  if (objects.length === 0) problems.push(`${release.name}: helm template rendered no objects`);
  for (const o of objects) {
    const id = `${o.kind ?? "?"} ${o.metadata?.name ?? "?"}`;
    if (!o.apiVersion || !o.kind || !o.metadata?.name) {
      problems.push(`${release.name}: an object without apiVersion, kind or metadata.name (${id})`);
      continue;
    }
    const ns = o.metadata.namespace;
    if (ns && ns !== ctx.target.namespace && !CLUSTER_SCOPED.has(o.kind)) problems.push(`${id} is for namespace ${ns}, not ${ctx.target.namespace}`);
    try {
      validateObject(o);
    } catch (err) {
      if (err instanceof UnknownKindError) {
        problems.push(`${id}: ${o.apiVersion} ${o.kind} is not a kind this CLI can validate`);
        continue;
      }
      problems.push(`${id} is not a valid ${o.kind}: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  const images = objects
    .filter((o) => o.kind === "Deployment")
    .flatMap((o) => o.spec?.template?.spec?.containers ?? [])
    .map((c) => (c.image ?? "").replace(/^(docker\.io\/)?(library\/)?/, ""));
  for (const service of release.services) {
    const want = ctx.target.images.find((i) => i.service === service)!;
    if (!images.includes(want.tag)) {
      problems.push(`${release.name}: no Deployment runs ${want.tag} (the chart's images: ${images.join(", ") || "none"}); the build makes ${want.tag}`);
    }
  }
  return problems;
}

async function lintRelease(ctx: DeployContext, release: Release, io: StepIO): Promise<void> {
  io.log(formatCommand("helm", lintArgs(ctx, release)));
  const res = await ctx.runner.run(ctx.helmBin, lintArgs(ctx, release), { probe: true, cwd: ctx.cwd });
  const output = `${res.stdout}\n${res.stderr}`;
  // Helm 4's lint logs a template's `fail` as an INFO line instead of failing: it counts here.
  const errors = output
    .split("\n")
    .filter((l) => /\[ERROR\]|funcMap fail|Error:/.test(l))
    .map((l) => /message="((?:[^"\\]|\\.)*)"/.exec(l)?.[1]?.replace(/\\"/g, '"') ?? l);
  if (res.code !== 0 || errors.length || !/0 chart\(s\) failed/.test(res.stdout)) {
    throw new GateFailure(`helm lint --strict ${release.chart} failed${errors[0] ? `: ${errors[0].trim()}` : ""}`, {
      details: tail(output),
      remediation: CHART_REMEDIATION,
    });
  }
}

export const chartStep: Step<DeployContext> = {
  name: "chart",
  title: "Lint the charts and render their templates",
  async run(ctx, io) {
    const lines: string[] = [];
    for (const release of ctx.target.releases) {
      await buildChartDependencies(ctx, release, io);
      await lintRelease(ctx, release, io);
      io.log(formatCommand("helm", templateArgs(ctx, release)));
      ctx.state.rendered.delete(release.name);
      const objects = await renderRelease(ctx, release);
      const problems = checkObjects(ctx, release, objects);
      if (problems.length) {
        throw new GateFailure(`${release.chart} renders invalid objects: ${problems[0]}`, { details: problems, remediation: CHART_REMEDIATION });
      }
      const kinds = new Map<string, number>();
      for (const o of objects) kinds.set(o.kind!, (kinds.get(o.kind!) ?? 0) + 1);
      lines.push(
        `${release.name} (${release.chart}, ${release.valuesFiles.map((f) => rel(f)).join(" + ") || "values.yaml"}): ${objects.length} objects, ${[...kinds].map(([k, n]) => `${n} ${k}`).join(", ")}`,
      );
    }
    return {
      summary: `${ctx.target.releases.map((r) => r.chart).join(" and ")} lint clean; ${lines.length} release(s) render valid objects in ${ctx.target.namespace}`,
      details: lines,
    };
  },
};
