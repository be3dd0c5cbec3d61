/**
 * The release step and its rollback decision: helm through a scripted runner (exact command
 * lines), the pods through the real @kubernetes/client-node against a local API server answering
 * with a cluster's JSON. Retries only what is transient; rolls back to the last deployed revision
 * when a new revision went wrong; keeps a failed first install for debugging; touches nothing
 * when helm stopped before changing anything.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createKubeClient } from "../src/kube.ts";
import { runPipeline } from "../src/pipeline.ts";
import { decideRollback, needsWait, releaseStep } from "../src/steps/release.step.ts";
import { deployment, healthyCluster, pod } from "./cluster-fixtures.ts";
import { startFakeApiServer, type FakeCluster } from "./fake-api-server.ts";
import { on, scriptedRunner, type Rule } from "./fake-runner.ts";
import { testContext } from "./test-context.ts";

const servers: { close(): Promise<void> }[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

const rev = (revision: number, status: string, description = "Upgrade complete") => ({ revision, updated: "2026-02-01T11:00:00.000000+00:00", status, chart: "todo-chatbot-1.0.0", app_version: "1.0.0", description });
const history = (...entries: ReturnType<typeof rev>[]) => ({ stdout: JSON.stringify(entries) });
const NOT_FOUND = { code: 1, stderr: "Error: release: not found\n" };
const UPGRADED = (n: number) => ({ stdout: `Release "todo-chatbot" has been upgraded. Happy Helming!\nNAME: todo-chatbot\nNAMESPACE: todo-app\nSTATUS: deployed\nREVISION: ${n}\n` });
const POST_INSTALL_JOB = `---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: todo-chatbot-backend-migrate\n  annotations:\n    helm.sh/hook: post-install,pre-upgrade\n`;

async function setup(rules: Rule[], cluster: FakeCluster = healthyCluster(), target = {}) {
  const api = await startFakeApiServer(cluster);
  servers.push(api);
  const runner = scriptedRunner(...rules);
  const { ctx, clock } = testContext({ runner, kube: createKubeClient(api.kubeConfig()), target, settings: { readyTimeoutMs: 60_000 } });
  const run = () => runPipeline([releaseStep], ctx, { sleep: clock.sleep, now: clock.now });
  /** helm commands that change the cluster (probes — history, template — left out). */
  const changes = () => runner.calls.filter((c) => !c.opts.probe).map((c) => c.line);
  return { runner, ctx, clock, run, changes, api };
}

const UPGRADE = "helm upgrade --install todo-chatbot deploy/helm/todo-chatbot --namespace todo-app --create-namespace -f deploy/helm/todo-chatbot/values-minikube.yaml";

