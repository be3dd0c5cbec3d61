/**
 * Step 4, release: the namespace, labelled to enforce the restricted Pod Security profile, then
 * `helm upgrade --install --wait` of each release in order (seed 004's split layout installs the
 * backend first: it owns the namespace's quota) with the build's image tag. Gate (seed 004): all
 * pods Running, Ready and on the new images, read through the Kubernetes API, and the health
 * checks pass (`helm test`: a pod per service calls its live and ready routes through the Service,
 * from inside the cluster, where the NetworkPolicies admit it). When the step finally fails, each
 * release it touched goes back to its last deployed revision; a failed first install is left for
 * debugging.
 */
import { classifyApiError, classifyOutput, tail } from "../classify.ts";
import { assessHealth, remediationFor, type AssessOptions, type Problem } from "../cluster.health.ts";
import { clusterFlags, type DeployContext } from "../context.ts";
import { GateFailure, type Step, type StepIO } from "../pipeline.ts";
import { rel, type Release, type Target } from "../target.ts";
import { buildChartDependencies, valuesFlags } from "./chart.step.ts";

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
 * Always --wait: the backend waits for its database and migrates itself at start-up, so it becomes
 * ready before the migration hook that runs after the release's objects (with the in-cluster
 * database): nothing waits for something that comes after it.
 */
export function upgradeArgs(ctx: DeployContext, release: Release): string[] {
  return [
    "upgrade",
    "--install",
    release.name,
    rel(release.chartDir),
    ...clusterFlags(ctx),
    "--create-namespace",
    ...valuesFlags(release, ctx.target),
    "--wait",
    "--timeout",
    ctx.settings.helmTimeout,
  ];
}

/** The labels a namespace of ours carries: Pod Security enforces what the charts' pods satisfy. */
export const NAMESPACE_LABELS = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": "latest",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/audit": "restricted",
} as const;
/** Marks a namespace this CLI created, so cleanup deletes only those. */
export const CREATED_BY_LABEL = { "app.kubernetes.io/created-by": "todo-deploy-cli" } as const;

/**
 * The namespace, before helm: `--create-namespace` makes one with no labels, so Pod Security's
 * "restricted" profile would never be enforced. A namespace still being deleted (an earlier
 * cleanup) is waited for rather than reported as a quota or permission problem. An existing
 * namespace gets the enforce label unless it already has one of its own (then it is left alone
 * and the summary says so).
 */
export async function ensureNamespace(ctx: DeployContext, io: StepIO): Promise<string> {
  const ns = ctx.target.namespace;
  if (ctx.dryRun) {
    io.log(`would create namespace ${ns} (or label it) with pod-security.kubernetes.io/enforce=restricted (Kubernetes API)`);
    return `namespace ${ns}: would enforce Pod Security "restricted"`;
  }
  const kube = ctx.kube();
  const deadline = ctx.now() + ctx.settings.readyTimeoutMs;
  try {
    for (;;) {
      const state = await kube.readNamespace(ns);
      if (!state) {
        await kube.createNamespace(ns, { ...NAMESPACE_LABELS, ...CREATED_BY_LABEL });
        return `namespace ${ns} created, enforcing Pod Security "restricted"`;
      }
      if (state.phase === "Terminating") {
        if (ctx.now() >= deadline) {
          throw new GateFailure(`namespace ${ns} is still being deleted after ${Math.round(ctx.settings.readyTimeoutMs / 1000)} s`, {
            transient: true,
            remediation: `kubectl get namespace ${ns} -o yaml shows what holds it (finalizers, remaining objects: kubectl api-resources --verbs=list --namespaced -o name | xargs -n1 kubectl get -n ${ns}). Run again once it is gone.`,
          });
        }
        io.log(`namespace ${ns} is still being deleted (an earlier cleanup); waiting`);
        await ctx.sleep(ctx.settings.pollMs);
        continue;
      }
      const enforce = state.labels["pod-security.kubernetes.io/enforce"];
      if (enforce === "restricted") return `namespace ${ns} enforces Pod Security "restricted"`;
      if (enforce) return `namespace ${ns} keeps its own Pod Security level "${enforce}" (the charts' pods satisfy "restricted")`;
      await kube.labelNamespace(ns, { ...NAMESPACE_LABELS });
      return `namespace ${ns} labelled to enforce Pod Security "restricted"`;
    }
  } catch (err) {
    throw kubeFailure(ctx, `preparing namespace ${ns}`, err);
  }
}

