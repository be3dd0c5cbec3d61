/**
 * `status`: each release's state as helm records it (`helm status -o json`, read-only). Gate: every
 * release exists and is deployed. The command runs it before the monitor step's health report.
 */
import { classifyOutput, tail } from "../classify.ts";
import { clusterFlags, type DeployContext } from "../context.ts";
import { GateFailure, type Step } from "../pipeline.ts";
import { clusterRemediation } from "./release.step.ts";

interface HelmStatus {
  name: string;
  version: number;
  info?: { status?: string; description?: string; last_deployed?: string };
  chart?: { metadata?: { version?: string; appVersion?: string } };
}

export const statusStep: Step<DeployContext> = {
  name: "status",
  title: "Read the releases' status",
  async run(ctx, io) {
    const lines: string[] = [];
    const problems: string[] = [];
    for (const release of ctx.target.releases) {
      const res = await ctx.runner.run(ctx.helmBin, ["status", release.name, ...clusterFlags(ctx), "-o", "json"], { probe: true });
      if (res.code !== 0) {
        if (/release: not found/i.test(res.stderr)) {
          problems.push(`${release.name} is not installed in ${ctx.target.namespace}`);
          continue;
        }
        const c = classifyOutput(res.stderr);
        throw new GateFailure(`helm status ${release.name}: ${tail(res.stderr, 1)[0] ?? `exit ${res.code}`}`, {
          transient: c.transient,
          details: tail(res.stderr),
          remediation: clusterRemediation(ctx),
        });
      }
      if (ctx.dryRun && !res.stdout) continue;
      const s = JSON.parse(res.stdout) as HelmStatus;
      const line = `${s.name}: revision ${s.version} ${s.info?.status ?? "?"} (${s.info?.description ?? ""}, app ${s.chart?.metadata?.appVersion ?? "?"}, ${s.info?.last_deployed ?? ""})`;
      lines.push(line);
      io.log(line);
      if (s.info?.status !== "deployed") problems.push(`${s.name} is ${s.info?.status ?? "in an unknown state"}`);
    }
    if (problems.length) {
      throw new GateFailure(problems.join("; "), {
        details: lines,
        remediation: problems.some((p) => p.includes("not installed"))
          ? `Install it: npm run deploy -- all (or release). Wrong namespace or cluster? Use --values/--namespace/--context.`
          : `A failed or pending release: npm run deploy -- rollback returns to the last deployed revision; helm history ${ctx.target.releases[0]!.name} -n ${ctx.target.namespace} lists them.`,
      });
    }
    return { summary: lines.join("; ") || "status read", details: lines };
  },
};
