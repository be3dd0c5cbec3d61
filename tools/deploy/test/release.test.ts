/**
 * The release step and its rollback decision: helm through a scripted runner (exact command
 * lines), the pods and the namespace through the real @kubernetes/client-node against a local API
 * server answering with a cluster's JSON. Always --wait; waits out backend restarts while the
 * in-cluster database starts; passes the build's tag and waits for pods on it; labels the
 * namespace for Pod Security; reads failed test pods' logs itself (no --logs: Helm 3). Retries only
 * what is transient; rolls back to the last deployed revision when a new revision went wrong;
 * keeps a failed first install for debugging; touches nothing when helm stopped before changing
 * anything.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { helmPath } from "@todo/deploy/helm/helm.ts";
import { createKubeClient } from "../src/kube.ts";
import { classifyOutput } from "../src/classify.ts";
import { type GateFailure, runPipeline } from "../src/pipeline.ts";
import { monitorStep } from "../src/steps/monitor.step.ts";
import { createRealRunner } from "../src/runner.ts";
import { decideRollback, releaseStep } from "../src/steps/release.step.ts";
import { repoRoot } from "../src/target.ts";
import { deployment, healthyCluster, pod } from "./cluster-fixtures.ts";
import { startFakeApiServer, type FakeCluster } from "./fake-api-server.ts";
import { on, scriptedRunner, type Rule } from "./fake-runner.ts";
import { testContext } from "./test-context.ts";

const servers: { close(): Promise<void> }[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

const rev = (revision: number, status: string, description = "Upgrade complete") => ({
  revision,
  updated: "2026-02-01T11:00:00.000000+00:00",
  status,
  chart: "todo-chatbot-1.0.0",
  app_version: "1.0.0",
  description,
});
const history = (...entries: ReturnType<typeof rev>[]) => ({ stdout: JSON.stringify(entries) });
const NOT_FOUND = { code: 1, stderr: "Error: release: not found\n" };
const UPGRADED = (n: number) => ({
  stdout: `Release "todo-chatbot" has been upgraded. Happy Helming!\nNAME: todo-chatbot\nNAMESPACE: todo-app\nSTATUS: deployed\nREVISION: ${n}\n`,
});
/** The chart's dependencies are built for real (a local build, before helm upgrade reads the chart). */
const packForReal: Rule = (call) => (call.args[0] === "package" ? createRealRunner({ cwd: repoRoot }).run(helmPath(), call.args, call.opts) : undefined);

async function setup(rules: Rule[], cluster: FakeCluster = healthyCluster(), target: Record<string, string> = {}) {
  const api = await startFakeApiServer(cluster);
  servers.push(api);
  const runner = scriptedRunner(packForReal, ...rules);
  const { ctx, clock } = testContext({ runner, kube: createKubeClient(api.kubeConfig()), target, settings: { readyTimeoutMs: 60_000 } });
  const run = () => runPipeline([releaseStep], ctx, { sleep: clock.sleep, now: clock.now });
  /** helm commands that change the cluster (probes — history, template — left out). */
  const changes = () => runner.calls.filter((c) => !c.opts.probe).map((c) => c.line);
  return { runner, ctx, clock, run, changes, api };
}

const UPGRADE =
  "helm upgrade --install todo-chatbot deploy/helm/todo-chatbot --namespace todo-app --create-namespace -f deploy/helm/todo-chatbot/values-minikube.yaml --set backend.image.tag=1.0.0 --set frontend.image.tag=1.0.0";

