/**
 * What a real install, upgrade, uninstall and reinstall meet, checked on the rendered objects
 * (issue 18's review of a paper install on Minikube, and the charts' side of issue 11): the
 * migration hook's timing and deadline, Secrets as `data:` and kept with the database's volume,
 * generated secrets that never change behind the user's back, names for odd release names, the
 * embedded database refused with two replicas, the URLs NOTES prints, whose X-Forwarded-For the
 * backend believes, and where the backend's egress may not go. What only a live cluster can show
 * is listed in deploy/README.md (Status).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { helm } from "../helm.ts";
import { byKind, chartDir, find, generateWithoutClusterFlag, isHook, layouts, render, secretValues, tryRender, type K8sObject } from "./render.ts";

/** Helm's default --timeout, and the deploy CLI's (--timeout 5m): a hook must fail before it. */
const HELM_TIMEOUT_SECONDS = 300;
const EXTERNAL_DB = "secret.values.DATABASE_URL=postgresql://u:p@db.example:5432/todo";

function env(container: { env?: { name: string; value?: string }[] }): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? ""]));
}

function inRange(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/") as [string, string];
  const n = (a: string) => a.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
}

describe("the migration hook (items 1, 9, 10)", () => {
  for (const [name, set, hook] of [
    ["the in-cluster database", [], "post-install,post-upgrade"],
    ["an external DATABASE_URL", [EXTERNAL_DB], "pre-install,pre-upgrade"],
  ] as const) {
    it(`with ${name}: runs as ${hook}, needs no other image, and fails before helm's timeout`, () => {
      const objects = render("todo-backend", "values.yaml", { set: [...set] });
      const job = find(objects, "Job", "todo-backend-migrate");
      assert.equal(job.metadata.annotations!["helm.sh/hook"], hook);
      const pod = job.spec.template.spec;
      assert.equal(pod.initContainers, undefined, "no wait-for-database init container");
      assert.deepEqual(
        pod.containers.map((c: any) => c.image),
        ["todo-backend:1.0.0"],
        "only the backend's image",
      );
      const wait = Number(env(pod.containers[0]).DATABASE_WAIT_SECONDS);
      assert.ok(wait > 0, "the migrate command waits for the database itself");
      assert.ok(wait < job.spec.activeDeadlineSeconds, `one try (${wait} s) fits the Job's deadline`);
      assert.ok(job.spec.activeDeadlineSeconds < HELM_TIMEOUT_SECONDS, `deadline ${job.spec.activeDeadlineSeconds} s < helm's ${HELM_TIMEOUT_SECONDS} s`);
      const hookSecret = find(objects, "Secret", pod.containers[0].envFrom[0].secretRef.name);
      assert.equal(hookSecret.metadata.annotations!["helm.sh/hook"], hook, "its Secret exists when it runs");
    });
  }

  it("never runs before an upgrade that switches to the in-cluster database (its StatefulSet comes with the upgrade)", () => {
    // The hook's timing is decided by the values of the upgrade itself, not by the release before it.
    const switched = render("todo-backend", "values.yaml");
    assert.ok(byKind(switched, "StatefulSet").length === 1);
    assert.doesNotMatch(find(switched, "Job", "todo-backend-migrate").metadata.annotations!["helm.sh/hook"]!, /pre-/);
  });
});

