/**
 * Step 1, build: both images from the repository root with their Dockerfiles, by docker or podman,
 * tagged for the state of the source (appVersion-commit[-dirty-hash], see image-tag.ts, so a
 * changed build rolls the pods); on Minikube, loaded into the cluster. Gate (seed 004): the images exist and are under their size
 * targets (frontend < 200 MB, backend < 300 MB), and, on Minikube, the cluster has them.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { classifyOutput, tail } from "../classify.ts";
import type { DeployContext, Engine } from "../context.ts";
import { buildArgs, containerEngine } from "../engine.ts";
import { GateFailure, type Step, type StepIO } from "../pipeline.ts";
import type { ImageSpec } from "../target.ts";

const BUILD_TIMEOUT_MS = 30 * 60_000;

/** The build stages' base image, from the Dockerfile's `ARG NODE_IMAGE=…` (for the remediation text). */
export function baseImageOf(dockerfile: string, cwd: string): string | undefined {
  const text = readFileSync(join(cwd, dockerfile), "utf8");
  return /^ARG NODE_IMAGE=(\S+)/m.exec(text)?.[1];
}

/** docker.io/library/node:24 for node:24, as podman names what it has. */
function qualified(image: string): string {
  const first = image.split("/")[0]!;
  if (image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")) return image;
  return image.includes("/") ? `docker.io/${image}` : `docker.io/library/${image}`;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

async function buildImage(ctx: DeployContext, engine: Engine, image: ImageSpec, io: StepIO): Promise<void> {
  const base = baseImageOf(image.dockerfile, ctx.cwd);
  let baseMissing = false;
  if (base && engine === "podman") {
    baseMissing = (await ctx.runner.run("podman", ["image", "exists", qualified(base)], { probe: true })).code !== 0;
    if (baseMissing) io.log(`base image ${base} is not here; podman will try to pull it`);
  }
  io.log(`building ${image.tag} from ${image.dockerfile}`);
  const res = await ctx.runner.run(engine, buildArgs(engine, image.dockerfile, image.tag), { timeoutMs: BUILD_TIMEOUT_MS, onLine: io.log });
  if (res.code === 0) return;
  const output = `${res.stdout}\n${res.stderr}`;
  const pullFailed =
    /pinging container registry|initializing source docker:|manifest unknown|pull access denied|failed to resolve source metadata|error pulling image|requested access to the resource is denied/i.test(
      output,
    );
  if (pullFailed || (baseMissing && /FROM|resolve|pull/i.test(output))) {
    throw new GateFailure(`building ${image.tag} failed: the base image ${base ?? "(see the Dockerfile)"} could not be pulled`, {
      details: tail(output),
      remediation:
        `The build stages start from ${base ?? "the Dockerfile's NODE_IMAGE"}. On a machine that reaches Docker Hub, check the network and run again. ` +
        `On a machine without a registry (as in this project's CI), make a local stand-in first: ` +
        `NODE_MAJOR=24 IMAGE=docker.io/library/node:24-bookworm-slim NPM_SPEC=npm@11 /work/shared/tools/make-node-base.sh (what .ci/run does), ` +
        `or pick a Node image you have with --build-arg NODE_IMAGE=… (see deploy/README.md, Images).`,
    });
  }
  const c = classifyOutput(output);
  throw new GateFailure(`building ${image.tag} failed (${engine} exited ${res.code}${c.transient ? `: ${c.reason}` : ""})`, {
    transient: c.transient || Boolean(res.timedOut),
    details: tail(output),
    remediation: `Read the last lines above: a failing RUN names its command. Reproduce with: ${engine} ${buildArgs(engine, image.dockerfile, image.tag).join(" ")}. A failing "npm ci" needs the npm registry; a failing "npm run build" fails the same way outside the image (npm run build -w ${image.service === "backend" ? "@todo/api" : "@todo/web"}).`,
  });
}

/** Loads an image into Minikube. podman's names are localhost/…, so the archive is tagged as docker.io/library/… (what the pods ask for). */
async function loadIntoMinikube(ctx: DeployContext, engine: Engine, image: ImageSpec, profile: string, io: StepIO): Promise<void> {
  io.log(`loading ${image.tag} into Minikube (${profile})`);
  let args = ["-p", profile, "image", "load", image.tag];
  let dir: string | undefined;
  if (engine === "podman") {
    // A dry run touches nothing, not even a temporary directory.
    dir = ctx.dryRun ? join(tmpdir(), "todo-deploy-XXXXXX") : mkdtempSync(join(tmpdir(), "todo-deploy-"));
    const archive = join(dir, `${image.service}.tar`);
    const name = qualified(image.tag);
    for (const cmd of [
      ["tag", image.tag, name],
      ["save", "--format", "docker-archive", "-o", archive, name],
    ]) {
      const r = await ctx.runner.run("podman", cmd);
      if (r.code !== 0) {
        if (!ctx.dryRun) rmSync(dir, { recursive: true, force: true });
        throw new GateFailure(`podman ${cmd[0]} ${image.tag} failed`, {
          details: tail(r.stderr),
          remediation: "Check the free disk space (the archive is about the image's size) and that the image exists (podman images).",
        });
      }
    }
    args = ["-p", profile, "image", "load", archive];
  }
  try {
    const res = await ctx.runner.run("minikube", args, { timeoutMs: 10 * 60_000 });
    if (res.code !== 0) {
      const c = classifyOutput(res.stderr);
      throw new GateFailure(`minikube image load ${image.tag} failed`, {
        transient: c.transient,
        details: tail(res.stderr),
        remediation:
          res.code === 127
            ? "minikube is not installed: https://minikube.sigs.k8s.io/docs/start/ (or pass --no-load if the cluster is not a Minikube)."
            : `Is Minikube running? minikube -p ${profile} status; start it with minikube start --cpus=2 --memory=4096.`,
      });
    }
  } finally {
    if (dir && !ctx.dryRun) rmSync(dir, { recursive: true, force: true });
  }
}

/** The gate: each image exists and is under its target. Returns "todo-backend:1.0.0 155 MB (< 300 MB)" lines. */
export async function checkImages(ctx: DeployContext, engine: Engine): Promise<string[]> {
  const lines: string[] = [];
  const problems: string[] = [];
  for (const image of ctx.target.images) {
    const res = await ctx.runner.run(engine, ["image", "inspect", "--format", "{{.Size}}", image.tag], { probe: true });
    const size = Number(res.stdout.trim().split("\n")[0]);
    if (res.code !== 0 || !Number.isFinite(size) || size <= 0) {
      problems.push(`${image.tag} does not exist (${engine} image inspect: ${tail(res.stderr, 1)[0] ?? `exit ${res.code}`})`);
      continue;
    }
    const line = `${image.tag} ${mb(size)} (target < ${mb(image.maxBytes)})`;
    lines.push(line);
    if (size >= image.maxBytes) problems.push(`${image.tag} is ${mb(size)}, over its target of ${mb(image.maxBytes)}`);
  }
  if (problems.length) {
    throw new GateFailure(problems.join("; "), {
      details: lines,
      remediation: problems.some((p) => p.includes("does not exist"))
        ? "Build the images: npm run deploy -- build."
        : "An image grew past its target. Compare with deploy/README.md (Images): the final stage should hold only node, its C libraries and the app. Look for a COPY that takes node_modules or build caches into the last stage.",
    });
  }
  return lines;
}

async function checkMinikubeHas(ctx: DeployContext, profile: string): Promise<void> {
  const res = await ctx.runner.run("minikube", ["-p", profile, "image", "ls"], { probe: true });
  const missing = ctx.target.images.filter((i) => !res.stdout.split("\n").some((l) => l.trim() === qualified(i.tag) || l.trim() === i.tag));
  if (res.code !== 0 || missing.length) {
    throw new GateFailure(`Minikube (${profile}) does not have ${missing.map((i) => i.tag).join(", ") || "the images"}`, {
      details: tail(res.stdout + res.stderr),
      remediation: `Load them by hand: minikube -p ${profile} image load ${missing[0]?.tag ?? ctx.target.images[0]!.tag}, or build inside Minikube: minikube image build -t ${ctx.target.images[0]!.tag} -f apps/api/Dockerfile .`,
    });
  }
}

export const buildStep: Step<DeployContext> = {
  name: "build",
  title: "Build the images",
  async run(ctx, io) {
    const engine = await containerEngine(ctx);
    if (ctx.target.imageTagNote) io.log(`note: ${ctx.target.imageTagNote}`);
    for (const image of ctx.target.images) await buildImage(ctx, engine, image, io);
    const profile = ctx.settings.minikubeProfile;
    if (profile) for (const image of ctx.target.images) await loadIntoMinikube(ctx, engine, image, profile, io);
    if (ctx.dryRun)
      return {
        summary: `would build ${ctx.target.images.map((i) => i.tag).join(" and ")} with ${engine}${profile ? ` and load them into Minikube (${profile})` : ""}`,
        planned: true,
      };
    const lines = await checkImages(ctx, engine);
    if (profile) await checkMinikubeHas(ctx, profile);
    return { summary: `${lines.join(", ")} (${engine}${profile ? `, loaded into ${profile}` : ""})`, details: lines };
  },
};
