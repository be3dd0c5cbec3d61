/**
 * status, rollback and cleanup: helm scripted (exact command lines), the cluster through the real
 * client against the local API server.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createKubeClient } from "../src/kube.ts";
import type { GateFailure } from "../src/pipeline.ts";
import { cleanupStep } from "../src/steps/cleanup.step.ts";
import { rollbackStep } from "../src/steps/rollback.step.ts";
import { statusStep } from "../src/steps/status.step.ts";
import { healthyCluster } from "./cluster-fixtures.ts";
import { startFakeApiServer, type FakeCluster } from "./fake-api-server.ts";
import { on, scriptedRunner, type Rule } from "./fake-runner.ts";
import { testContext } from "./test-context.ts";

const servers: { close(): Promise<void> }[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function setup(
  rules: Rule[],
  opts: Parameters<typeof testContext>[0] extends infer O ? Partial<O> : never = {},
  cluster: FakeCluster = healthyCluster(),
) {
  const api = await startFakeApiServer(cluster);
  servers.push(api);
  const runner = scriptedRunner(...rules);
  const { ctx } = testContext({ runner, kube: createKubeClient(api.kubeConfig()), ...opts });
  const changes = () => runner.calls.filter((c) => !c.opts.probe).map((c) => c.line);
  return { ctx, api, runner, changes };
}

const helmStatus = (status: string) => ({
  stdout: JSON.stringify({
    name: "todo-chatbot",
    namespace: "todo-app",
    version: 4,
    info: {
      status,
      description: status === "deployed" ? "Upgrade complete" : 'Upgrade "todo-chatbot" failed: context deadline exceeded',
      last_deployed: "2026-02-01T11:50:00Z",
    },
    chart: { metadata: { name: "todo-chatbot", version: "1.0.0", appVersion: "1.0.0" } },
  }),
});

describe("status, rollback, cleanup", () => {
  it("status: passes for a deployed release and reports its revision", async () => {
    const { ctx } = await setup([on("helm status", helmStatus("deployed"))]);
    const outcome = await statusStep.run(ctx, { log() {} });
    assert.equal(outcome.summary, "todo-chatbot: revision 4 deployed (Upgrade complete, app 1.0.0, 2026-02-01T11:50:00Z)");
  });

  it("status: fails for a failed release (pointing at rollback) and for a missing one (pointing at all)", async () => {
    const failed = await setup([on("helm status", helmStatus("failed"))]);
    await assert.rejects(
      statusStep.run(failed.ctx, { log() {} }),
      (e: GateFailure) => e.message === "todo-chatbot is failed" && /npm run deploy -- rollback/.test(e.remediation),
    );
    const missing = await setup([on("helm status", { code: 1, stderr: "Error: release: not found\n" })]);
    await assert.rejects(
      statusStep.run(missing.ctx, { log() {} }),
      (e: GateFailure) => /not installed in todo-app/.test(e.message) && /npm run deploy -- all/.test(e.remediation),
    );
  });

  it("rollback: the frontend first, to --revision N, then waits for Ready pods (none come here: the wait fails)", async () => {
    const { ctx, changes } = await setup([], { target: { values: "clusterip" }, settings: { rollbackTo: 3 } });
    const api = await startFakeApiServer({ ...healthyCluster(), pods: [], deployments: [] });
    servers.push(api);
    ctx.kube = () => createKubeClient(api.kubeConfig());
    await assert.rejects(rollbackStep.run(ctx, { log() {} }), /no pods of the release/);
    assert.deepEqual(changes(), [
      "helm rollback todo-frontend 3 --namespace todo --wait --timeout 5m",
      "helm rollback todo-backend 3 --namespace todo --wait --timeout 5m",
    ]);
  });

  /** A namespace as a deploy left it: made by the CLI, with the database's volume and the kept Secrets. */
  const deployed = (extra: Partial<FakeCluster> = {}): FakeCluster => {
    const instance = { "app.kubernetes.io/instance": "todo-chatbot", "app.kubernetes.io/part-of": "todo-chatbot", "app.kubernetes.io/managed-by": "Helm" };
    return {
      ...healthyCluster(),
      namespaces: [{ name: "todo-app", labels: { "app.kubernetes.io/created-by": "todo-deploy-cli", "pod-security.kubernetes.io/enforce": "restricted" } }],
      secrets: [
        {
          metadata: { name: "todo-chatbot-backend-secret", namespace: "todo-app", labels: { ...instance, "app.kubernetes.io/component": "backend" } },
          type: "Opaque",
        },
        {
          metadata: { name: "todo-chatbot-backend-postgresql", namespace: "todo-app", labels: { ...instance, "app.kubernetes.io/component": "database" } },
          type: "Opaque",
        },
        ...(extra.secrets ?? []),
      ],
      persistentVolumeClaims: [
        // The StatefulSet's claim carries its selector's labels.
        {
          metadata: {
            name: "data-todo-chatbot-backend-postgresql-0",
            namespace: "todo-app",
            labels: { "app.kubernetes.io/name": "backend-database", "app.kubernetes.io/instance": "todo-chatbot", "app.kubernetes.io/component": "database" },
          },
        },
      ],
    };
  };
  const noEngine = [on("docker info", { code: 1 }), on("podman info", { code: 1 })];

  it("cleanup: removes smoke leftovers, uninstalls, removes the database's volume and kept Secrets, deletes the namespace it created and waits until it is gone", async () => {
    const { ctx, changes, api } = await setup(
      [
        on("docker info", { code: 1 }),
        on("podman info", { stdout: "4.3.1" }),
        on("podman ps", { stdout: "3f2a1b\n" }),
        on("podman network ls", { stdout: "todo-smoke-abc123\n" }),
      ],
      {},
      deployed(),
    );
    const logs: string[] = [];
    const outcome = await cleanupStep.run(ctx, { log: (l) => logs.push(l) });
    assert.deepEqual(changes(), [
      "podman rm --force 3f2a1b",
      "podman network rm todo-smoke-abc123",
      "helm uninstall todo-chatbot --namespace todo-app --wait --timeout 5m",
    ]);
    assert.deepEqual(
      api.requests.filter((r) => r.startsWith("DELETE")),
      [
        "DELETE /api/v1/namespaces/todo-app/persistentvolumeclaims/data-todo-chatbot-backend-postgresql-0",
        "DELETE /api/v1/namespaces/todo-app/secrets/todo-chatbot-backend-secret",
        "DELETE /api/v1/namespaces/todo-app/secrets/todo-chatbot-backend-postgresql",
        "DELETE /api/v1/namespaces/todo-app",
      ],
    );
    assert.equal(api.namespaces.has("todo-app"), false, "gone before cleanup returned");
    assert.ok(logs.includes("waiting for namespace todo-app to be gone"));
    assert.equal(
      outcome.summary,
      "1 smoke container(s) and 1 network(s) removed; todo-chatbot uninstalled; the database's data removed (PersistentVolumeClaim data-todo-chatbot-backend-postgresql-0, Secret todo-chatbot-backend-secret, Secret todo-chatbot-backend-postgresql); namespace todo-app deleted",
    );
  });

  it("cleanup: never deletes a Secret you made (secret.existingSecret), nor the namespace that holds it", async () => {
    const mine = { metadata: { name: "my-secrets", namespace: "todo-app", labels: {} }, type: "Opaque" };
    const token = { metadata: { name: "default-token-x2x9z", namespace: "todo-app", labels: {} }, type: "kubernetes.io/service-account-token" };
    const { ctx, api } = await setup(noEngine, {}, deployed({ secrets: [mine, token] }));
    const outcome = await cleanupStep.run(ctx, { log() {} });
    assert.ok(!api.requests.includes("DELETE /api/v1/namespaces/todo-app/secrets/my-secrets"));
    assert.ok(!api.requests.includes("DELETE /api/v1/namespaces/todo-app"));
    assert.match(outcome.summary, /namespace todo-app kept: it holds Secret my-secrets, which this CLI did not make$/);
  });

  it("cleanup --keep-data: the volume, its Secrets and the namespace stay for the next deploy", async () => {
    const { ctx, api } = await setup(noEngine, { settings: { keepData: true, keepNamespace: true } }, deployed());
    const outcome = await cleanupStep.run(ctx, { log() {} });
    assert.deepEqual(
      api.requests.filter((r) => r.startsWith("DELETE")),
      [],
    );
    assert.match(outcome.summary, /the database's volume and Secrets kept \(--keep-data\): a later deploy finds its data; namespace todo-app kept$/);
  });

  it("cleanup: a namespace this CLI did not create is kept, and says how to remove it", async () => {
    const { ctx, api } = await setup(noEngine, {}, { ...deployed(), namespaces: ["todo-app"] });
    const outcome = await cleanupStep.run(ctx, { log() {} });
    assert.ok(!api.requests.includes("DELETE /api/v1/namespaces/todo-app"));
    assert.match(outcome.summary, /namespace todo-app kept: this CLI did not create it \(kubectl delete namespace todo-app removes it/);
  });

  it("cleanup --images: removes every tag of both images, nothing else", async () => {
    const { ctx, changes } = await setup(
      [
        on("docker info", { code: 1 }),
        on("podman info", { stdout: "4.3.1" }),
        on("podman images", {
          stdout:
            "localhost/todo-backend:1.0.0-4f9c2e1ab3d7\ndocker.io/library/todo-backend:1.0.0-4f9c2e1ab3d7\nlocalhost/todo-frontend:1.0.0-0a1b2c3d4e5f-dirty-9f8e7d6c5b\ndocker.io/library/node:24-bookworm-slim\nlocalhost/todo-backend-tools:1\n<none>:<none>\n",
        }),
      ],
      { settings: { removeImages: true } },
      deployed(),
    );
    const outcome = await cleanupStep.run(ctx, { log() {} });
    assert.deepEqual(
      changes().filter((l) => l.startsWith("podman rmi")),
      [
        "podman rmi --force localhost/todo-backend:1.0.0-4f9c2e1ab3d7",
        "podman rmi --force docker.io/library/todo-backend:1.0.0-4f9c2e1ab3d7",
        "podman rmi --force localhost/todo-frontend:1.0.0-0a1b2c3d4e5f-dirty-9f8e7d6c5b",
      ],
    );
    assert.match(outcome.summary, /3 image tag\(s\) of todo-backend and todo-frontend removed/);
  });

  it("cleanup: a release that is not installed is fine; a cluster's own namespace is never deleted", async () => {
    const { ctx, api } = await setup(
      [...noEngine, on("helm uninstall", { code: 1, stderr: "Error: uninstall: Release not loaded: todo-chatbot: release: not found\n" })],
      { target: { values: "base" } },
    );
    const outcome = await cleanupStep.run(ctx, { log() {} });
    assert.equal(outcome.summary, "todo-chatbot was not installed; no kept database data; namespace default kept (a cluster's own namespace)");
    assert.ok(!api.requests.some((r) => r.startsWith("DELETE")));
  });
});
