/**
 * Step 2, smoke: both containers on their own network as in the cluster (the backend reachable as
 * todo-backend, read-only root, tmpfs where they write, no capabilities), ports published on
 * 127.0.0.1 only. Gate (seed 004): the containers start and their health checks pass: the image's
 * HEALTHCHECK, and the health routes of @todo/contracts over HTTP. Always removes what it started.
 */
import { randomBytes } from "node:crypto";
import { backendService, frontendService } from "@todo/contracts";
import { tail } from "../classify.ts";
import type { DeployContext, Engine } from "../context.ts";
import { containerEngine } from "../engine.ts";
import { GateFailure, type Step, type StepIO } from "../pipeline.ts";
import type { ImageSpec } from "../target.ts";

/** Every container and network the smoke step makes carries this label; cleanup finds leftovers by it. */
export const SMOKE_LABEL = "todo-chatbot.deploy=smoke";

const HARDENED = ["--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--tmpfs", "/tmp:rw,size=64m,mode=1777"];

interface Started {
  name: string;
  image: ImageSpec;
  routes: string[];
}

/** The routes each service must answer 200 on, from the contract. */
function routesOf(image: ImageSpec): string[] {
  return image.service === "backend"
    ? [backendService.health.full, backendService.health.live, backendService.health.ready]
    : [frontendService.health.live, frontendService.health.ready];
}

export function smokeRunArgs(image: ImageSpec, name: string, network: string): string[] {
  const args = ["run", "--detach", "--name", name, "--label", SMOKE_LABEL, "--network", network, ...HARDENED];
  if (image.service === "backend") {
    // The secret's value comes from the runner's environment, so it is never on a command line.
    args.push("--network-alias", backendService.name, "--env", "BETTER_AUTH_SECRET", "--env", `FRONTEND_URL=http://localhost:${frontendService.port}`);
  } else {
    args.push("--tmpfs", "/app/apps/web/.next/cache:rw,size=256m,mode=1777");
  }
  args.push("--publish", `127.0.0.1::${image.port}`, image.tag);
  return args;
}

async function state(ctx: DeployContext, engine: Engine, name: string): Promise<{ status: string; exitCode: string; health: string }> {
  const res = await ctx.runner.run(
    engine,
    ["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", name],
    { probe: true },
  );
  const [status = "unknown", exitCode = "", health = ""] = res.stdout.trim().split(/\s+/);
  return { status, exitCode, health };
}

/** podman runs no health checks by itself without systemd: it is asked; docker runs them on its own. */
async function healthy(ctx: DeployContext, engine: Engine, name: string): Promise<boolean> {
  if (engine === "podman") return (await ctx.runner.run("podman", ["healthcheck", "run", name], { probe: true })).code === 0;
  return (await state(ctx, engine, name)).health === "healthy";
}

async function hostPort(ctx: DeployContext, engine: Engine, name: string, port: number): Promise<string> {
  const res = await ctx.runner.run(engine, ["port", name, `${port}/tcp`], { probe: true });
  const first = res.stdout
    .split("\n")
    .map((l) => l.trim())
    .find((l) => /^127\.0\.0\.1:\d+$/.test(l));
  if (!first)
    throw new GateFailure(`no published port for ${name}`, {
      details: tail(res.stdout + res.stderr),
      remediation: "The engine did not publish the port on 127.0.0.1; check that nothing else holds the port range and run again.",
    });
  return first;
}

async function logsOf(ctx: DeployContext, engine: Engine, name: string): Promise<string[]> {
  const res = await ctx.runner.run(engine, ["logs", "--tail", "20", name], { probe: true });
  return tail(`${res.stdout}\n${res.stderr}`, 20);
}

async function waitHealthy(ctx: DeployContext, engine: Engine, started: Started[], io: StepIO): Promise<void> {
  const deadline = ctx.now() + ctx.settings.smokeTimeoutMs;
  const pending = new Set(started.map((s) => s.name));
  while (pending.size) {
    for (const s of started.filter((s) => pending.has(s.name))) {
      const st = await state(ctx, engine, s.name);
      if (st.status !== "running" && st.status !== "created") {
        throw new GateFailure(`${s.name} (${s.image.tag}) stopped: ${st.status}, exit code ${st.exitCode}`, {
          details: await logsOf(ctx, engine, s.name),
          remediation: `The container exited on start; its log (above) names the cause. Run it by hand: ${engine} run --rm ${s.image.tag}. The backend stops on a bad or missing setting (BETTER_AUTH_SECRET of 32+ characters is required).`,
        });
      }
      if (await healthy(ctx, engine, s.name)) {
        pending.delete(s.name);
        io.log(`${s.name} healthy`);
      }
    }
    if (!pending.size) break;
    if (ctx.now() >= deadline) {
      const names = [...pending];
      throw new GateFailure(`health checks did not pass within ${Math.round(ctx.settings.smokeTimeoutMs / 1000)} s: ${names.join(", ")}`, {
        transient: true,
        details: (await Promise.all(names.map((n) => logsOf(ctx, engine, n)))).flat(),
        remediation:
          "The containers run but their HEALTHCHECK fails. The logs above show why; the backend's /health is 503 while its database is not ready. On a slow machine, run again.",
      });
    }
    await ctx.sleep(ctx.settings.pollMs);
  }
}

