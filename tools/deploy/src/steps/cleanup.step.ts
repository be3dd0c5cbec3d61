/**
 * `cleanup`: removes what the CLI made. Containers and networks the smoke step left behind (found
 * by their label); the releases (`helm uninstall --wait`, frontend first); then what helm keeps on
 * purpose, the in-cluster database's volume and the Secrets kept with it (its password and the
 * generated BETTER_AUTH_SECRET), unless --keep-data; then the namespace, but only one this CLI
 * created and only when nothing else is left in it (a Secret you made for secret.existingSecret, a
 * volume of yours), waiting until it is gone so that an immediate redeploy does not meet a
 * namespace "being terminated". With --images, the local images of every tag.
 */
import { tail } from "../classify.ts";
import { normalizeImage } from "../cluster.health.ts";
import { clusterFlags, type DeployContext } from "../context.ts";
import { containerEngine } from "../engine.ts";
import type { KubeClient } from "../kube.ts";
import { GateFailure, type Step, type StepIO } from "../pipeline.ts";
import type { Release } from "../target.ts";
import { CREATED_BY_LABEL, clusterRemediation, kubeFailure } from "./release.step.ts";
import { SMOKE_LABEL, removeSmokeLeftovers } from "./smoke.step.ts";

/** What the charts keep on uninstall, by label: the database's volume, and the kept Secrets. */
export function keptSelectors(release: Release): { volumes: string; secrets: string } {
  const instance = `app.kubernetes.io/instance=${release.name}`;
  return {
    volumes: `${instance},app.kubernetes.io/component=database`,
    secrets: `${instance},app.kubernetes.io/part-of=todo-chatbot,app.kubernetes.io/managed-by=Helm`,
  };
}

async function removeImages(ctx: DeployContext, engine: string): Promise<string> {
  const repositories = new Set(ctx.target.images.map((i) => i.tag.split(":")[0]!));
  const listed = await ctx.runner.run(engine, ["images", "--format", "{{.Repository}}:{{.Tag}}"], { probe: true });
  const ours = listed.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.endsWith(":<none>") && repositories.has(normalizeImage(l).split(":")[0]!));
  for (const image of ours) await ctx.runner.run(engine, ["rmi", "--force", image]);
  return `${ours.length} image tag(s) of ${[...repositories].join(" and ")} removed`;
}

async function removeKeptData(ctx: DeployContext, kube: KubeClient, io: StepIO): Promise<string> {
  const ns = ctx.target.namespace;
  const removed: string[] = [];
  for (const release of ctx.target.releases) {
    const selectors = keptSelectors(release);
    for (const claim of await kube.listPersistentVolumeClaims(ns, selectors.volumes)) {
      await kube.deletePersistentVolumeClaim(ns, claim.name);
      removed.push(`PersistentVolumeClaim ${claim.name}`);
    }
    for (const secret of await kube.listSecrets(ns, selectors.secrets)) {
      await kube.deleteSecret(ns, secret.name);
      removed.push(`Secret ${secret.name}`);
    }
  }
  for (const r of removed) io.log(`deleted ${r}`);
  return removed.length ? `the database's data removed (${removed.join(", ")})` : "no kept database data";
}

/** Whether to delete the namespace, and why not. */
async function namespaceVerdict(ctx: DeployContext, kube: KubeClient): Promise<{ remove: boolean; reason: string }> {
  const ns = ctx.target.namespace;
  const state = await kube.readNamespace(ns);
  if (!state) return { remove: false, reason: `namespace ${ns} is not there` };
  const [key, value] = Object.entries(CREATED_BY_LABEL)[0]!;
  if (state.labels[key] !== value) {
    return { remove: false, reason: `namespace ${ns} kept: this CLI did not create it (kubectl delete namespace ${ns} removes it with everything in it)` };
  }
  const secrets = (await kube.listSecrets(ns)).filter((s) => s.type !== "kubernetes.io/service-account-token");
  const volumes = await kube.listPersistentVolumeClaims(ns);
  const left = [...secrets.map((s) => `Secret ${s.name}`), ...volumes.map((v) => `PersistentVolumeClaim ${v.name}`)];
  if (left.length) return { remove: false, reason: `namespace ${ns} kept: it holds ${left.join(", ")}, which this CLI did not make` };
  return { remove: true, reason: "" };
}

