/**
 * Generated secrets where helm CAN see the cluster: `helm template --dry-run=server` against a local
 * fake Kubernetes API server (discovery, and the Secrets and ConfigMaps that `lookup` reads), which
 * is what helm install and upgrade do before they apply anything. A first install generates the
 * values once for every Secret that carries them; an upgrade or reinstall reuses the values of the
 * Secrets kept in the cluster, and the pods' checksum/secret is then the one of the data they read.
 * (The renders elsewhere cannot see a cluster: there, secret.generateWithoutCluster makes throwaway
 * values, or the chart refuses.)
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { helmAsync } from "../helm.ts";
import { chartDir, find, KUBE_VERSION, parseManifests, render, secretValues, type K8sObject } from "./render.ts";

/**
 * Secrets in the fake cluster, by "namespace/name": their data as a cluster returns it (base64),
 * owned by release todo-backend, as a Secret helm kept on uninstall still is (helm install adopts
 * it only then).
 */
const secrets = new Map<string, Record<string, string>>();
const RELEASE = "todo-backend";

const RESOURCES: Record<string, [string, string[]]> = {
  v1: [
    "",
    [
      "secrets:Secret",
      "configmaps:ConfigMap",
      "services:Service",
      "serviceaccounts:ServiceAccount",
      "pods:Pod",
      "resourcequotas:ResourceQuota",
      "limitranges:LimitRange",
    ],
  ],
  "apps/v1": ["apps", ["deployments:Deployment", "statefulsets:StatefulSet"]],
  "batch/v1": ["batch", ["jobs:Job"]],
  "networking.k8s.io/v1": ["networking.k8s.io", ["networkpolicies:NetworkPolicy"]],
  "policy/v1": ["policy", ["poddisruptionbudgets:PodDisruptionBudget"]],
  "autoscaling/v2": ["autoscaling", ["horizontalpodautoscalers:HorizontalPodAutoscaler"]],
};

/** Answers what helm asks before rendering: version, discovery, and the Secrets and ConfigMaps of a namespace. */
function answer(path: string): [number, unknown] {
  const resourceList = (groupVersion: string) => ({
    kind: "APIResourceList",
    groupVersion,
    resources: RESOURCES[groupVersion]![1].map((r) => {
      const [name, kind] = r.split(":");
      return { name, singularName: "", namespaced: true, kind, verbs: ["get", "list", "create", "update", "patch", "delete"] };
    }),
  });
  if (path === "/version") return [200, { major: "1", minor: "28", gitVersion: "v1.28.0", platform: "linux/amd64" }];
  if (path === "/api") return [200, { kind: "APIVersions", versions: ["v1"] }];
  if (path === "/api/v1") return [200, resourceList("v1")];
  if (path === "/apis") {
    const groups = Object.keys(RESOURCES)
      .filter((gv) => gv.includes("/"))
      .map((gv) => ({
        name: RESOURCES[gv]![0],
        versions: [{ groupVersion: gv, version: gv.split("/")[1] }],
        preferredVersion: { groupVersion: gv, version: gv.split("/")[1] },
      }));
    return [200, { kind: "APIGroupList", apiVersion: "v1", groups }];
  }
  const group = /^\/apis\/(.+\/v\d+)$/.exec(path);
  if (group && RESOURCES[group[1]!]) return [200, resourceList(group[1]!)];
  const list = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps$/.exec(path);
  if (list) return [200, { kind: "ConfigMapList", apiVersion: "v1", metadata: {}, items: [] }];
  const secret = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(path);
  const data = secret && secrets.get(`${secret[1]}/${secret[2]}`);
  if (data) {
    const metadata = {
      name: secret[2],
      namespace: secret[1],
      labels: { "app.kubernetes.io/managed-by": "Helm" },
      annotations: { "meta.helm.sh/release-name": RELEASE, "meta.helm.sh/release-namespace": secret[1], "helm.sh/resource-policy": "keep" },
    };
    return [200, { kind: "Secret", apiVersion: "v1", metadata, type: "Opaque", data }];
  }
  return [404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }];
}

let server: Server;
const dir = mkdtempSync(join(tmpdir(), "todo-lookup-"));
const kubeconfig = join(dir, "kubeconfig");

