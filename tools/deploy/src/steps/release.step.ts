/**
 * Step 4, release: `helm upgrade --install --create-namespace --wait` of each release in order
 * (seed 004's split layout installs the backend first: it owns the namespace's quota). Gate (seed
 * 004): all pods Running and Ready, read through the Kubernetes API, and the health checks pass
 * (`helm test`: a pod per service calls its live and ready routes through the Service, from inside
 * the cluster, where the NetworkPolicies admit it). When the step finally fails, each release it
 * touched goes back to its last deployed revision; a failed first install is left for debugging.
 */
import { classifyApiError, classifyOutput, tail } from "../classify.ts";
import { assessHealth, remediationFor, type Problem } from "../cluster.health.ts";
import { clusterFlags, type DeployContext } from "../context.ts";
import { GateFailure, type Step, type StepIO } from "../pipeline.ts";
import { rel, type Release } from "../target.ts";
import { renderRelease, valuesFlags } from "./chart.step.ts";

export interface HistoryEntry {
  revision: number;
  status: string;
  chart?: string;
  app_version?: string;
  description?: string;
  updated?: string;
}

export interface History {
  exists: boolean;
  entries: HistoryEntry[];
  /** The newest revision whose status is deployed: what a rollback returns to. */
  lastDeployed?: number;
}

/** Reads `helm history -o json` (a read-only probe). "release: not found" is a first install. */
export async function helmHistory(ctx: DeployContext, release: Release): Promise<History> {
  const res = await ctx.runner.run(ctx.helmBin, ["history", release.name, ...clusterFlags(ctx), "--max", "20", "-o", "json"], { probe: true });
  if (res.code !== 0) {
    if (/release: not found/i.test(res.stderr)) return { exists: false, entries: [] };
    const c = classifyOutput(res.stderr);
    throw new GateFailure(`cannot read the history of ${release.name}: ${tail(res.stderr, 1)[0] ?? `helm exited ${res.code}`}`, {
      transient: c.transient,
      details: tail(res.stderr),
      remediation: clusterRemediation(ctx),
    });
  }
  const entries = (JSON.parse(res.stdout || "[]") as HistoryEntry[]).sort((a, b) => a.revision - b.revision);
  const deployed = entries.filter((e) => e.status === "deployed").at(-1);
  return { exists: entries.length > 0, entries, lastDeployed: deployed?.revision };
}

export function clusterRemediation(ctx: DeployContext): string {
  const context = ctx.target.context ? `--kube-context ${ctx.target.context}` : "the current kubeconfig context";
  return `Is the cluster running and reachable with ${context}? minikube status (start it with minikube start --cpus=2 --memory=4096), then kubectl cluster-info. Choose another cluster with --context.`;
}

/**
 * With the in-cluster database the migration Job is a post-install hook: on a first install, a
 * `--wait` for all resources would wait for a backend that is ready only after that hook
 * (deploy/README.md, Troubleshooting). Such an install runs without --wait; the gate waits instead.
 */
export function needsWait(objects: { kind?: string; metadata?: { annotations?: Record<string, string> } }[], firstInstall: boolean): boolean {
  if (!firstInstall) return true;
  return !objects.some((o) => o.kind === "Job" && (o.metadata?.annotations?.["helm.sh/hook"] ?? "").split(",").includes("post-install"));
}

export function upgradeArgs(ctx: DeployContext, release: Release, wait: boolean): string[] {
  return [
    "upgrade", "--install", release.name, rel(release.chartDir),
    ...clusterFlags(ctx), "--create-namespace",
    ...valuesFlags(release),
    ...(wait ? ["--wait"] : []),
    "--timeout", ctx.settings.helmTimeout,
  ];
}

function upgradeRemediation(ctx: DeployContext, release: Release, reason: string): string {
  if (reason === "another helm operation in progress")
    return `An earlier helm run on ${release.name} was interrupted. Look with helm history ${release.name} -n ${ctx.target.namespace}, then npm run deploy -- rollback (or helm rollback ${release.name} <revision> -n ${ctx.target.namespace}).`;
  if (reason === "invalid value" || reason === "chart does not render") return "A value is invalid for the chart: fix it in your overlay or values-local.yaml; npm run deploy -- chart checks it without a cluster.";
  if (reason === "refused by the cluster's policy") return `The cluster refused an object (quota or permissions). kubectl describe quota -n ${ctx.target.namespace} shows the quota; seed 004's overlay needs about 4 CPU of requests during an upgrade.`;
  if (reason === "image not available to the cluster") return remediationFor("image", ctx.target);
  if (reason === "timed out waiting")
    return `Pods did not become ready in ${ctx.settings.helmTimeout}. kubectl get pods -n ${ctx.target.namespace} and kubectl describe pod show why; on a slow first start, raise --timeout.${release.services.includes("backend") ? ` The migration Job's log: kubectl logs -n ${ctx.target.namespace} job/${release.serviceNames.backend}-migrate.` : ""}`;
  if (reason === "cluster unreachable" || reason === "connection refused" || reason === "network timeout") return clusterRemediation(ctx);
  return `Read helm's message above. helm status ${release.name} -n ${ctx.target.namespace} and kubectl get events -n ${ctx.target.namespace} tell more.`;
}

