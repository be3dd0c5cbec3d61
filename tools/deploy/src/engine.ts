/**
 * The container engine: docker when its daemon answers, else podman (a docker CLI without a
 * daemon is common, and is not an engine). Asked once per run; --engine skips the question.
 */
import type { DeployContext, Engine } from "./context.ts";
import { GateFailure } from "./pipeline.ts";

async function answers(ctx: DeployContext, engine: Engine): Promise<boolean> {
  const format = engine === "docker" ? "{{.ServerVersion}}" : "{{.Version.Version}}";
  const res = await ctx.runner.run(engine, ["info", "--format", format], { probe: true, timeoutMs: 20_000 });
  return res.code === 0;
}

export async function containerEngine(ctx: DeployContext): Promise<Engine> {
  if (ctx.state.engine) return ctx.state.engine;
  const candidates: Engine[] = ctx.settings.engine ? [ctx.settings.engine] : ["docker", "podman"];
  for (const engine of candidates) {
    if (await answers(ctx, engine)) {
      ctx.state.engine = engine;
      return engine;
    }
  }
  // A dry run on a machine without an engine still shows the plan, with the engine asked for or docker.
  if (ctx.dryRun) return (ctx.state.engine = ctx.settings.engine ?? "docker");
  throw new GateFailure(
    ctx.settings.engine
      ? `${ctx.settings.engine} does not answer (${ctx.settings.engine} info failed)`
      : "no container engine: neither docker nor podman answers",
    {
      remediation:
        "Install and start Docker (Docker Desktop, or the docker service) or Podman, then run this again. A docker CLI alone is not enough: `docker info` must reach a daemon. Choose one with --engine docker|podman.",
    },
  );
}

/** `podman build` needs --format docker, or the image loses its HEALTHCHECK. */
export function buildArgs(engine: Engine, dockerfile: string, tag: string): string[] {
  return engine === "podman" ? ["build", "--format", "docker", "-f", dockerfile, "-t", tag, "."] : ["build", "-f", dockerfile, "-t", tag, "."];
}
