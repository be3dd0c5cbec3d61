/**
 * The monitor step over a cluster's own JSON: the real @kubernetes/client-node against a local
 * server that answers as an API server (pods, deployments, events, metrics.k8s.io, the service
 * proxy). Healthy releases pass; a crash loop, a fresh warning, memory at its limit, a missing
 * image, a failing health route or an unreachable API server fail with the right verdict.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createKubeClient } from "../src/kube.ts";
import { GateFailure, runPipeline } from "../src/pipeline.ts";
import { monitorStep } from "../src/steps/monitor.step.ts";
import { healthyCluster, event, pod, podMetrics } from "./cluster-fixtures.ts";
import { startFakeApiServer, kubeConfigFor } from "./fake-api-server.ts";
import { scriptedRunner } from "./fake-runner.ts";
import { testContext } from "./test-context.ts";

const servers: { close(): Promise<void> }[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function monitorWith(cluster: ReturnType<typeof healthyCluster> | Record<string, unknown>) {
  const api = await startFakeApiServer(cluster);
  servers.push(api);
  const { ctx, clock } = testContext({ runner: scriptedRunner(), kube: createKubeClient(api.kubeConfig()) });
  const logs: string[] = [];
  const run = () => monitorStep.run(ctx, { log: (l) => logs.push(l) });
  return { api, ctx, clock, logs, run };
}

async function failureOf(p: Promise<unknown>): Promise<GateFailure> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GateFailure, `expected a GateFailure, got ${String(err)}`);
    return err;
  }
  assert.fail("the gate passed");
}

describe("monitor", () => {
  it("passes a healthy release and prints a report with resource use against the limits", async () => {
    const { run, logs, api } = await monitorWith(healthyCluster());
    const outcome = await run();
    assert.equal(outcome.summary, "4 pods Ready, 0 restarts, no warning events, 4 health routes OK");
    // The table: the finished migration pod and helm's test pods are not the app's.
    assert.match(logs[0]!, /^POD\s+PHASE\s+READY\s+RESTARTS\s+STATE\s+CPU\s+MEMORY$/);
    const backend = logs.find((l) => l.startsWith("todo-chatbot-backend-7d9c6b5f4-x2k8q"))!;
    assert.match(backend, /Running\s+1\/1\s+0\s+Ready\s+3m \(0% of limit\)\s+96Mi \(9% of limit\)/);
    assert.ok(!logs.some((l) => l.includes("migrate")));
    // Read through the API, by label, and the routes through the service proxy.
    assert.ok(api.requests.includes("GET /api/v1/namespaces/todo-app/pods?labelSelector=app.kubernetes.io%2Finstance%3Dtodo-chatbot"));
    assert.ok(api.requests.includes("GET /apis/metrics.k8s.io/v1beta1/namespaces/todo-app/pods"));
    assert.ok(api.requests.includes("GET /api/v1/namespaces/todo-app/services/todo-chatbot-backend:8000/proxy/health/ready"));
    assert.ok(api.requests.includes("GET /api/v1/namespaces/todo-app/services/todo-chatbot-frontend:3000/proxy/api/health/ready"));
  });

  it("fails on a crash-looping pod, permanently, pointing at its previous log", async () => {
    const cluster = healthyCluster();
    cluster.pods[0] = pod({
      name: "todo-chatbot-backend-7d9c6b5f4-x2k8q",
      component: "backend",
      restarts: 7,
      waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container=backend" },
      lastTerminated: { exitCode: 1, reason: "Error" },
    });
    const { run } = await monitorWith(cluster);
    const f = await failureOf(run());
    assert.equal(f.transient, false);
    assert.match(f.message, /container backend of todo-chatbot-backend-7d9c6b5f4-x2k8q is crash-looping: 7 restarts \(last exit 1 Error\)/);
    assert.match(f.remediation, /kubectl logs -n todo-app <pod> --previous/);
    assert.ok(
      f.details.some((d) => /CrashLoopBackOff/.test(d)),
      "the report row shows the waiting reason",
    );
  });

  it("fails on a fresh Warning event about the release, not on old, foreign or start-up ones", async () => {
    const cluster = healthyCluster();
    cluster.events.push(
      event({
        object: { kind: "Pod", name: "todo-chatbot-frontend-7d9c6b5f4-4hj2m" },
        reason: "Unhealthy",
        message: 'Liveness probe failed: Get "http://10.244.0.18:3000/api/health": context deadline exceeded',
        last: "2026-02-01T11:58:30Z",
        count: 3,
      }),
    );
    const { run } = await monitorWith(cluster);
    const f = await failureOf(run());
    assert.equal(
      f.message,
      '1 problem(s): Warning Unhealthy on Pod todo-chatbot-frontend-7d9c6b5f4-4hj2m (×3): Liveness probe failed: Get "http://10.244.0.18:3000/api/health": context deadline exceeded',
    );
    assert.equal(f.transient, false);
    assert.match(f.remediation, /--field-selector type=Warning/);
  });

  it("passes a readiness probe that failed once after the pod was Ready and is Ready again, with a note (a backend restart looks so)", async () => {
    const cluster = healthyCluster();
    cluster.events.push(
      event({
        object: { kind: "Pod", name: "todo-chatbot-frontend-7d9c6b5f4-4hj2m" },
        reason: "Unhealthy",
        message: "Readiness probe failed: HTTP probe failed with statuscode: 503",
        last: "2026-02-01T11:58:30Z",
        count: 1,
      }),
    );
    const { run } = await monitorWith(cluster);
    const outcome = await run();
    assert.match(outcome.summary, /^4 pods Ready, 0 restarts, no warning events, 4 health routes OK \(1 note\(s\)\)$/);
    assert.ok(
      outcome.details!.includes(
        "note: todo-chatbot-frontend-7d9c6b5f4-4hj2m: 1 failed probe(s) after it was Ready, Ready again: Readiness probe failed: HTTP probe failed with statuscode: 503",
      ),
    );
  });

  it("reports a pod on another build than this checkout's as a note when it did not deploy in this run", async () => {
    const cluster = healthyCluster();
    cluster.pods[0] = pod({ name: "todo-chatbot-backend-7d9c6b5f4-x2k8q", component: "backend", image: "todo-backend:0.9.0" });
    const { run } = await monitorWith(cluster);
    const outcome = await run();
    assert.ok(
      outcome.details!.includes(
        "note: pod todo-chatbot-backend-7d9c6b5f4-x2k8q runs todo-backend:0.9.0, not todo-backend:1.0.0 (the release runs another build than this checkout's)",
      ),
    );
  });

  it("fails when a container uses 90% or more of its memory limit", async () => {
    const cluster = healthyCluster();
    cluster.metrics[1] = podMetrics("todo-chatbot-frontend-7d9c6b5f4-4hj2m", { frontend: { cpu: "120m", memory: "490Mi" } });
    const { run } = await monitorWith(cluster);
    const f = await failureOf(run());
    assert.match(f.message, /container frontend of todo-chatbot-frontend-7d9c6b5f4-4hj2m uses 490Mi of its 512Mi memory limit \(96%\)/);
    assert.match(f.remediation, /resources\.limits/);
  });

  it("passes without the metrics API, and says resource use was not checked", async () => {
    const cluster = { ...healthyCluster(), metrics: "absent" as const };
    const { run } = await monitorWith(cluster);
    const outcome = await run();
    assert.match(outcome.summary, /\(1 note\(s\)\)$/);
    assert.ok(
      outcome.details!.some(
        (d) => d === "note: metrics API (metrics.k8s.io) not available: resource use not checked. On Minikube: minikube addons enable metrics-server",
      ),
    );
  });

  it("fails permanently when the cluster cannot find an image (ErrImageNeverPull) and says how to load it", async () => {
    const cluster = healthyCluster();
    cluster.pods[1] = pod({
      name: "todo-chatbot-frontend-7d9c6b5f4-4hj2m",
      component: "frontend",
      waiting: { reason: "ErrImageNeverPull", message: 'Container image "todo-frontend:1.0.0" is not present with pull policy of Never' },
    });
    cluster.deployments[1] = { ...cluster.deployments[1], status: { ...cluster.deployments[1]!.status, readyReplicas: 1, availableReplicas: 1 } };
    const { run } = await monitorWith(cluster);
    const f = await failureOf(run());
    assert.equal(f.transient, false);
    assert.ok(
      f.details.includes(
        'container frontend of todo-chatbot-frontend-7d9c6b5f4-4hj2m: ErrImageNeverPull (todo-frontend:1.0.0): Container image "todo-frontend:1.0.0" is not present with pull policy of Never',
      ),
    );
    assert.match(f.remediation, /npm run deploy -- build/);
    assert.match(f.remediation, /minikube image ls/);
  });

  it("retries a health route that answers 503 (transient), three attempts in all", async () => {
    const cluster = healthyCluster();
    cluster.proxy["todo-chatbot-backend:8000/health"] = { status: 503, body: '{"status":"unhealthy","database":"unreachable"}' };
    const { ctx, clock } = await monitorWith(cluster);
    const result = await runPipeline([monitorStep], ctx, { sleep: clock.sleep, now: clock.now });
    const r = result.steps[0]!;
    assert.equal(r.status, "failed");
    assert.equal(r.attempts, 3);
    assert.deepEqual(clock.sleeps, [2_000, 4_000]);
    assert.match(r.summary, /GET \/health through Service todo-chatbot-backend: HTTP 503 \{"status":"unhealthy"/);
    assert.match(r.remediation!, /DATABASE_URL/);
  });

  it("treats a Service without endpoints and pods still starting as transient", async () => {
    const cluster = healthyCluster();
    cluster.pods[0] = pod({ name: "todo-chatbot-backend-7d9c6b5f4-x2k8q", component: "backend", ready: false });
    delete (cluster.proxy as Record<string, unknown>)["todo-chatbot-backend:8000/health/ready"];
    const { run } = await monitorWith(cluster);
    const f = await failureOf(run());
    assert.equal(f.transient, true);
    assert.ok(f.details.some((d) => /no endpoints available for service/.test(d)));
    assert.ok(f.details.includes("pod todo-chatbot-backend-7d9c6b5f4-x2k8q is Running, not Ready yet"));
  });

  it("reports an unreachable API server as transient, with how to start the cluster", async () => {
    const closed = await startFakeApiServer({});
    const url = closed.url;
    await closed.close();
    const { ctx } = testContext({ runner: scriptedRunner(), kube: createKubeClient(kubeConfigFor(url)) });
    const f = await failureOf(monitorStep.run(ctx, { log() {} }));
    assert.equal(f.transient, true);
    assert.match(f.message, /^reading the release in todo-app: .*ECONNREFUSED/);
    assert.match(f.remediation, /minikube status/);
  });

  it("reads the split layout's two releases and their Services (seed 004)", async () => {
    const cluster = healthyCluster();
    const api = await startFakeApiServer({
      pods: [
        pod({ name: "todo-backend-6f5d4c3b2-abcde", component: "backend", release: "todo-backend" }),
        pod({ name: "todo-frontend-6f5d4c3b2-fghij", component: "frontend", release: "todo-frontend" }),
      ].map((p) => ({ ...p, metadata: { ...p.metadata, namespace: "todo" } })),
      deployments: [],
      events: [],
      metrics: "absent",
      proxy: {
        "todo-backend:8000/health": cluster.proxy["todo-chatbot-backend:8000/health"]!,
        "todo-backend:8000/health/ready": { status: 200, body: "{}" },
        "todo-frontend:3000/api/health": { status: 200, body: "{}" },
        "todo-frontend:3000/api/health/ready": { status: 200, body: "{}" },
      },
    });
    servers.push(api);
    const { ctx } = testContext({ runner: scriptedRunner(), kube: createKubeClient(api.kubeConfig()), target: { values: "clusterip" } });
    const outcome = await monitorStep.run(ctx, { log() {} });
    assert.match(outcome.summary, /^2 pods Ready/);
    assert.ok(api.requests.includes("GET /api/v1/namespaces/todo/pods?labelSelector=app.kubernetes.io%2Finstance%3Dtodo-frontend"));
    assert.ok(api.requests.includes("GET /api/v1/namespaces/todo/services/todo-backend:8000/proxy/health"));
  });
});