before(async () => {
  server = createServer((req, res) => {
    const [status, body] = answer(new URL(req.url ?? "/", "http://cluster").pathname);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}"}}]\ncontexts: [{name: fake, context: {cluster: fake, user: fake}}]\nusers: [{name: fake, user: {token: fake}}]\ncurrent-context: fake\n`,
  );
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** What helm install/upgrade renders in namespace todo-app, with the cluster's Secrets as they are. */
async function renderSeeingCluster(chart: "todo-backend" | "todo-chatbot", set: string[] = []): Promise<K8sObject[]> {
  const res = await helmAsync(
    [
      "template",
      chart,
      chartDir(chart),
      "--namespace",
      "todo-app",
      "--kube-version",
      KUBE_VERSION,
      "--dry-run=server",
      "--disable-openapi-validation",
      ...set.flatMap((s) => ["--set", s]),
    ],
    { kubeconfig },
  );
  assert.equal(res.status, 0, res.stderr);
  return parseManifests(res.stdout);
}

const b64 = (s: string) => Buffer.from(s).toString("base64");
const checksum = (objects: K8sObject[], name: string) => find(objects, "Deployment", name).spec.template.metadata.annotations["checksum/secret"];

describe("generated secrets where helm can see the cluster (helm install / upgrade)", () => {
  it("first install: generates without being asked to, once, into every Secret that carries the values", async () => {
    secrets.clear();
    const objects = await renderSeeingCluster("todo-chatbot");
    const app = secretValues(find(objects, "Secret", "todo-chatbot-backend-secret"));
    const hook = secretValues(find(objects, "Secret", "todo-chatbot-backend-migrate"));
    const database = secretValues(find(objects, "Secret", "todo-chatbot-backend-postgresql"));
    assert.match(app.BETTER_AUTH_SECRET!, /^[A-Za-z0-9]{48}$/);
    assert.match(database.POSTGRES_PASSWORD!, /^[A-Za-z0-9]{32}$/);
    assert.equal(new URL(app.DATABASE_URL!).password, database.POSTGRES_PASSWORD);
    assert.deepEqual(hook, app);
  });

  it("upgrade and reinstall: reuses the values of the kept Secrets, and the pods' checksum is the one of the data they read", async () => {
    secrets.clear();
    const kept = { auth: "kept-auth-secret-kept-auth-secret-kept-auth-secret", password: "kept-database-password" };
    secrets.set("todo-app/todo-backend-secret", { BETTER_AUTH_SECRET: b64(kept.auth), DATABASE_URL: b64("stale, rebuilt from the password") });
    secrets.set("todo-app/todo-backend-postgresql", { POSTGRES_PASSWORD: b64(kept.password) });
    const objects = await renderSeeingCluster("todo-backend");
    const app = secretValues(find(objects, "Secret", "todo-backend-secret"));
    assert.equal(app.BETTER_AUTH_SECRET, kept.auth);
    assert.equal(new URL(app.DATABASE_URL!).password, kept.password);
    assert.equal(secretValues(find(objects, "Secret", "todo-backend-postgresql")).POSTGRES_PASSWORD, kept.password);
    assert.deepEqual(secretValues(find(objects, "Secret", "todo-backend-migrate")), app);
    // The same values given by hand render the same data: the same checksum, so an upgrade rolls nothing.
    const given = render("todo-backend", "values.yaml", {
      namespace: "todo-app",
      set: [`secret.values.BETTER_AUTH_SECRET=${kept.auth}`, `postgresql.auth.password=${kept.password}`],
    });
    assert.equal(checksum(objects, "todo-backend"), checksum(given, "todo-backend"));
    assert.equal(checksum(await renderSeeingCluster("todo-backend"), "todo-backend"), checksum(objects, "todo-backend"), "stable across upgrades");
  });

  it("a kept Secret deleted by hand: a new value, and a checksum unlike the old one, so the pods roll onto it", async () => {
    const external = ["secret.values.DATABASE_URL=postgresql://u:p@db.example:5432/todo"];
    secrets.clear();
    secrets.set("todo-app/todo-backend-secret", { BETTER_AUTH_SECRET: b64("a".repeat(48)) });
    const before = await renderSeeingCluster("todo-backend", external);
    assert.equal(secretValues(find(before, "Secret", "todo-backend-secret")).BETTER_AUTH_SECRET, "a".repeat(48));
    secrets.clear();
    const after = await renderSeeingCluster("todo-backend", external);
    assert.match(secretValues(find(after, "Secret", "todo-backend-secret")).BETTER_AUTH_SECRET!, /^[A-Za-z0-9]{48}$/);
    assert.notEqual(secretValues(find(after, "Secret", "todo-backend-secret")).BETTER_AUTH_SECRET, "a".repeat(48));
    assert.notEqual(checksum(after, "todo-backend"), checksum(before, "todo-backend"));
  });
});