async function upgrade(ctx: DeployContext, release: Release, io: StepIO): Promise<string> {
  let history: History;
  try {
    history = await helmHistory(ctx, release);
  } catch (err) {
    // A dry run may have no cluster to ask: it plans a first install and says so.
    if (!ctx.dryRun) throw err;
    io.log(`${(err as Error).message}; planning a first install`);
    history = { exists: false, entries: [] };
  }
  ctx.state.previousRevision.set(release.name, history.lastDeployed);
  const objects = await renderRelease(ctx, release);
  // Only failed revisions so far: helm installs afresh, and the post-install hook runs again.
  const neverDeployed = !history.entries.some((e) => e.status === "deployed" || e.status === "superseded");
  const wait = needsWait(objects, neverDeployed);
  if (!wait) io.log(`${release.name}: first install with the in-cluster database: installing without --wait (the migration hook runs after it); waiting for the pods below`);
  const args = upgradeArgs(ctx, release, wait);
  ctx.state.upgraded.push(release.name);
  const res = await ctx.runner.run(ctx.helmBin, args, { onLine: io.log, timeoutMs: 60 * 60_000 });
  if (res.code !== 0) {
    const c = classifyOutput(`${res.stderr}\n${res.stdout}`);
    throw new GateFailure(`helm upgrade --install ${release.name} failed (${c.reason}): ${tail(res.stderr, 1)[0] ?? `exit ${res.code}`}`, {
      transient: c.transient,
      details: tail(`${res.stdout}\n${res.stderr}`),
      remediation: upgradeRemediation(ctx, release, c.reason),
    });
  }
  const revision = /REVISION:\s*(\d+)/.exec(res.stdout)?.[1];
  return `${release.name} revision ${revision ?? "?"}${history.exists ? ` (was ${history.lastDeployed ?? "none deployed"})` : " (first install)"}`;
}

function selector(release: Release): string {
  return `app.kubernetes.io/instance=${release.name}`;
}

/** Kubernetes API errors as gate failures: transient when the cluster is only not answering yet. */
export function kubeFailure(ctx: DeployContext, what: string, err: unknown): GateFailure {
  if (err instanceof GateFailure) return err;
  const c = classifyApiError(err);
  return new GateFailure(`${what}: ${(err as Error)?.message ?? String(err)}`, { transient: c.transient, remediation: clusterRemediation(ctx) });
}

/** Polls pods and Deployments until all are Ready; stops early on a problem waiting cannot fix. */
export async function waitForPods(ctx: DeployContext, releases: Release[], io: StepIO): Promise<string> {
  const kube = ctx.kube();
  const deadline = ctx.now() + ctx.settings.readyTimeoutMs;
  let last: Problem[] = [];
  for (;;) {
    let pods;
    let deployments;
    try {
      pods = (await Promise.all(releases.map((r) => kube.listPods(ctx.target.namespace, selector(r))))).flat();
      deployments = (await Promise.all(releases.map((r) => kube.listDeployments(ctx.target.namespace, selector(r))))).flat();
    } catch (err) {
      throw kubeFailure(ctx, `reading pods in ${ctx.target.namespace}`, err);
    }
    const report = assessHealth({ pods, deployments }, { namePrefixes: releases.map((r) => r.name), since: new Date(0) });
    const permanent = report.problems.filter((p) => !p.transient);
    if (permanent.length) {
      throw new GateFailure(`${permanent[0]!.message}`, {
        details: report.problems.map((p) => p.message),
        remediation: [...new Set(permanent.map((p) => remediationFor(p.kind, ctx.target)))].join(" "),
      });
    }
    if (report.problems.length === 0) return `${report.pods.length} pods Running and Ready`;
    if (report.problems.map((p) => p.message).join() !== last.map((p) => p.message).join()) io.log(report.problems.map((p) => p.message).join("; "));
    last = report.problems;
    if (ctx.now() >= deadline) {
      throw new GateFailure(`pods not Ready after ${Math.round(ctx.settings.readyTimeoutMs / 1000)} s: ${last[0]?.message ?? ""}`, {
        transient: true,
        details: last.map((p) => p.message),
        remediation: remediationFor("not-ready", ctx.target),
      });
    }
    await ctx.sleep(ctx.settings.pollMs);
  }
}

