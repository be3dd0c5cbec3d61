/**
 * status, rollback and cleanup: helm scripted (exact command lines), the cluster through the real
 * client against the local API server.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createKubeClient } from "../src/kube.ts";
import { GateFailure } from "../src/pipeline.ts";
import { cleanupStep } from "../src/steps/cleanup.step.ts";
import { rollbackStep } from "../src/steps/rollback.step.ts";
import { statusStep } from "../src/steps/status.step.ts";
import { healthyCluster } from "./cluster-fixtures.ts";
import { startFakeApiServer } from "./fake-api-server.ts";
import { on, scriptedRunner, type Rule } from "./fake-runner.ts";
import { testContext } from "./test-context.ts";

const servers: { close(): Promise<void> }[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function setup(rules: Rule[], opts: Parameters<typeof testContext>[0] extends infer O ? Partial<O> : never = {}) {
  const api = await startFakeApiServer(healthyCluster());
  servers.push(api);
  const runner = scriptedRunner(...rules);
  const { ctx } = testContext({ runner, kube: createKubeClient(api.kubeConfig()), ...opts });
  const changes = () => runner.calls.filter((c) => !c.opts.probe).map((c) => c.line);
  return { ctx, api, runner, changes };
}

const helmStatus = (status: string) => ({ stdout: JSON.stringify({ name: "todo-chatbot", namespace: "todo-app", version: 4, info: { status, description: status === "deployed" ? "Upgrade complete" : "Upgrade \"todo-chatbot\" failed: context deadline exceeded", last_deployed: "2026-02-01T11:50:00Z" }, chart: { metadata: { name: "todo-chatbot", version: "1.0.0", appVersion: "1.0.0" } } }) });

describe("status, rollback, cleanup", () => {
  it("status: passes for a deployed release and reports its revision", async () => {
    const { ctx } = await setup([on("helm status", helmStatus("deployed"))]);
    const outcome = await statusStep.run(ctx, { log() {} });
    assert.equal(outcome.summary, "todo-chatbot: revision 4 deployed (Upgrade complete, app 1.0.0, 2026-02-01T11:50:00Z)");
  });

  it("status: fails for a failed release (pointing at rollback) and for a missing one (pointing at all)", async () => {
    const failed = await setup([on("helm status", helmStatus("failed"))]);
    await assert.rejects(statusStep.run(failed.ctx, { log() {} }), (e: GateFailure) => e.message === "todo-chatbot is failed" && /npm run deploy -- rollback/.test(e.remediation));
    const missing = await setup([on("helm status", { code: 1, stderr: "Error: release: not found\n" })]);
    await assert.rejects(statusStep.run(missing.ctx, { log() {} }), (e: GateFailure) => /not installed in todo-app/.test(e.message) && /npm run deploy -- all/.test(e.remediation));
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

  it("cleanup: removes smoke leftovers, uninstalls, deletes the namespace through the API", async () => {
    const { ctx, changes, api } = await setup([
      on("docker info", { code: 1 }),
      on("podman info", { stdout: "4.3.1" }),
      on("podman ps", { stdout: "3f2a1b\n" }),
      on("podman network ls", { stdout: "todo-smoke-abc123\n" }),
    ]);
    const outcome = await cleanupStep.run(ctx, { log() {} });
    assert.deepEqual(changes(), ["podman rm --force 3f2a1b", "podman network rm todo-smoke-abc123", "helm uninstall todo-chatbot --namespace todo-app --wait --timeout 5m"]);
    assert.ok(api.requests.includes("DELETE /api/v1/namespaces/todo-app"));
    assert.equal(outcome.summary, "1 smoke container(s) and 1 network(s) removed; todo-chatbot uninstalled; namespace todo-app deleted (with the database volume, if any)");
  });

  it("cleanup: a release that is not installed is fine; a cluster's own namespace is never deleted", async () => {
    const { ctx, api } = await setup([on("docker info", { code: 1 }), on("podman info", { code: 1 }), on("helm uninstall", { code: 1, stderr: "Error: uninstall: Release not loaded: todo-chatbot: release: not found\n" })], { target: { values: "base" } });
    const outcome = await cleanupStep.run(ctx, { log() {} });
    assert.equal(outcome.summary, "todo-chatbot was not installed; namespace default kept (a cluster's own namespace)");
    assert.ok(!api.requests.some((r) => r.startsWith("DELETE")));
  });
});