describe("Secrets (items 5 and 6)", () => {
  it("are written as data: (base64), never stringData:, so a removed key leaves the Secret", () => {
    for (const layout of layouts()) {
      for (const secret of byKind(layout.objects, "Secret")) {
        assert.equal(secret.stringData, undefined, `${layout.name}: ${secret.metadata.name}`);
        assert.ok(Object.keys(secret.data).length > 0);
      }
    }
    const withKey = find(render("todo-backend", "values.yaml", { set: ["secret.values.OPENAI_API_KEY=sk-test-value"] }), "Secret", "todo-backend-secret");
    assert.equal(secretValues(withKey).OPENAI_API_KEY, "sk-test-value");
    const cleared = find(render("todo-backend", "values.yaml", { set: ["secret.values.OPENAI_API_KEY="] }), "Secret", "todo-backend-secret");
    assert.equal("OPENAI_API_KEY" in cleared.data, false, "an emptied key is not in data at all");
  });

  it("keeps the app's and the database's Secrets on uninstall, with the database's volume; the hook's own Secret is not kept", () => {
    const objects = render("todo-chatbot", "values-minikube.yaml");
    for (const name of ["todo-chatbot-backend-secret", "todo-chatbot-backend-postgresql"]) {
      assert.equal(find(objects, "Secret", name).metadata.annotations!["helm.sh/resource-policy"], "keep", name);
    }
    const hookSecret = byKind(objects, "Secret").filter(isHook);
    assert.equal(hookSecret.length, 1);
    assert.equal(hookSecret[0]!.metadata.annotations!["helm.sh/resource-policy"], undefined);
    // The volume: a volumeClaimTemplate, whose PVC a StatefulSet never deletes (retention: Retain).
    const sts = find(objects, "StatefulSet", "todo-chatbot-backend-postgresql");
    assert.equal(sts.spec.volumeClaimTemplates[0].metadata.name, "data");
    assert.equal(sts.spec.persistentVolumeClaimRetentionPolicy, undefined);
  });

  it("makes each generated value once per render: the app's Secret and the migration hook's copy carry the same", () => {
    for (const chart of ["todo-backend", "todo-chatbot"] as const) {
      const objects = render(chart, "values.yaml");
      const secrets = byKind(objects, "Secret");
      const app = secretValues(secrets.find((s) => s.metadata.name.endsWith("-secret"))!);
      const hook = secretValues(secrets.find(isHook)!);
      assert.match(app.BETTER_AUTH_SECRET!, /^[A-Za-z0-9]{48}$/, chart);
      assert.deepEqual(hook, app, `${chart}: the hook's copy`);
    }
  });

  it("computes the Deployment's checksum/secret over no value made in the render, so it never changes by chance", () => {
    const checksum = () => find(render("todo-backend", "values.yaml"), "Deployment", "todo-backend").spec.template.metadata.annotations["checksum/secret"];
    assert.match(checksum(), /^[0-9a-f]{64}$/);
    assert.equal(checksum(), checksum(), "two renders that generate other random values");
  });

  it("reads the database password from the kept Secret the StatefulSet and DATABASE_URL share", () => {
    const objects = render("todo-backend", "values.yaml");
    const pg = secretValues(find(objects, "Secret", "todo-backend-postgresql")).POSTGRES_PASSWORD!;
    const url = new URL(secretValues(find(objects, "Secret", "todo-backend-secret")).DATABASE_URL!);
    assert.equal(url.password, pg);
    const sts = find(objects, "StatefulSet", "todo-backend-postgresql");
    const ref = sts.spec.template.spec.containers[0].env.find((e: any) => e.name === "POSTGRES_PASSWORD").valueFrom.secretKeyRef;
    assert.deepEqual(ref, { name: "todo-backend-postgresql", key: "POSTGRES_PASSWORD" });
  });
});

describe("generated secrets where helm cannot see the cluster (issue 11, item 6)", () => {
  const blind = (chart: "todo-backend" | "todo-chatbot", set: string[] = []) => tryRender(chart, "values.yaml", { set, generateWithoutCluster: false });

  it("stops helm template with one message that says what to set, instead of a secret that changes on every render", () => {
    const res = blind("todo-chatbot");
    assert.notEqual(res.status, 0);
    const lines = res.stderr.split("\n").filter((l) => l.startsWith("Error:"));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /helm cannot see the cluster here \(helm template, --dry-run=client, a GitOps tool\)/);
    assert.match(lines[0]!, /secret\.existingSecret/);
    assert.match(lines[0]!, /(postgresql\.auth\.password|secret\.values\.BETTER_AUTH_SECRET)/);
  });

  it("renders the same Secrets twice when the values are given, or with an existing Secret", () => {
    const given = ["secret.values.BETTER_AUTH_SECRET=a-secret-of-at-least-32-characters-0123", "postgresql.auth.password=given-password"];
    const first = blind("todo-backend", given);
    const second = blind("todo-backend", given);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, second.stdout, "stable: nothing generated");
    assert.equal(blind("todo-backend", ["secret.existingSecret=my-secrets"]).status, 0);
    assert.equal(blind("todo-backend", [EXTERNAL_DB, given[0]!]).status, 0, "no database password to generate with an external database");
  });

  it("also stops helm install --dry-run=client (no cluster to ask)", () => {
    const res = helm(["install", "todo-backend", chartDir("todo-backend"), "--dry-run=client", "-n", "default"]);
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /helm cannot see the cluster here/);
  });
});