async function helmTest(ctx: DeployContext, release: Release, io: StepIO): Promise<void> {
  const res = await ctx.runner.run(ctx.helmBin, ["test", release.name, ...clusterFlags(ctx), "--timeout", "2m", "--logs"], { onLine: io.log });
  if (res.code !== 0) {
    const c = classifyOutput(`${res.stderr}\n${res.stdout}`);
    throw new GateFailure(`helm test ${release.name} failed: a health route did not answer through its Service`, {
      transient: c.transient,
      details: tail(`${res.stdout}\n${res.stderr}`),
      remediation: remediationFor("route", ctx.target),
    });
  }
}

export type RollbackDecision = { action: "rollback"; revision: number; reason: string } | { action: "keep"; reason: string };

/**
 * The rollback decision for a release this run tried to upgrade, from the last revision deployed
 * before the run and the newest revision after it:
 * - a first install has nothing to go back to: keep it (status failed) so its pods, events and
 *   logs can be read; `cleanup` removes it;
 * - no new revision (helm stopped before changing anything, e.g. an invalid value): nothing to undo;
 * - otherwise (a failed revision, or a deployed one whose pods are not healthy): back to the
 *   revision that was deployed before.
 */
export function decideRollback(previous: number | undefined, latest: HistoryEntry | undefined): RollbackDecision {
  if (previous === undefined) return { action: "keep", reason: "first install: nothing to roll back to; left in place for debugging (npm run deploy -- cleanup removes it)" };
  if (!latest || latest.revision <= previous) return { action: "keep", reason: `unchanged at revision ${previous}: nothing to roll back` };
  return { action: "rollback", revision: previous, reason: `revision ${latest.revision} is ${latest.status}` };
}

export const releaseStep: Step<DeployContext> = {
  name: "release",
  title: "Install or upgrade the release",
  async run(ctx, io) {
    ctx.state.upgraded = [];
    const lines: string[] = [];
    for (const release of ctx.target.releases) lines.push(await upgrade(ctx, release, io));
    if (ctx.dryRun) {
      for (const release of ctx.target.releases) await helmTest(ctx, release, io);
      return { summary: `would install or upgrade ${ctx.target.releases.map((r) => r.name).join(", ")} in ${ctx.target.namespace}, wait for Ready pods and run helm test`, details: lines, planned: true };
    }
    lines.push(await waitForPods(ctx, ctx.target.releases, io));
    for (const release of ctx.target.releases) await helmTest(ctx, release, io);
    lines.push(`helm test passed for ${ctx.target.releases.map((r) => r.name).join(", ")}`);
    return { summary: lines.join("; "), details: lines };
  },
  async onFailure(ctx, _failure, io) {
    if (ctx.dryRun) return undefined;
    const done: string[] = [];
    // The backend owns the namespace's quota in the split layout: undo in reverse order.
    for (const name of [...ctx.state.upgraded].reverse()) {
      const release = ctx.target.releases.find((r) => r.name === name)!;
      let latest: HistoryEntry | undefined;
      try {
        latest = (await helmHistory(ctx, release)).entries.at(-1);
      } catch (err) {
        done.push(`${name}: not rolled back, its history could not be read (${(err as Error).message})`);
        continue;
      }
      const decision = decideRollback(ctx.state.previousRevision.get(name), latest);
      if (decision.action === "keep") {
        done.push(`${name}: ${decision.reason}`);
        continue;
      }
      io.log(`rolling back ${name} to revision ${decision.revision} (${decision.reason})`);
      const res = await ctx.runner.run(ctx.helmBin, ["rollback", name, String(decision.revision), ...clusterFlags(ctx), "--wait", "--timeout", ctx.settings.helmTimeout], { onLine: io.log });
      done.push(res.code === 0 ? `${name}: rolled back to revision ${decision.revision} (${decision.reason})` : `${name}: rollback to revision ${decision.revision} FAILED: ${tail(res.stderr, 1)[0] ?? `exit ${res.code}`}`);
    }
    return done.length ? done.join("; ") : undefined;
  },
};
