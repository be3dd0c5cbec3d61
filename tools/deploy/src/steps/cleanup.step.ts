/**
 * `cleanup`: removes what the CLI made: containers and networks the smoke step left behind (found
 * by their label), the releases (`helm uninstall --wait`, frontend first), the namespace with
 * everything in it, the in-cluster database's volume too (unless --keep-namespace), and with
 * --images the two local images.
 */
import { tail } from "../classify.ts";
import { clusterFlags, type DeployContext } from "../context.ts";
import { containerEngine } from "../engine.ts";
import { GateFailure, type Step } from "../pipeline.ts";
import { clusterRemediation, kubeFailure } from "./release.step.ts";
import { SMOKE_LABEL, removeSmokeLeftovers } from "./smoke.step.ts";

export const cleanupStep: Step<DeployContext> = {
  name: "cleanup",
  title: "Remove the releases and leftovers",
  async run(ctx, io) {
    const lines: string[] = [];
    let engine;
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
      if (ctx.settings.removeImages) {
        for (const image of ctx.target.images) await ctx.runner.run(engine, ["rmi", "--force", image.tag]);
        lines.push(`images ${ctx.target.images.map((i) => i.tag).join(", ")} removed`);
      }
    }
    for (const release of [...ctx.target.releases].reverse()) {
      const res = await ctx.runner.run(ctx.helmBin, ["uninstall", release.name, ...clusterFlags(ctx), "--wait", "--timeout", ctx.settings.helmTimeout], { onLine: io.log });
      if (res.code !== 0 && !/not found/i.test(res.stderr)) {
        throw new GateFailure(`helm uninstall ${release.name} failed: ${tail(res.stderr, 1)[0] ?? `exit ${res.code}`}`, { details: tail(res.stderr), remediation: clusterRemediation(ctx) });
      }
      lines.push(res.code === 0 ? `${release.name} uninstalled` : `${release.name} was not installed`);
    }
    // The namespaces a cluster needs are never deleted, whatever the overlay says.
    if (!ctx.settings.keepNamespace && /^(default|kube-.*)$/.test(ctx.target.namespace)) {
      lines.push(`namespace ${ctx.target.namespace} kept (a cluster's own namespace)`);
    } else if (!ctx.settings.keepNamespace) {
      if (ctx.dryRun) io.log(`would delete namespace ${ctx.target.namespace} (Kubernetes API)`);
      else {
        try {
          await ctx.kube().deleteNamespace(ctx.target.namespace);
        } catch (err) {
          throw kubeFailure(ctx, `deleting namespace ${ctx.target.namespace}`, err);
        }
      }
      lines.push(`namespace ${ctx.target.namespace} deleted (with the database volume, if any)`);
    }
    return { summary: lines.join("; "), details: lines, planned: ctx.dryRun };
  },
};
