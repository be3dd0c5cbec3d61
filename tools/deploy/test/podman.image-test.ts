/**
 * The build and smoke steps for real with podman (`npm run test:images`, after the images suite,
 * which builds the same tags; not in `npm test`: it needs podman and the images). The build gate
 * runs against the images as built (sizes under seed 004's targets), the build command line is
 * checked as a dry run prints it, and the smoke step starts both containers on their own network,
 * waits for their HEALTHCHECKs and health routes, and leaves nothing behind.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { checkImages, buildStep } from "../src/steps/build.step.ts";
import { SMOKE_LABEL, smokeStep } from "../src/steps/smoke.step.ts";
import { createDryRunRunner, createRealRunner } from "../src/runner.ts";
import { repoRoot } from "../src/target.ts";
import { testContext } from "./test-context.ts";

const real = createRealRunner({ cwd: repoRoot });

function podman(args: string[]) {
  return spawnSync("podman", args, { encoding: "utf8" });
}

describe("build and smoke with podman", () => {
  before(async () => {
    // The images suite builds these tags first; alone, this suite builds them itself (layer cache).
    const { ctx } = testContext({ runner: real, settings: { engine: "podman" } });
    const missing = ctx.target.images.filter((i) => podman(["image", "exists", i.tag]).status !== 0);
    if (missing.length) await buildStep.run(ctx, { log() {} });
  });

  it("build's gate: both images exist and are under their size targets", async () => {
    const { ctx } = testContext({ runner: real });
    const lines = await checkImages(ctx, "podman");
    console.log(lines.map((l) => `# ${l}`).join("\n"));
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^todo-backend:1\.0\.0 \d+ MB \(target < 300 MB\)$/);
    assert.match(lines[1]!, /^todo-frontend:1\.0\.0 \d+ MB \(target < 200 MB\)$/);
  });

  it("build picks the engine whose daemon answers and prints its build command lines (podman: --format docker)", async () => {
    const printed: string[] = [];
    const dry = createDryRunRunner(real, (l) => printed.push(l));
    const { ctx } = testContext({ runner: dry, dryRun: true });
    const outcome = await buildStep.run(ctx, { log() {} });
    assert.equal(outcome.planned, true);
    // docker only when its daemon answers (here the docker CLI has none).
    const engine = spawnSync("docker", ["info"]).status === 0 ? "docker" : "podman";
    assert.equal(ctx.state.engine, engine);
    const format = engine === "podman" ? " --format docker" : "";
    assert.deepEqual(printed, [
      `would run: ${engine} build${format} -f apps/api/Dockerfile -t todo-backend:1.0.0 .`,
      `would run: ${engine} build${format} -f apps/web/Dockerfile -t todo-frontend:1.0.0 .`,
    ]);
    // Only read-only probes ran for real: the engines' info and the base image check.
    assert.ok(dry.commands.filter((c) => c.probe).every((c) => /^(docker|podman) (info|image exists)/.test(c.line)));
  });

  it("smoke: both containers start, pass their health checks and routes, and are removed", async () => {
    const { ctx } = testContext({ runner: real, settings: { engine: "podman", pollMs: 500 } });
    // Real time here: the containers take seconds to start.
    ctx.sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    ctx.now = () => Date.now();
    const logs: string[] = [];
    const outcome = await smokeStep.run(ctx, { log: (l) => logs.push(l) });
    console.log(outcome.details!.map((l) => `# ${l}`).join("\n"));
    assert.equal(outcome.summary, "both containers healthy; 5 health routes answered 200");
    assert.deepEqual(
      outcome.details!.map((l) => l.replace(/ 200$/, "")),
      [
        "todo-backend:1.0.0 GET /health",
        "todo-backend:1.0.0 GET /health/live",
        "todo-backend:1.0.0 GET /health/ready",
        "todo-frontend:1.0.0 GET /api/health",
        "todo-frontend:1.0.0 GET /api/health/ready",
      ],
    );
    assert.ok(logs.some((l) => /todo-smoke-frontend-[0-9a-f]{6} healthy/.test(l)));
    assert.equal(podman(["ps", "--all", "--quiet", "--filter", `label=${SMOKE_LABEL}`]).stdout.trim(), "", "no smoke container left");
    assert.equal(podman(["network", "ls", "--quiet", "--filter", `label=${SMOKE_LABEL}`]).stdout.trim(), "", "no smoke network left");
  });
});