describe("names, replicas and URLs (items 8, 11, 14)", () => {
  for (const release of ["my-backend", "backend", "todo-backend-prod", "frontend", "shop"]) {
    it(`umbrella release ${release}: the frontend's API_BASE_URL names the backend Service of the render`, () => {
      const objects = render("todo-chatbot", "values.yaml", { release });
      const frontendConfig = byKind(objects, "ConfigMap").find((c) => c.metadata.labels?.["app.kubernetes.io/component"] === "frontend")!;
      const host = new URL(frontendConfig.data.API_BASE_URL).hostname.split(".")[0];
      const backend = byKind(objects, "Service").find((s) => s.metadata.labels?.["app.kubernetes.io/component"] === "backend")!;
      assert.equal(host, backend.metadata.name);
    });
  }

  it("refuses two backend replicas on the embedded database (PGlite), naming what to do", () => {
    for (const set of [["replicaCount=2"], ["autoscaling.enabled=true"]]) {
      const res = tryRender("todo-backend", "values.yaml", { set: ["postgresql.enabled=false", ...set] });
      assert.notEqual(res.status, 0, set.join());
      assert.match(res.stderr, /backend replicas without a database would each keep their own throwaway embedded database \(PGlite\)/);
      assert.match(res.stderr, /secret\.values\.DATABASE_URL, secret\.existingSecret, or postgresql\.enabled=true/);
    }
    assert.equal(tryRender("todo-backend", "values.yaml", { set: ["postgresql.enabled=false", "replicaCount=1"] }).status, 0);
    assert.equal(tryRender("todo-backend", "values.yaml", { set: ["postgresql.enabled=false", "replicaCount=2", EXTERNAL_DB] }).status, 0);
    assert.equal(tryRender("todo-chatbot", "values-clusterip.yaml").status, 0, "seed 004's two backends share the in-cluster database");
  });

  const notes = (set: string[] = []) => {
    const res = helm([
      "install",
      "todo-chatbot",
      chartDir("todo-chatbot"),
      "--dry-run=client",
      "-n",
      "todo-app",
      "-f",
      join(chartDir("todo-chatbot"), "values-minikube.yaml"),
      ...generateWithoutClusterFlag("todo-chatbot"),
      ...set.flatMap((s) => ["--set", s]),
    ]);
    assert.equal(res.status, 0, res.stderr);
    return res.stdout.split("NOTES:")[1]!;
  };

  it("NOTES: the way to open the app is the origin the backend trusts (port-forward to localhost:30080), not the node's address", () => {
    const text = notes();
    const trusted = find(render("todo-chatbot", "values-minikube.yaml"), "ConfigMap", "todo-chatbot-backend-config").data.FRONTEND_URL;
    assert.equal(trusted, "http://localhost:30080");
    assert.match(
      text,
      /Open: +kubectl port-forward -n todo-app svc\/todo-chatbot-frontend 30080:3000\n +then http:\/\/localhost:30080 +\(the origin the backend trusts/,
    );
    assert.doesNotMatch(text, /Open: +http:\/\/\$\(minikube ip\)/);
    assert.match(text, /set the backend's\s+config\.FRONTEND_URL and config\.BETTER_AUTH_URL to that URL first/);
  });

  it("NOTES: a FRONTEND_URL set to Minikube's address is what it prints to open, with no port-forward", () => {
    const text = notes(["backend.config.FRONTEND_URL=http://192.168.49.2:30080", "backend.config.BETTER_AUTH_URL=http://192.168.49.2:30080"]);
    assert.match(text, /Open: +http:\/\/192\.168\.49\.2:30080 /);
    assert.doesNotMatch(text, /svc\/todo-chatbot-frontend 30080:3000/);
  });
});

describe("client addresses and egress (issue 11, items 1 and 7)", () => {
  const config = (objects: K8sObject[], component: string) =>
    byKind(objects, "ConfigMap").find((c) => c.metadata.labels?.["app.kubernetes.io/component"] === component)!.data;

  it("the backend believes X-Forwarded-For from the pod range only; the frontend, the edge, from no one", () => {
    for (const layout of layouts()) {
      assert.equal(config(layout.objects, "backend").TRUSTED_PROXIES, "10.244.0.0/16", layout.name);
      assert.equal(config(layout.objects, "frontend").TRUSTED_PROXIES, "", layout.name);
    }
    const moved = render("todo-chatbot", "values.yaml", { set: ["global.cluster.podCIDR=10.42.0.0/16"] });
    assert.equal(config(moved, "backend").TRUSTED_PROXIES, "10.42.0.0/16", "follows global.cluster.podCIDR");
    const behindIngress = render("todo-frontend", "values.yaml", { set: ["trustedProxies={10.42.0.0/16,loopback}"] });
    assert.equal(config(behindIngress, "frontend").TRUSTED_PROXIES, "10.42.0.0/16,loopback");
  });

  it("NodePort Services keep the client's address (externalTrafficPolicy: Local), so no SNATed node address inside the trusted pod range reaches a pod", () => {
    for (const chart of ["todo-chatbot", "todo-backend", "todo-frontend"] as const) {
      const services = byKind(render(chart, "values-minikube.yaml"), "Service").filter((s) => s.spec.type === "NodePort");
      assert.ok(services.length >= 1, chart);
      for (const s of services) assert.equal(s.spec.externalTrafficPolicy, "Local", `${chart}: ${s.metadata.name}`);
    }
    for (const s of byKind(render("todo-chatbot", "values-clusterip.yaml"), "Service")) {
      assert.equal(s.spec.type, "ClusterIP");
      assert.equal(s.spec.externalTrafficPolicy, undefined);
    }
  });

  it("egress to 'anywhere' on 443 and 5432 leaves out the pod and Service ranges and link-local", () => {
    const objects = render("todo-backend", "values.yaml", { set: [EXTERNAL_DB] });
    for (const name of ["todo-backend", "todo-backend-migrate"]) {
      const rules = find(objects, "NetworkPolicy", name).spec.egress.filter((r: any) => r.to?.some((t: any) => t.ipBlock));
      assert.deepEqual(rules.map((r: any) => r.ports[0].port).sort(), [443, 5432]);
      for (const rule of rules) {
        const block = rule.to[0].ipBlock;
        assert.equal(block.cidr, "0.0.0.0/0");
        assert.deepEqual([...block.except].sort(), ["10.244.0.0/16", "10.96.0.0/12", "169.254.0.0/16"].sort());
        // The Kubernetes API's Service, a pod, the cloud metadata service: all excluded.
        for (const ip of ["10.96.0.1", "10.244.0.17", "169.254.169.254"])
          assert.ok(
            block.except.some((c: string) => inRange(ip, c)),
            `${ip} on ${rule.ports[0].port}`,
          );
        assert.ok(!block.except.some((c: string) => inRange("104.18.6.192", c)), "an outside address stays allowed");
      }
    }
    const moved = find(
      render("todo-backend", "values.yaml", { set: [EXTERNAL_DB, "global.cluster.serviceCIDR=10.43.0.0/16"] }),
      "NetworkPolicy",
      "todo-backend",
    );
    assert.ok(
      moved.spec.egress.some((r: any) => r.to?.[0]?.ipBlock?.except?.includes("10.43.0.0/16")),
      "follows global.cluster.serviceCIDR",
    );
  });

  it("keeps the in-cluster database reachable by its own rule (the excepts cover only the CIDR rules)", () => {
    const egress = find(render("todo-backend", "values.yaml"), "NetworkPolicy", "todo-backend").spec.egress;
    assert.ok(egress.some((r: any) => r.to?.[0]?.podSelector?.matchLabels?.["app.kubernetes.io/component"] === "database" && r.ports[0].port === 5432));
  });
});