describe("release", () => {
  it("upgrades an installed release with --wait, then checks pods through the API and runs helm test", async () => {
    const { run, changes, runner } = await setup([on("helm history", history(rev(1, "superseded", "Install complete"), rev(2, "deployed"))), on("helm upgrade", UPGRADED(3))]);
    const result = await run();
    assert.equal(result.ok, true, result.steps[0]!.summary);
    assert.deepEqual(runner.lines()[0], "helm history todo-chatbot --namespace todo-app --max 20 -o json");
    assert.deepEqual(changes().filter((l) => !l.includes("values-local.yaml")), [
      `${UPGRADE} --wait --timeout 5m`,
      "helm test todo-chatbot --namespace todo-app --timeout 2m --logs",
    ]);
    assert.equal(result.steps[0]!.summary, "todo-chatbot revision 3 (was 2); 4 pods Running and Ready; helm test passed for todo-chatbot");
  });

  it("first install with the in-cluster database: no --wait (the migration hook runs after the install), the gate waits for Ready pods", async () => {
    const cluster = healthyCluster();
    // Starting: the backend becomes Ready on the third look.
    let looks = 0;
    const starting = pod({ name: "todo-chatbot-backend-7d9c6b5f4-x2k8q", component: "backend", ready: false });
    const ready = cluster.pods[0]!;
    const deployments = cluster.deployments;
    const dynamic: FakeCluster = {
      ...cluster,
      get pods() {
        looks++;
        return [looks < 3 ? starting : ready, ...cluster.pods.slice(1)];
      },
      get deployments() {
        return looks < 3 ? [deployment({ name: "todo-chatbot-backend", component: "backend", replicas: 1, ready: 0 }), deployments[1]!] : deployments;
      },
    };
    const { run, changes, clock, ctx } = await setup([on("helm history", NOT_FOUND), on("helm template", { stdout: POST_INSTALL_JOB }), on("helm upgrade", UPGRADED(1))], dynamic);
    const result = await run();
    assert.equal(result.ok, true, result.steps[0]!.summary);
    assert.equal(changes()[0]!.replace(/ -f \S+values-local\.yaml/, ""), `${UPGRADE} --timeout 5m`);
    assert.deepEqual(clock.sleeps, [ctx.settings.pollMs, ctx.settings.pollMs], "polled until Ready");
    assert.match(result.steps[0]!.summary, /todo-chatbot revision 1 \(first install\)/);
  });

  it("retries a helm timeout (transient) 3 times, then rolls back to the last deployed revision", async () => {
    let upgrades = 0;
    const { run, changes, clock } = await setup([
      on("helm history", () => (upgrades === 0 ? history(rev(1, "superseded"), rev(2, "deployed")) : history(rev(1, "superseded"), rev(2, "deployed"), ...Array.from({ length: upgrades }, (_, i) => rev(3 + i, "failed", "Upgrade \"todo-chatbot\" failed: context deadline exceeded"))))),
      on("helm upgrade", () => {
        upgrades++;
        return { code: 1, stderr: "Error: UPGRADE FAILED: resource Deployment/todo-app/todo-chatbot-backend not ready. status: InProgress\ncontext deadline exceeded\n" };
      }),
    ]);
    const result = await run();
    const r = result.steps[0]!;
    assert.equal(r.status, "failed");
    assert.equal(r.attempts, 3);
    assert.equal(r.transient, true);
    assert.deepEqual(clock.sleeps, [2_000, 4_000]);
    assert.deepEqual(changes().map((l) => l.replace(/ -f \S+values-local\.yaml/, "")), [
      `${UPGRADE} --wait --timeout 5m`,
      `${UPGRADE} --wait --timeout 5m`,
      `${UPGRADE} --wait --timeout 5m`,
      "helm rollback todo-chatbot 2 --namespace todo-app --wait --timeout 5m",
    ]);
    assert.equal(r.recovery, "todo-chatbot: rolled back to revision 2 (revision 5 is failed)");
  });

  it("does not retry an invalid value, and rolls nothing back when helm changed nothing", async () => {
    const { run, changes } = await setup([
      on("helm history", history(rev(1, "superseded"), rev(2, "deployed"))),
      on("helm upgrade", { code: 1, stderr: "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nbackend:\n- at '/replicaCount': got string, want integer\n" }),
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
    cluster.pods[0] = pod({ name: "todo-chatbot-backend-7d9c6b5f4-x2k8q", component: "backend", restarts: 4, waiting: { reason: "CrashLoopBackOff" }, lastTerminated: { exitCode: 1, reason: "Error" } });
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
      on("helm history", () => (installed ? history(rev(1, "failed", "Release \"todo-chatbot\" failed: context deadline exceeded")) : NOT_FOUND)),
      on("helm upgrade", () => {
        installed = true;
        return { code: 1, stderr: "Error: INSTALLATION FAILED: pods \"todo-chatbot-backend-1\" is forbidden: exceeded quota: todo-quota\n" };
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
          return upgraded.has(name) ? history(rev(4, "superseded"), rev(5, "deployed"), rev(6, name === "todo-frontend" ? "failed" : "deployed")) : history(rev(4, "superseded"), rev(5, "deployed"));
        }),
        on("helm upgrade", (call) => {
          upgraded.add(call.args[2]!);
          return call.args[2] === "todo-frontend" ? { code: 1, stderr: "Error: UPGRADE FAILED: an error occurred while rolling out: Deployment.apps \"todo-frontend\" is invalid: spec.template.spec.containers[0].image: Required value\n" } : UPGRADED(6);
        }),
      ],
      cluster,
      { values: "clusterip" },
    );
    const r = (await run()).steps[0]!;
    assert.equal(r.status, "failed");
    assert.deepEqual(changes().map((l) => l.replace(/ -f \S+values-local\.yaml/, "")), [
      "helm upgrade --install todo-backend deploy/helm/todo-backend --namespace todo --create-namespace -f deploy/helm/todo-backend/values-clusterip.yaml --wait --timeout 5m",
      "helm upgrade --install todo-frontend deploy/helm/todo-frontend --namespace todo --create-namespace -f deploy/helm/todo-frontend/values-clusterip.yaml --wait --timeout 5m",
      "helm rollback todo-frontend 5 --namespace todo --wait --timeout 5m",
      "helm rollback todo-backend 5 --namespace todo --wait --timeout 5m",
    ]);
  });

  it("retries an unreachable cluster and, having changed nothing, rolls nothing back", async () => {
    const { run, changes, clock } = await setup([on("helm history", { code: 1, stderr: 'Error: Kubernetes cluster unreachable: Get "https://192.168.49.2:8443/version": dial tcp 192.168.49.2:8443: connect: connection refused\n' })]);
    const r = (await run()).steps[0]!;
    assert.equal(r.attempts, 3);
    assert.deepEqual(clock.sleeps, [2_000, 4_000]);
    assert.deepEqual(changes(), []);
    assert.equal(r.recovery, undefined);
    assert.match(r.remediation!, /minikube status/);
  });

  it("decides: back to the last deployed revision only when a newer one exists", () => {
    assert.deepEqual(decideRollback(2, rev(3, "failed")), { action: "rollback", revision: 2, reason: "revision 3 is failed" });
    assert.deepEqual(decideRollback(2, rev(3, "deployed")), { action: "rollback", revision: 2, reason: "revision 3 is deployed" });
    assert.equal(decideRollback(2, rev(2, "deployed")).action, "keep");
    assert.equal(decideRollback(undefined, rev(1, "failed")).action, "keep");
    assert.equal(decideRollback(undefined, undefined).action, "keep");
    assert.equal(needsWait([{ kind: "Job", metadata: { annotations: { "helm.sh/hook": "post-install,pre-upgrade" } } }], true), false);
    assert.equal(needsWait([{ kind: "Job", metadata: { annotations: { "helm.sh/hook": "pre-install,pre-upgrade" } } }], true), true);
    assert.equal(needsWait([{ kind: "Job", metadata: { annotations: { "helm.sh/hook": "post-install,pre-upgrade" } } }], false), true);
  });
});
