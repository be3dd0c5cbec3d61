/**
 * `rollback`: each release back to a revision (--revision N, or the one before the current), the
 * frontend first in the split layout, then waits for the pods as the release step does.
 */
import { tail } from "../classify.ts";
import { clusterFlags, type DeployContext } from "../context.ts";
import { GateFailure, type Step } from "../pipeline.ts";
import { clusterRemediation, waitForPods } from "./release.step.ts";

export const rollbackStep: Step<DeployContext> = {
  name: "rollback",
  title: "Roll the releases back",
  async run(ctx, io) {
    const lines: string[] = [];
    for (const release of [...ctx.target.releases].reverse()) {
      const revision = ctx.settings.rollbackTo === undefined ? [] : [String(ctx.settings.rollbackTo)];
      const res = await ctx.runner.run(
        ctx.helmBin,
        ["rollback", release.name, ...revision, ...clusterFlags(ctx), "--wait", "--timeout", ctx.settings.helmTimeout],
        { onLine: io.log },
      );
      if (res.code !== 0) {
        throw new GateFailure(`helm rollback ${release.name} failed: ${tail(res.stderr, 1)[0] ?? `exit ${res.code}`}`, {
          details: tail(res.stderr),
          remediation: /not found|no revision/i.test(res.stderr)
            ? `There is no such release or revision: helm history ${release.name} -n ${ctx.target.namespace} lists the revisions; pick one with --revision N.`
            : clusterRemediation(ctx),
        });
      }
      lines.push(`${release.name} rolled back${revision.length ? ` to revision ${revision[0]}` : " to its previous revision"}`);
    }
    if (ctx.dryRun) return { summary: lines.join("; "), planned: true };
    lines.push(await waitForPods(ctx, ctx.target.releases, io));
    return { summary: lines.join("; "), details: lines };
  },
};
