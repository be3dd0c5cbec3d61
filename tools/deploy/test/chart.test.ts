/**
 * The chart step for real: the repository's helm binary lints and renders the charts for both
 * seeds' layouts, and the gate checks the objects against the Kubernetes schemas, the namespace
 * and the images the build makes. Broken values fail permanently with a remediation.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { helmPath } from "@todo/deploy/helm/helm.ts";
import { GateFailure } from "../src/pipeline.ts";
import { createRealRunner } from "../src/runner.ts";
import { chartStep, checkObjects, type RenderedObject } from "../src/steps/chart.step.ts";
import { repoRoot } from "../src/target.ts";
import { testContext } from "./test-context.ts";

const helmBin = helmPath();
const tmp = mkdtempSync(join(tmpdir(), "todo-deploy-chart-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function chartContext(target = {}) {
  return testContext({ runner: createRealRunner({ cwd: repoRoot }), target, helmBin }).ctx;
}

async function failureOf(p: Promise<unknown>): Promise<GateFailure> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GateFailure, String(err));
    return err;
  }
  assert.fail("the gate passed");
}

describe("chart (real helm)", () => {
  it("lints and renders todo-chatbot with values-minikube.yaml (seed 000): valid objects in todo-app", async () => {
    const ctx = chartContext();
    const logs: string[] = [];
    const outcome = await chartStep.run(ctx, { log: (l) => logs.push(l) });
    assert.equal(outcome.summary, "todo-chatbot lint clean; 1 release(s) render valid objects in todo-app");
    assert.match(outcome.details![0]!, /^todo-chatbot \(todo-chatbot, deploy\/helm\/todo-chatbot\/values-minikube\.yaml.*\): \d+ objects, .*2 Deployment/);
    // The chart's dependencies are built from the chart folders first (never committed archives).
    assert.equal(
      logs[0],
      "built deploy/helm/todo-chatbot's dependencies from their folders: todo-backend/charts/todo-lib-1.0.0.tgz, todo-frontend/charts/todo-lib-1.0.0.tgz, todo-chatbot/charts/todo-lib-1.0.0.tgz, todo-chatbot/charts/todo-backend-1.0.0.tgz, todo-chatbot/charts/todo-frontend-1.0.0.tgz",
    );
    assert.ok(logs[1]!.startsWith("helm lint --strict deploy/helm/todo-chatbot --namespace todo-app -f deploy/helm/todo-chatbot/values-minikube.yaml"));
    // The release step reuses what was rendered: the migration hook's timing decides --wait.
    const objects = ctx.state.rendered.get("todo-chatbot")!;
    assert.ok(objects.some((o) => o.kind === "Job"));
  });

  it("lints and renders both releases of seed 004's split layout in todo", async () => {
    const ctx = chartContext({ values: "clusterip" });
    const outcome = await chartStep.run(ctx, { log() {} });
    assert.equal(outcome.summary, "todo-backend and todo-frontend lint clean; 2 release(s) render valid objects in todo");
    assert.match(outcome.details![0]!, /ResourceQuota/, "the backend release owns the namespace's quota");
  });

  it("fails permanently on an invalid value, naming it, with what to do", async () => {
    const ctx = chartContext();
    const bad = join(tmp, "values-bad.yaml");
    writeFileSync(bad, "backend:\n  replicaCount: two\n");
    ctx.target.releases[0]!.valuesFiles.push(bad);
    const f = await failureOf(chartStep.run(ctx, { log() {} }));
    assert.equal(f.transient, false);
    assert.match(f.message, /^helm lint --strict todo-chatbot failed/);
    assert.ok(
      f.details.some((d) => /replicaCount/.test(d)),
      f.details.join("\n"),
    );
    assert.match(f.remediation, /values-local\.yaml/);
  });

  it("fails when the overlay is rendered for another namespace than its own", async () => {
    const ctx = chartContext();
    ctx.target.namespace = "default";
    const f = await failureOf(chartStep.run(ctx, { log() {} }));
    assert.match([f.message, ...f.details].join("\n"), /namespace "todo-app", but the release is in "default"/);
  });

  it("checks objects: schema, namespace, and that the Deployments run the images the build makes", () => {
    const ctx = chartContext();
    const release = ctx.target.releases[0]!;
    const deploymentOf = (image: string, port: unknown = 8000): RenderedObject => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "todo-chatbot-backend", namespace: "todo-app" },
      spec: {
        selector: { matchLabels: { app: "backend" } },
        template: { metadata: { labels: { app: "backend" } }, spec: { containers: [{ name: "backend", image, ports: [{ containerPort: port }] }] } },
      } as never,
    });
    const frontend: RenderedObject = { ...deploymentOf("todo-frontend:1.0.0", 3000), metadata: { name: "todo-chatbot-frontend" } };
    assert.deepEqual(checkObjects(ctx, release, [deploymentOf("todo-backend:1.0.0"), frontend]), []);
    assert.deepEqual(checkObjects(ctx, release, [deploymentOf("docker.io/library/todo-backend:1.0.0"), frontend]), []);
    assert.deepEqual(checkObjects(ctx, release, [deploymentOf("todo-backend:0.9.0"), frontend]), [
      "todo-chatbot: no Deployment runs todo-backend:1.0.0 (the chart's images: todo-backend:0.9.0, todo-frontend:1.0.0); the build makes todo-backend:1.0.0",
    ]);
    const [invalid] = checkObjects(ctx, release, [deploymentOf("todo-backend:1.0.0", "eight thousand"), frontend]);
    assert.match(invalid!, /^Deployment todo-chatbot-backend is not a valid Deployment: .*containerPort/);
    const elsewhere = checkObjects(ctx, release, [
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "todo" } },
      deploymentOf("todo-backend:1.0.0"),
      frontend,
    ]);
    assert.deepEqual(elsewhere, ["ConfigMap x is for namespace todo, not todo-app"]);
  });
});