function upgradeRemediation(ctx: DeployContext, release: Release, reason: string): string {
  if (reason === "another helm operation in progress")
    return `An earlier helm run on ${release.name} was interrupted. Look with helm history ${release.name} -n ${ctx.target.namespace}, then npm run deploy -- rollback (or helm rollback ${release.name} <revision> -n ${ctx.target.namespace}).`;
  if (reason === "invalid value" || reason === "chart does not render")
    return "A value is invalid for the chart: fix it in your overlay or values-local.yaml; npm run deploy -- chart checks it without a cluster.";
  if (reason === "refused by the cluster's policy")
    return `The cluster refused an object (quota or permissions). kubectl describe quota -n ${ctx.target.namespace} shows the quota; seed 004's overlay needs about 4 CPU of requests during an upgrade.`;
  if (reason === "image not available to the cluster") return remediationFor("image", ctx.target);
  if (reason === "namespace being deleted")
    return `Namespace ${ctx.target.namespace} is still being deleted (an earlier cleanup); run again once kubectl get namespace ${ctx.target.namespace} says NotFound.`;
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
  await buildChartDependencies(ctx, release, io);
  const args = upgradeArgs(ctx, release);
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
  return `${release.name} revision ${revision ?? "?"} with images ${ctx.target.imageTag}${history.exists ? ` (was ${history.lastDeployed ?? "none deployed"})` : " (first install)"}`;
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

/** The image each app component of the target runs: the build's tag. */
export function expectedImages(target: Target): Record<string, string> {
  return Object.fromEntries(target.images.map((i) => [i.service, i.tag]));
}

/**
 * Polls pods and Deployments until all are Ready (on `images`, when given: the pods of a new build
 * replace the old ones); stops early on a problem waiting cannot fix. Restarts of the backend
 * while the release's database is not Ready yet are waited out, not judged.
 */
export async function waitForPods(ctx: DeployContext, releases: Release[], io: StepIO, images?: Record<string, string>): Promise<string> {
  const kube = ctx.kube();
  const deadline = ctx.now() + ctx.settings.readyTimeoutMs;
  let last: Problem[] = [];
  for (;;) {
    let pods: Awaited<ReturnType<typeof kube.listPods>>;
    let deployments: Awaited<ReturnType<typeof kube.listDeployments>>;
    try {
      pods = (await Promise.all(releases.map((r) => kube.listPods(ctx.target.namespace, selector(r))))).flat();
      deployments = (await Promise.all(releases.map((r) => kube.listDeployments(ctx.target.namespace, selector(r))))).flat();
    } catch (err) {
      throw kubeFailure(ctx, `reading pods in ${ctx.target.namespace}`, err);
    }
    const opts: AssessOptions = { namePrefixes: releases.map((r) => r.name), since: new Date(0), tolerateRestartsWhileDatabaseStarts: true };
    if (images) Object.assign(opts, { expectedImages: images, imageMismatch: "transient" });
    const report = assessHealth({ pods, deployments }, opts);
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

/**
 * `helm test` without --logs: Helm 3 (before 4.1) deletes a passed test pod (hook-succeeded) before
 * reading its log and then fails the whole command. The log of a failed test pod, which the
 * delete policy keeps, is read here through the Kubernetes API instead.
 */
async function helmTest(ctx: DeployContext, release: Release, io: StepIO): Promise<void> {
  const res = await ctx.runner.run(ctx.helmBin, ["test", release.name, ...clusterFlags(ctx), "--timeout", "2m"], { onLine: io.log });
  if (res.code !== 0) {
    const c = classifyOutput(`${res.stderr}\n${res.stdout}`);
    throw new GateFailure(`helm test ${release.name} failed: a health route did not answer through its Service`, {
      transient: c.transient,
      details: [...tail(`${res.stdout}\n${res.stderr}`), ...(await testPodLogs(ctx, release))],
      remediation: remediationFor("route", ctx.target),
    });
  }
}

/** The logs of the release's test pods that are still there (the failed ones), line by line. */
async function testPodLogs(ctx: DeployContext, release: Release): Promise<string[]> {
  if (ctx.dryRun) return [];
  try {
    const kube = ctx.kube();
    const pods = await kube.listPods(ctx.target.namespace, `${selector(release)},app.kubernetes.io/component=test`);
    const lines: string[] = [];
    for (const pod of pods) {
      const name = pod.metadata?.name ?? "?";
      const log = await kube.readPodLog(ctx.target.namespace, name).catch((err: Error) => `(log not readable: ${err.message})`);
      lines.push(`log of ${name} (${pod.status?.phase ?? "?"}):`, ...tail(log, 20).map((l) => `  ${l}`));
    }
    return lines;
  } catch (err) {
    return [`(test pods not readable: ${(err as Error).message})`];
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
  if (previous === undefined)
    return { action: "keep", reason: "first install: nothing to roll back to; left in place for debugging (npm run deploy -- cleanup removes it)" };
  if (!latest || latest.revision <= previous) return { action: "keep", reason: `unchanged at revision ${previous}: nothing to roll back` };
  return { action: "rollback", revision: previous, reason: `revision ${latest.revision} is ${latest.status}` };
}

export const releaseStep: Step<DeployContext> = {
  name: "release",
  title: "Install or upgrade the release",
  async run(ctx, io) {
    ctx.state.upgraded = [];
    const lines: string[] = [await ensureNamespace(ctx, io)];
    for (const release of ctx.target.releases) lines.push(await upgrade(ctx, release, io));
    if (ctx.dryRun) {
      for (const release of ctx.target.releases) await helmTest(ctx, release, io);
      return {
        summary: `would install or upgrade ${ctx.target.releases.map((r) => r.name).join(", ")} in ${ctx.target.namespace}, wait for Ready pods and run helm test`,
        details: lines,
        planned: true,
      };
    }
    lines.push(await waitForPods(ctx, ctx.target.releases, io, expectedImages(ctx.target)));
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
      const res = await ctx.runner.run(
        ctx.helmBin,
        ["rollback", name, String(decision.revision), ...clusterFlags(ctx), "--wait", "--timeout", ctx.settings.helmTimeout],
        { onLine: io.log },
      );
      done.push(
        res.code === 0
          ? `${name}: rolled back to revision ${decision.revision} (${decision.reason})`
          : `${name}: rollback to revision ${decision.revision} FAILED: ${tail(res.stderr, 1)[0] ?? `exit ${res.code}`}`,
      );
    }
    return done.length ? done.join("; ") : undefined;
  },
};