describe("release", () => {
  it("upgrades an installed release with --wait, then checks pods through the API and runs helm test", async () => {
    const { run, changes, runner } = await setup([
      on("helm history", history(rev(1, "superseded", "Install complete"), rev(2, "deployed"))),
      on("helm upgrade", UPGRADED(3)),
    ]);
    const result = await run();
    assert.equal(result.ok, true, result.steps[0]!.summary);
    assert.deepEqual(runner.lines()[0], "helm history todo-chatbot --namespace todo-app --max 20 -o json");
    assert.deepEqual(
      changes().filter((l) => !l.includes("values-local.yaml")),
      [`${UPGRADE} --wait --timeout 5m`, "helm test todo-chatbot --namespace todo-app --timeout 2m"],
    );
    assert.equal(
      result.steps[0]!.summary,
      'namespace todo-app labelled to enforce Pod Security "restricted"; todo-chatbot revision 3 with images 1.0.0 (was 2); 4 pods Running and Ready; helm test passed for todo-chatbot',
    );
  });

  it("first install with the in-cluster database: --wait, and the backend's restarts while the database starts are waited out", async () => {
    const cluster = healthyCluster();
    // An older backend image exits while PostgreSQL starts: a crash loop, but the database is not Ready yet.
    let looks = 0;
    const crashing = pod({
      name: "todo-chatbot-backend-7d9c6b5f4-x2k8q",
      component: "backend",
      restarts: 3,
      waiting: { reason: "CrashLoopBackOff" },
      lastTerminated: { exitCode: 1, reason: "Error" },
    });
    const dbStarting = pod({ name: "todo-chatbot-backend-postgresql-0", component: "database", ready: false });
    const starting = pod({ name: "todo-chatbot-backend-7d9c6b5f4-x2k8q", component: "backend", ready: false, restarts: 3 });
    const [ready, fe1, fe2, db, migrate] = cluster.pods;
    const dynamic: FakeCluster = {
      ...cluster,
      namespaces: [],
      get pods() {
        looks++;
        if (looks === 1) return [crashing, fe1!, fe2!, dbStarting];
        if (looks === 2) return [starting, fe1!, fe2!, db!];
        return [ready!, fe1!, fe2!, db!, migrate!];
      },
      get deployments() {
        return looks < 3
          ? [deployment({ name: "todo-chatbot-backend", component: "backend", replicas: 1, ready: 0 }), cluster.deployments[1]!]
          : cluster.deployments;
      },
    };
    const { run, changes, clock, ctx, api } = await setup([on("helm history", NOT_FOUND), on("helm upgrade", UPGRADED(1))], dynamic);
    const result = await run();
    assert.equal(result.ok, true, result.steps[0]!.summary);
    assert.equal(result.steps[0]!.attempts, 1);
    assert.equal(changes()[0]!.replace(/ -f \S+values-local\.yaml/, ""), `${UPGRADE} --wait --timeout 5m`);
    assert.deepEqual(clock.sleeps, [ctx.settings.pollMs, ctx.settings.pollMs], "polled until Ready");
    assert.match(
      result.steps[0]!.summary,
      /^namespace todo-app created, enforcing Pod Security "restricted"; todo-chatbot revision 1 with images 1\.0\.0 \(first install\)/,
    );
    // The namespace was made before helm, with the labels Pod Security enforces.
    assert.deepEqual(api.bodies["POST /api/v1/namespaces"]!.metadata.labels, {
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
      "app.kubernetes.io/created-by": "todo-deploy-cli",
    });
  });

  it("a crash loop while the database is Ready is permanent, as before", async () => {
    const cluster = healthyCluster();
    cluster.pods[0] = pod({
      name: "todo-chatbot-backend-7d9c6b5f4-x2k8q",
      component: "backend",
      restarts: 3,
      waiting: { reason: "CrashLoopBackOff" },
      lastTerminated: { exitCode: 78, reason: "Error" },
    });
    const { run } = await setup([on("helm history", NOT_FOUND), on("helm upgrade", UPGRADED(1))], cluster);
    const r = (await run()).steps[0]!;
    assert.equal(r.status, "failed");
    assert.equal(r.attempts, 1);
    assert.match(r.summary, /crash-looping: 3 restarts \(last exit 78 Error\)$/);
  });

  it("retries a helm timeout (transient) 3 times, then rolls back to the last deployed revision", async () => {
    let upgrades = 0;
    const { run, changes, clock } = await setup([
      on("helm history", () =>
        upgrades === 0
          ? history(rev(1, "superseded"), rev(2, "deployed"))
          : history(
              rev(1, "superseded"),
              rev(2, "deployed"),
              ...Array.from({ length: upgrades }, (_, i) => rev(3 + i, "failed", 'Upgrade "todo-chatbot" failed: context deadline exceeded')),
            ),
      ),
      on("helm upgrade", () => {
        upgrades++;
        return {
          code: 1,
          stderr: "Error: UPGRADE FAILED: resource Deployment/todo-app/todo-chatbot-backend not ready. status: InProgress\ncontext deadline exceeded\n",
        };
      }),
    ]);
    const result = await run();
    const r = result.steps[0]!;
    assert.equal(r.status, "failed");
    assert.equal(r.attempts, 3);
    assert.equal(r.transient, true);
    assert.deepEqual(clock.sleeps, [2_000, 4_000]);
    assert.deepEqual(
      changes().map((l) => l.replace(/ -f \S+values-local\.yaml/, "")),
      [
        `${UPGRADE} --wait --timeout 5m`,
        `${UPGRADE} --wait --timeout 5m`,
        `${UPGRADE} --wait --timeout 5m`,
        "helm rollback todo-chatbot 2 --namespace todo-app --wait --timeout 5m",
      ],
    );
    assert.equal(r.recovery, "todo-chatbot: rolled back to revision 2 (revision 5 is failed)");
  });

  it("does not retry an invalid value, and rolls nothing back when helm changed nothing", async () => {
    const { run, changes } = await setup([
      on("helm history", history(rev(1, "superseded"), rev(2, "deployed"))),
      on("helm upgrade", {
        code: 1,
        stderr:
          "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nbackend:\n- at '/replicaCount': got string, want integer\n",
      }),
    ]);
    const r = (await run()).steps[0]!;
    assert.equal(r.attempts, 1);
    assert.equal(r.transient, false);
    assert.match(r.summary, /failed \(invalid value\)/);
    assert.match(r.remediation!, /npm run deploy -- chart checks it without a cluster/);
    assert.equal(changes().filter((l) => l.startsWith("helm rollback")).length, 0);
    assert.equal(r.recovery, "todo-chatbot: unchanged at revision 2: nothing to roll back");
  });

  it("rolls back a deployed revision whose pods crash-loop (helm succeeded, the gate did not)", async () => {
    const cluster = healthyCluster();
    cluster.pods[0] = pod({
      name: "todo-chatbot-backend-7d9c6b5f4-x2k8q",
      component: "backend",
      restarts: 4,
      waiting: { reason: "CrashLoopBackOff" },
      lastTerminated: { exitCode: 1, reason: "Error" },
    });
    let upgraded = false;
    const { run, changes } = await setup(
      [
        on("helm history", () => (upgraded ? history(rev(2, "superseded"), rev(3, "deployed")) : history(rev(1, "superseded"), rev(2, "deployed")))),
        on("helm upgrade", () => {
          upgraded = true;
          return UPGRADED(3);
        }),
      ],
      cluster,
    );
    const r = (await run()).steps[0]!;
    assert.equal(r.attempts, 1, "a crash loop is not retried");
    assert.match(r.summary, /crash-looping: 4 restarts/);
    assert.deepEqual(changes().slice(-1), ["helm rollback todo-chatbot 2 --namespace todo-app --wait --timeout 5m"]);
    assert.ok(!changes().some((l) => l.startsWith("helm test")), "no helm test after a failed gate");
    assert.equal(r.recovery, "todo-chatbot: rolled back to revision 2 (revision 3 is deployed)");
  });

  it("keeps a failed first install for debugging and says how to remove it", async () => {
    let installed = false;
    const { run, changes } = await setup([
      on("helm history", () => (installed ? history(rev(1, "failed", 'Release "todo-chatbot" failed: context deadline exceeded')) : NOT_FOUND)),
      on("helm upgrade", () => {
        installed = true;
        return { code: 1, stderr: 'Error: INSTALLATION FAILED: pods "todo-chatbot-backend-1" is forbidden: exceeded quota: todo-quota\n' };
      }),
    ]);
    const r = (await run()).steps[0]!;
    assert.equal(r.attempts, 1);
    assert.match(r.remediation!, /kubectl describe quota -n todo-app/);
    assert.equal(changes().filter((l) => l.startsWith("helm rollback")).length, 0);
    assert.equal(r.recovery, "todo-chatbot: first install: nothing to roll back to; left in place for debugging (npm run deploy -- cleanup removes it)");
  });

  it("split layout (seed 004): the backend first, and both rolled back in reverse order when the frontend fails", async () => {
    const cluster = { ...healthyCluster(), pods: [], deployments: [] };
    const upgraded = new Set<string>();
    const { run, changes } = await setup(
      [
        on("helm history", (call) => {
          const name = call.args[1]!;
          return upgraded.has(name)
            ? history(rev(4, "superseded"), rev(5, "deployed"), rev(6, name === "todo-frontend" ? "failed" : "deployed"))
            : history(rev(4, "superseded"), rev(5, "deployed"));
        }),
        on("helm upgrade", (call) => {
          upgraded.add(call.args[2]!);
          return call.args[2] === "todo-frontend"
            ? {
                code: 1,
                stderr:
                  'Error: UPGRADE FAILED: an error occurred while rolling out: Deployment.apps "todo-frontend" is invalid: spec.template.spec.containers[0].image: Required value\n',
              }
            : UPGRADED(6);
        }),
      ],
      cluster,
      { values: "clusterip" },
    );
    const r = (await run()).steps[0]!;
    assert.equal(r.status, "failed");
    assert.deepEqual(
      changes().map((l) => l.replace(/ -f \S+values-local\.yaml/, "")),
      [
        "helm upgrade --install todo-backend deploy/helm/todo-backend --namespace todo --create-namespace -f deploy/helm/todo-backend/values-clusterip.yaml --set image.tag=1.0.0 --wait --timeout 5m",
        "helm upgrade --install todo-frontend deploy/helm/todo-frontend --namespace todo --create-namespace -f deploy/helm/todo-frontend/values-clusterip.yaml --set image.tag=1.0.0 --wait --timeout 5m",
        "helm rollback todo-frontend 5 --namespace todo --wait --timeout 5m",
        "helm rollback todo-backend 5 --namespace todo --wait --timeout 5m",
      ],
    );
  });

  it("retries an unreachable cluster and, having changed nothing, rolls nothing back", async () => {
    const { run, changes, clock } = await setup([
      on("helm history", {
        code: 1,
        stderr: 'Error: Kubernetes cluster unreachable: Get "https://192.168.49.2:8443/version": dial tcp 192.168.49.2:8443: connect: connection refused\n',
      }),
    ]);
    const r = (await run()).steps[0]!;
    assert.equal(r.attempts, 3);
    assert.deepEqual(clock.sleeps, [2_000, 4_000]);
    assert.deepEqual(changes(), []);
    assert.equal(r.recovery, undefined);
    assert.match(r.remediation!, /minikube status/);
  });

  it("a new build: passes its tag to helm and waits until the pods run it (an old pod on its way out does not count)", async () => {
    const TAG = "1.0.0-4f9c2e1ab3d7-dirty-5e0a91c2f4";
    const cluster = healthyCluster();
    const fresh = cluster.pods.map((p) => {
      const component = p.metadata.labels["app.kubernetes.io/component"];
      return component === "backend" || component === "frontend"
        ? pod({ name: p.metadata.name.replace("7d9c6b5f4", "58c7d6e9b"), component, image: `todo-${component}:${TAG}` })
        : p;
    });
    let looks = 0;
    let later: typeof fresh | undefined;
    const rolling: FakeCluster = {
      ...cluster,
      get pods() {
        if (later) return later;
        looks++;
        // First look: only the old build, every pod Ready (a gate that ignored images would pass here).
        if (looks === 1) return cluster.pods;
        // Then the old pods are being deleted, the new ones serve.
        if (looks === 2)
          return [...fresh, pod({ name: "todo-chatbot-backend-7d9c6b5f4-x2k8q", component: "backend", deletionTimestamp: "2026-02-01T11:59:58Z" })];
        return fresh;
      },
    };
    const { run, changes, clock, ctx } = await setup(
      [on("helm history", history(rev(1, "superseded"), rev(2, "deployed"))), on("helm upgrade", UPGRADED(3))],
      rolling,
      { tag: TAG },
    );
    const result = await run();
    assert.equal(result.ok, true, result.steps[0]!.summary);
    assert.equal(changes()[0]!.replace(/ -f \S+values-local\.yaml/, ""), `${UPGRADE.replaceAll("image.tag=1.0.0", `image.tag=${TAG}`)} --wait --timeout 5m`);
    assert.deepEqual(clock.sleeps, [ctx.settings.pollMs], "waited while the old build was the one serving");
    assert.match(result.steps[0]!.summary, new RegExp(`todo-chatbot revision 3 with images ${TAG} \\(was 2\\)`));

    // The monitor after it, in the same run: every app pod runs the new build.
    const monitor = await monitorStep.run(ctx, { log() {} });
    assert.match(monitor.summary, /^4 pods Ready/);
    // A pod left on the old build after this run's release is a release that did not roll.
    later = [...fresh.slice(0, 2), cluster.pods[2]!, ...fresh.slice(3)];
    await assert.rejects(
      monitorStep.run(ctx, { log() {} }),
      (err: GateFailure) =>
        err.transient === false &&
        err.message === `1 problem(s): pod todo-chatbot-frontend-7d9c6b5f4-p9w7z runs todo-frontend:1.0.0, not todo-frontend:${TAG}: the release did not roll`,
    );
  });

  it("helm test runs without --logs (Helm 3 fails on it) and a failed test pod's log is read through the API", async () => {
    const cluster = healthyCluster();
    cluster.pods.push(pod({ name: "todo-chatbot-backend-test", component: "test", phase: "Failed", ready: false }));
    const { run, changes } = await setup(
      [
        on("helm history", history(rev(1, "superseded"), rev(2, "deployed"))),
        on("helm upgrade", UPGRADED(3)),
        on("helm test", { code: 1, stderr: "Error: 1 error occurred:\n\t* pod todo-chatbot-backend-test failed\n" }),
      ],
      {
        ...cluster,
        logs: { "todo-chatbot-backend-test": "http://todo-chatbot-backend:8000/health/live 200\nhttp://todo-chatbot-backend:8000/health/ready 503\n" },
      },
    );
    const r = (await run()).steps[0]!;
    assert.equal(r.status, "failed");
    assert.ok(changes().includes("helm test todo-chatbot --namespace todo-app --timeout 2m"));
    assert.ok(!changes().some((l) => l.includes("--logs")));
    assert.deepEqual(r.details.slice(-3), [
      "log of todo-chatbot-backend-test (Failed):",
      "  http://todo-chatbot-backend:8000/health/live 200",
      "  http://todo-chatbot-backend:8000/health/ready 503",
    ]);
  });

  it("waits for a namespace still being deleted by an earlier cleanup, then creates it labelled (not a quota problem)", async () => {
    const cluster: FakeCluster = { ...healthyCluster(), namespaces: [{ name: "todo-app", phase: "Terminating", readsUntilGone: 2 }] };
    const { run, clock, ctx, api } = await setup([on("helm history", NOT_FOUND), on("helm upgrade", UPGRADED(1))], cluster);
    const result = await run();
    assert.equal(result.ok, true, result.steps[0]!.summary);
    assert.deepEqual(clock.sleeps.slice(0, 2), [ctx.settings.pollMs, ctx.settings.pollMs]);
    assert.equal(api.namespaces.get("todo-app")!.labels!["pod-security.kubernetes.io/enforce"], "restricted");
  });

  it("classifies helm's 'being terminated' refusal as transient, not as the cluster's policy", () => {
    const c = classifyOutput(
      'Error: INSTALLATION FAILED: create: failed to create: secrets "sh.helm.release.v1.todo-chatbot.v1" is forbidden: unable to create new content in namespace todo-app because it is being terminated',
    );
    assert.deepEqual(c, { transient: true, reason: "namespace being deleted" });
  });

  it("leaves a namespace's own Pod Security level alone", async () => {
    const cluster: FakeCluster = { ...healthyCluster(), namespaces: [{ name: "todo-app", labels: { "pod-security.kubernetes.io/enforce": "baseline" } }] };
    const { run, api } = await setup([on("helm history", history(rev(1, "deployed"))), on("helm upgrade", UPGRADED(2))], cluster);
    const result = await run();
    assert.match(result.steps[0]!.summary, /^namespace todo-app keeps its own Pod Security level "baseline"/);
    assert.ok(!api.requests.some((r) => r.startsWith("PATCH")));
  });

  it("decides: back to the last deployed revision only when a newer one exists", () => {
    assert.deepEqual(decideRollback(2, rev(3, "failed")), { action: "rollback", revision: 2, reason: "revision 3 is failed" });
    assert.deepEqual(decideRollback(2, rev(3, "deployed")), { action: "rollback", revision: 2, reason: "revision 3 is deployed" });
    assert.equal(decideRollback(2, rev(2, "deployed")).action, "keep");
    assert.equal(decideRollback(undefined, rev(1, "failed")).action, "keep");
    assert.equal(decideRollback(undefined, undefined).action, "keep");
  });
});