async function checkRoutes(ctx: DeployContext, engine: Engine, started: Started[]): Promise<string[]> {
  const lines: string[] = [];
  const failures: string[] = [];
  for (const s of started) {
    const addr = await hostPort(ctx, engine, s.name, s.image.port);
    for (const route of s.routes) {
      try {
        const res = await fetch(`http://${addr}${route}`, { signal: AbortSignal.timeout(10_000) });
        const body = await res.text();
        if (!res.ok) failures.push(`${s.image.tag} GET ${route}: HTTP ${res.status} ${body.slice(0, 200)}`);
        else if (route === backendService.health.full && !/"status"\s*:\s*"healthy"/.test(body))
          failures.push(`${s.image.tag} GET ${route}: ${body.slice(0, 200)} (expected status "healthy")`);
        else lines.push(`${s.image.tag} GET ${route} ${res.status}`);
      } catch (err) {
        failures.push(`${s.image.tag} GET ${route}: ${(err as Error).message}`);
      }
    }
  }
  if (failures.length) {
    throw new GateFailure(`health routes failed: ${failures[0]}`, {
      transient: true,
      details: [...failures, ...lines],
      remediation:
        "The HEALTHCHECK passed but a route of @todo/contracts did not answer 200. The frontend's ready route calls the backend at http://todo-backend:8000 on the smoke network: check the backend's log.",
    });
  }
  return lines;
}

export async function removeSmokeLeftovers(ctx: DeployContext, engine: Engine, names: { containers: string[]; networks: string[] }): Promise<void> {
  for (const c of names.containers) await ctx.runner.run(engine, ["rm", "--force", c]);
  for (const n of names.networks) await ctx.runner.run(engine, ["network", "rm", n]);
}

export const smokeStep: Step<DeployContext> = {
  name: "smoke",
  title: "Run both containers and test their health",
  async run(ctx, io) {
    const engine = await containerEngine(ctx);
    const id = randomBytes(3).toString("hex");
    const network = `todo-smoke-${id}`;
    const started: Started[] = [];
    const attempted: string[] = [];
    const env = { BETTER_AUTH_SECRET: randomBytes(32).toString("base64url") };
    try {
      const net = await ctx.runner.run(engine, ["network", "create", "--label", SMOKE_LABEL, network]);
      if (net.code !== 0)
        throw new GateFailure(`${engine} network create failed`, {
          details: tail(net.stderr),
          remediation: `${engine} cannot create a network here; check ${engine} info and ${engine} network ls.`,
        });
      // The backend first: the frontend's readiness calls it.
      const ordered = [...ctx.target.images.filter((i) => i.service === "backend"), ...ctx.target.images.filter((i) => i.service !== "backend")];
      for (const image of ordered) {
        const name = `todo-smoke-${image.service}-${id}`;
        attempted.push(name);
        io.log(`starting ${image.tag} as ${name}`);
        const res = await ctx.runner.run(engine, smokeRunArgs(image, name, network), { env });
        if (res.code !== 0) {
          throw new GateFailure(`${image.tag} did not start`, {
            details: tail(res.stderr),
            remediation: /image not known|No such image|unable to find image/i.test(res.stderr)
              ? "The image is missing: npm run deploy -- build."
              : `Read ${engine}'s message above; try: ${engine} run --rm ${image.tag}.`,
          });
        }
        started.push({ name, image, routes: routesOf(image) });
      }
      if (ctx.dryRun)
        return {
          summary: `would run ${ctx.target.images.map((i) => i.tag).join(" and ")} on network ${network} and wait for their health checks`,
          planned: true,
        };
      await waitHealthy(ctx, engine, started, io);
      const lines = await checkRoutes(ctx, engine, started);
      return { summary: `both containers healthy; ${lines.length} health routes answered 200`, details: lines };
    } finally {
      await removeSmokeLeftovers(ctx, engine, { containers: attempted.reverse(), networks: [network] });
    }
  },
};
