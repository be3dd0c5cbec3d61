/**
 * Step 5, monitor: a health report read through the Kubernetes API: pods (Ready, restarts, waiting
 * states), Deployments, Warning events of the release's objects, resource use from metrics.k8s.io
 * against the containers' limits (when the metrics API is installed), and the health routes of
 * @todo/contracts through each Service (via the API server's service proxy), and which build each
 * pod runs. Gate (seed 004): resource use under the limits, no crash-looping pod, no warning events
 * (a probe that failed once or twice on a pod that is Ready again is a note), routes healthy, and
 * after a release in the same run, every app pod on the new images.
 */
import { backendService, frontendService } from "@todo/contracts";
import { classifyApiError } from "../classify.ts";
import { assessHealth, remediationFor, type HealthReport, type RouteCheck } from "../cluster.health.ts";
import type { DeployContext } from "../context.ts";
import type { KubeClient } from "../kube.ts";
import { GateFailure, type Step } from "../pipeline.ts";
import { expectedImages, kubeFailure } from "./release.step.ts";

interface RouteSpec {
  service: string;
  port: number;
  path: string;
}

export function routeSpecs(ctx: DeployContext): RouteSpec[] {
  return ctx.target.releases.flatMap((r) =>
    r.services.flatMap((s): RouteSpec[] => {
      const name = r.serviceNames[s]!;
      return s === "backend"
        ? [backendService.health.full, backendService.health.ready].map((path) => ({ service: name, port: backendService.port, path }))
        : [frontendService.health.live, frontendService.health.ready].map((path) => ({ service: name, port: frontendService.port, path }));
    }),
  );
}

async function checkRoute(kube: KubeClient, namespace: string, r: RouteSpec): Promise<RouteCheck> {
  try {
    const res = await kube.getThroughService(namespace, r.service, r.port, r.path);
    if (r.path === backendService.health.full && res.status === 200 && !/"status"\s*:\s*"healthy"/.test(res.body)) {
      return { service: r.service, path: r.path, status: 599, body: res.body, transient: false };
    }
    return { service: r.service, path: r.path, status: res.status, body: res.status >= 300 ? res.body : undefined };
  } catch (err) {
    return { service: r.service, path: r.path, error: (err as Error).message, transient: classifyApiError(err).transient };
  }
}

/** Reads everything the report needs. Errors reading the cluster itself become gate failures. */
export async function readHealth(ctx: DeployContext): Promise<HealthReport> {
  const kube = ctx.kube();
  const ns = ctx.target.namespace;
  const selectors = ctx.target.releases.map((r) => `app.kubernetes.io/instance=${r.name}`);
  try {
    const [pods, deployments, events, metrics] = await Promise.all([
      Promise.all(selectors.map((s) => kube.listPods(ns, s))).then((l) => l.flat()),
      Promise.all(selectors.map((s) => kube.listDeployments(ns, s))).then((l) => l.flat()),
      kube.listEvents(ns),
      kube.podMetrics(ns).catch(() => undefined),
    ]);
    const routes: RouteCheck[] = [];
    for (const spec of routeSpecs(ctx)) routes.push(await checkRoute(kube, ns, spec));
    return assessHealth(
      { pods, deployments, events, metrics, routes },
      {
        namePrefixes: ctx.target.releases.map((r) => r.name),
        since: new Date(ctx.now() - ctx.settings.eventWindowMs),
        // After this run's release, a pod on another build means the release did not roll; on
        // its own (monitor, status) it only says the cluster runs another build than this checkout.
        expectedImages: expectedImages(ctx.target),
        imageMismatch: ctx.state.upgraded.length > 0 ? "problem" : "note",
      },
    );
  } catch (err) {
    throw kubeFailure(ctx, `reading the release in ${ns}`, err);
  }
}

/** The report as aligned lines: a pod table, then notes. */
export function formatReport(report: HealthReport): string[] {
  const head = ["POD", "PHASE", "READY", "RESTARTS", "STATE", "CPU", "MEMORY"];
  const rows = report.pods.map((p) => [p.name, p.phase, p.ready, String(p.restarts), p.state, p.cpu ?? "-", p.memory ?? "-"]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [fmt(head), ...rows.map(fmt), ...report.notes.map((n) => `note: ${n}`)];
}

export const monitorStep: Step<DeployContext> = {
  name: "monitor",
  title: "Check the cluster's health",
  async run(ctx, io) {
    if (ctx.dryRun) {
      const ns = ctx.target.namespace;
      io.log(`would read pods, deployments, events and metrics.k8s.io pods in ${ns}`);
      for (const r of routeSpecs(ctx)) io.log(`would GET ${r.path} through Service ${r.service}:${r.port} (API server proxy)`);
      return { summary: `would read the release's pods, events, metrics and health routes in ${ns}`, planned: true };
    }
    const report = await readHealth(ctx);
    const table = formatReport(report);
    for (const line of table) io.log(line);
    if (report.problems.length) {
      throw new GateFailure(`${report.problems.length} problem(s): ${report.problems[0]!.message}`, {
        transient: report.problems.every((p) => p.transient),
        details: [...report.problems.map((p) => p.message), ...table],
        remediation: [...new Set(report.problems.map((p) => remediationFor(p.kind, ctx.target)))].join(" "),
      });
    }
    const restarts = report.pods.reduce((n, p) => n + p.restarts, 0);
    const routes = routeSpecs(ctx).length;
    return {
      summary: `${report.pods.length} pods Ready, ${restarts} restarts, no warning events, ${routes} health routes OK${report.notes.length ? ` (${report.notes.length} note(s))` : ""}`,
      details: table,
    };
  },
};
