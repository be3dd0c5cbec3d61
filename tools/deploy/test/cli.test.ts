/**
 * The command as a user runs it: `all --dry-run --json` as a child process (what CI would parse),
 * usage errors (exit 2), and `all` in-process end to end with an injected runner (podman and the
 * cluster-changing helm commands scripted, helm lint/template real), a local HTTP server standing
 * in for the containers' published ports, and the fake API server for the cluster: every gate
 * passes, or the first failing gate stops the run with exit 1, a summary and a remediation.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { helmPath } from "@todo/deploy/helm/helm.ts";
import { main, type JsonSummary } from "../src/cli.ts";
import { createKubeClient } from "../src/kube.ts";
import { createRealRunner } from "../src/runner.ts";
import { repoRoot } from "../src/target.ts";
import { healthyCluster } from "./cluster-fixtures.ts";
import { startFakeApiServer } from "./fake-api-server.ts";
import { fakeClock } from "./fake-clock.ts";
import { on, scriptedRunner, type Rule } from "./fake-runner.ts";

/** A machine without git (a newcomer's bare Node container) tags with the appVersion alone (image-tag.test). */
const TAG = spawnSync("git", ["--version"]).error ? /^1\.0\.0$/ : /^1\.0\.0-[0-9a-f]{12}(-dirty-[0-9a-f]{10})?$/;

const helmBin = helmPath();
const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((c) => c())));

function cli(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "tools/deploy/src/cli.ts", ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, HELM_BIN: helmBin, KUBECONFIG: "/nonexistent/kubeconfig" },
  });
}