async function deleteNamespaceAndWait(ctx: DeployContext, kube: KubeClient, io: StepIO): Promise<void> {
  const ns = ctx.target.namespace;
  await kube.deleteNamespace(ns);
  const deadline = ctx.now() + ctx.settings.readyTimeoutMs;
  while (await kube.readNamespace(ns)) {
    if (ctx.now() >= deadline) {
      throw new GateFailure(`namespace ${ns} is still being deleted after ${Math.round(ctx.settings.readyTimeoutMs / 1000)} s`, {
        transient: true,
        remediation: `kubectl get namespace ${ns} -o yaml shows what holds it (finalizers). A deploy waits for it to be gone by itself.`,
      });
    }
    io.log(`waiting for namespace ${ns} to be gone`);
    await ctx.sleep(ctx.settings.pollMs);
  }
}

export const cleanupStep: Step<DeployContext> = {
  name: "cleanup",
  title: "Remove the releases and leftovers",
  async run(ctx, io) {
    const lines: string[] = [];
    const ns = ctx.target.namespace;
    let engine: Awaited<ReturnType<typeof containerEngine>> | undefined;
    try {
      engine = await containerEngine(ctx);
    } catch {
      io.log("no container engine: no smoke containers to remove");
    }
    if (engine) {
      const ps = await ctx.runner.run(engine, ["ps", "--all", "--quiet", "--filter", `label=${SMOKE_LABEL}`], { probe: true });
      const nets = await ctx.runner.run(engine, ["network", "ls", "--quiet", "--filter", `label=${SMOKE_LABEL}`], { probe: true });
      const leftovers = { containers: ps.stdout.split("\n").filter(Boolean), networks: nets.stdout.split("\n").filter(Boolean) };
      await removeSmokeLeftovers(ctx, engine, leftovers);
      lines.push(`${leftovers.containers.length} smoke container(s) and ${leftovers.networks.length} network(s) removed`);
      if (ctx.settings.removeImages) lines.push(await removeImages(ctx, engine));
    }
    for (const release of [...ctx.target.releases].reverse()) {
      const res = await ctx.runner.run(ctx.helmBin, ["uninstall", release.name, ...clusterFlags(ctx), "--wait", "--timeout", ctx.settings.helmTimeout], {
        onLine: io.log,
      });
      if (res.code !== 0 && !/not found/i.test(res.stderr)) {
        throw new GateFailure(`helm uninstall ${release.name} failed: ${tail(res.stderr, 1)[0] ?? `exit ${res.code}`}`, {
          details: tail(res.stderr),
          remediation: clusterRemediation(ctx),
        });
      }
      lines.push(res.code === 0 ? `${release.name} uninstalled` : `${release.name} was not installed`);
    }
    if (ctx.dryRun) {
      if (!ctx.settings.keepData) io.log(`would delete the releases' database volumes and kept Secrets in ${ns} (Kubernetes API)`);
      if (!ctx.settings.keepNamespace) io.log(`would delete namespace ${ns} if this CLI created it and nothing else is in it, and wait until it is gone`);
      return { summary: lines.join("; "), details: lines, planned: true };
    }
    let kube: KubeClient;
    try {
      kube = ctx.kube();
      lines.push(
        ctx.settings.keepData ? "the database's volume and Secrets kept (--keep-data): a later deploy finds its data" : await removeKeptData(ctx, kube, io),
      );
      // The namespaces a cluster needs are never deleted, whatever the overlay says.
      if (ctx.settings.keepNamespace) lines.push(`namespace ${ns} kept`);
      else if (/^(default|kube-.*)$/.test(ns)) lines.push(`namespace ${ns} kept (a cluster's own namespace)`);
      else {
        const verdict = await namespaceVerdict(ctx, kube);
        if (verdict.remove) {
          await deleteNamespaceAndWait(ctx, kube, io);
          lines.push(`namespace ${ns} deleted`);
        } else lines.push(verdict.reason);
      }
    } catch (err) {
      throw kubeFailure(ctx, `cleaning up namespace ${ns}`, err);
    }
    return { summary: lines.join("; "), details: lines };
  },
};