/** Stands in for both containers' published ports: answers the health routes as the apps do. */
async function healthServer(): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(req.url === "/health" ? '{"status":"healthy","service":"todo-chatbot-backend","version":"1.0.0"}' : '{"status":"ok"}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const real = createRealRunner({ cwd: repoRoot });
/** podman as on a machine where everything works, sizes as built here. */
function podmanRules(addr: string, sizes = { backend: 155_123_456, frontend: 165_654_321 }): Rule[] {
  return [
    on("docker info", { code: 1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" }),
    on("podman info", { stdout: "4.3.1" }),
    on("podman image inspect --format {{.Size}} todo-backend", { stdout: `${sizes.backend}\n` }),
    on("podman image inspect --format {{.Size}} todo-frontend", { stdout: `${sizes.frontend}\n` }),
    on("podman inspect", { stdout: "running 0 \n" }),
    on("podman port", { stdout: `${addr}\n` }),
    on("minikube -p minikube image ls", {
      stdout: "docker.io/library/todo-backend:1.0.0\ndocker.io/library/todo-frontend:1.0.0\nregistry.k8s.io/pause:3.10\n",
    }),
  ];
}

function helmRules(): Rule[] {
  return [
    (call) => (call.cmd === helmBin && ["lint", "template", "package"].includes(call.args[0]!) ? real.run(call.cmd, call.args, call.opts) : undefined),
    on(`${helmBin} history`, { code: 1, stderr: "Error: release: not found\n" }),
    on(`${helmBin} upgrade`, { stdout: "NAME: todo-chatbot\nSTATUS: deployed\nREVISION: 1\n" }),
  ];
}

async function runMain(args: string[], rules: Rule[]) {
  const api = await startFakeApiServer(healthyCluster());
  closers.push(api.close);
  const runner = scriptedRunner(...rules);
  const clock = fakeClock();
  let out = "";
  const code = await main(args, {
    runner,
    kube: () => createKubeClient(api.kubeConfig()),
    sleep: clock.sleep,
    now: clock.now,
    write: (t) => (out += t),
    helmBin,
    progress: "lines",
  });
  return { code, out, runner };
}

describe("the deploy command", () => {
  it("all --dry-run --json: plans every step, runs nothing that changes anything, exits 0", () => {
    const res = cli(["all", "--dry-run", "--json", "--engine", "podman", "--no-load"]);
    assert.equal(res.status, 0, res.stderr);
    const summary = JSON.parse(res.stdout) as JsonSummary;
    assert.equal(summary.ok, true);
    assert.equal(summary.dryRun, true);
    // The images are tagged for this checkout: a code change deploys a new tag and rolls the pods.
    // (Other test files may change the working tree meanwhile, e.g. e2e screenshots: the tag is
    // read from the summary, then checked for its form and used everywhere.)
    const tag = summary.target.images[0]!.replace(/^todo-backend:/, "");
    assert.match(tag, TAG);
    assert.deepEqual(summary.target, {
      layout: "umbrella",
      overlay: "minikube",
      namespace: "todo-app",
      releases: ["todo-chatbot"],
      images: [`todo-backend:${tag}`, `todo-frontend:${tag}`],
    });
    assert.deepEqual(
      summary.steps.map((s) => [s.name, s.status]),
      [
        ["build", "planned"],
        ["smoke", "planned"],
        ["chart", "passed"],
        ["release", "planned"],
        ["monitor", "planned"],
      ],
    );
    const commands = summary.commands!.map((c) =>
      c.replace(/todo-smoke-[a-z]+-[0-9a-f]{6}|todo-smoke-[0-9a-f]{6}/g, "<smoke>").replace(/ -f \S+values-local\.yaml/, ""),
    );
    assert.deepEqual(
      commands.filter((c) => !c.startsWith("podman run") && !c.startsWith("podman rm") && !c.startsWith("podman network")),
      [
        `podman build --format docker -f apps/api/Dockerfile -t todo-backend:${tag} .`,
        `podman build --format docker -f apps/web/Dockerfile -t todo-frontend:${tag} .`,
        `helm upgrade --install todo-chatbot deploy/helm/todo-chatbot --namespace todo-app --create-namespace -f deploy/helm/todo-chatbot/values-minikube.yaml --set backend.image.tag=${tag} --set frontend.image.tag=${tag} --wait --timeout 5m`,
        "helm test todo-chatbot --namespace todo-app --timeout 2m",
      ],
    );
    assert.ok(
      commands.includes(
        `podman run --detach --name <smoke> --label todo-chatbot.deploy=smoke --network <smoke> --read-only --cap-drop ALL --security-opt no-new-privileges --tmpfs /tmp:rw,size=64m,mode=1777 --network-alias todo-backend --env BETTER_AUTH_SECRET --env FRONTEND_URL=http://localhost:3000 --publish 127.0.0.1::8000 todo-backend:${tag}`,
      ),
    );
    assert.doesNotMatch(res.stdout, /BETTER_AUTH_SECRET=/, "no secret value on any command line");
  });

  it("exits 2 with the usage on a bad command line", () => {
    const res = cli(["deploy-everything"]);
    assert.equal(res.status, 2);
    assert.match(res.stderr, /unknown command "deploy-everything"/);
    assert.match(res.stderr, /Usage: npm run deploy -- <command>/);
    const ns = cli(["all", "--values", "clusterip", "--namespace", "prod"]);
    assert.equal(ns.status, 2);
    assert.match(ns.stderr, /written for namespace "todo"/);
  });

  it("all: every gate passes from build to monitor, images loaded into Minikube, exit 0", async () => {
    const addr = await healthServer();
    const { code, out, runner } = await runMain(["all", "--context", "minikube", "--tag", "1.0.0"], [...podmanRules(addr), ...helmRules()]);
    assert.equal(code, 0, out);
    const changes = runner.calls
      .filter((c) => !c.opts.probe)
      .map((c) =>
        c.line
          .replace(helmBin, "helm")
          .replace(/todo-smoke-[a-z-]*[0-9a-f]{6}/g, "<smoke>")
          .replace(/\/tmp\/todo-deploy-\w+/g, "<tmp>"),
      );
    assert.deepEqual(
      changes.filter((l) => /^(podman build|podman save|minikube|helm)/.test(l)).map((l) => l.replace(/ -f \S+values-local\.yaml/, "")),
      [
        "podman build --format docker -f apps/api/Dockerfile -t todo-backend:1.0.0 .",
        "podman build --format docker -f apps/web/Dockerfile -t todo-frontend:1.0.0 .",
        "podman save --format docker-archive -o <tmp>/backend.tar docker.io/library/todo-backend:1.0.0",
        "minikube -p minikube image load <tmp>/backend.tar",
        "podman save --format docker-archive -o <tmp>/frontend.tar docker.io/library/todo-frontend:1.0.0",
        "minikube -p minikube image load <tmp>/frontend.tar",
        "helm upgrade --install todo-chatbot deploy/helm/todo-chatbot --namespace todo-app --kube-context minikube --create-namespace -f deploy/helm/todo-chatbot/values-minikube.yaml --set backend.image.tag=1.0.0 --set frontend.image.tag=1.0.0 --wait --timeout 5m",
        "helm test todo-chatbot --namespace todo-app --kube-context minikube --timeout 2m",
      ],
    );
    // The smoke containers are always removed, and the secret never appears on a command line.
    assert.deepEqual(
      changes.filter((l) => /^podman (rm|network rm)/.test(l)),
      ["podman rm --force <smoke>", "podman rm --force <smoke>", "podman network rm <smoke>"],
    );
    const run = runner.calls.find((c) => c.line.startsWith("podman run") && c.line.includes("todo-backend:1.0.0"))!;
    assert.equal(run.opts.env?.BETTER_AUTH_SECRET?.length, 43);
    assert.ok(!run.line.includes(run.opts.env!.BETTER_AUTH_SECRET!));
    assert.match(out, /^STEP\s+RESULT\s+TIME\s+ATTEMPTS$/m);
    for (const step of ["build", "smoke", "chart", "release", "monitor"]) assert.match(out, new RegExp(`^${step}\\s+passed\\s+\\S+\\s+1$`, "m"));
    assert.match(out, /total .*: OK/);
    assert.match(out, /todo-backend:1\.0\.0 155 MB \(target < 300 MB\)/);
  });

  it("all: an image over its size target stops the run at build, exit 1, with what to do", async () => {
    const addr = await healthServer();
    const { code, out, runner } = await runMain(
      ["all", "--no-load", "--tag", "1.0.0"],
      [...podmanRules(addr, { backend: 155_000_000, frontend: 231_000_000 }), ...helmRules()],
    );
    assert.equal(code, 1);
    assert.match(out, /^build\s+failed/m);
    for (const step of ["smoke", "chart", "release", "monitor"]) assert.match(out, new RegExp(`^${step}\\s+not run\\s+-\\s+-$`, "m"));
    assert.match(out, /✖ build failed: todo-frontend:1\.0\.0 is 231 MB, over its target of 200 MB/);
    assert.match(out, /What to do: An image grew past its target/);
    assert.ok(!runner.calls.some((c) => c.line.startsWith("podman run")), "smoke did not start");
  });

  it("build: a base image that cannot be pulled is permanent and points at make-node-base.sh", async () => {
    const { code, out, runner } = await runMain(
      ["build", "--no-load"],
      [
        on("docker info", { code: 1 }),
        on("podman info", { stdout: "4.3.1" }),
        on("podman image exists", { code: 1 }),
        on("podman build", {
          code: 125,
          stderr:
            'STEP 1/6: FROM node:24-bookworm-slim AS deps\nError: creating build container: initializing source docker://node:24-bookworm-slim: pinging container registry registry-1.docker.io: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: Temporary failure in name resolution\n',
        }),
      ],
    );
    assert.equal(code, 1);
    assert.equal(runner.calls.filter((c) => c.line.startsWith("podman build")).length, 1, "not retried");
    assert.match(out, /the base image node:24-bookworm-slim could not be pulled/);
    assert.match(out, /make-node-base\.sh/);
  });
});
