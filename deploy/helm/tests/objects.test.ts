/**
 * The rendered objects: valid against the Kubernetes API schemas (kubernetes-models), hardened
 * (restricted Pod Security profile), pointed at the routes and ports the apps really serve (read
 * from @todo/contracts), named as each seed says, and free of committed secret values.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { helmOk } from "../helm.ts";
import { validateObject } from "../validate.ts";
import { backendService, frontendService } from "@todo/contracts";
import {
  CHARTS,
  OVERLAYS,
  byKind,
  chartDir,
  find,
  generateWithoutClusterFlag,
  isHook,
  layouts,
  podSpecOf,
  render,
  secretValues,
  type K8sObject,
  type Overlay,
} from "./render.ts";

const validate = (o: K8sObject): void => validateObject(o);

const overlays = Object.keys(OVERLAYS) as Overlay[];
const all = layouts();
/** Every render, plus variants that switch on what is off by default. */
const variants: { name: string; objects: K8sObject[] }[] = [
  ...all,
  {
    name: "backend with HPA and an external database",
    objects: render("todo-backend", "values.yaml", { set: ["autoscaling.enabled=true", "secret.values.DATABASE_URL=postgresql://u:p@db.example:5432/todo"] }),
  },
  { name: "frontend with HPA", objects: render("todo-frontend", "values.yaml", { set: ["autoscaling.enabled=true"] }) },
];

describe("Kubernetes API schemas (kubernetes-models)", () => {
  for (const v of variants) {
    it(`validates every object of ${v.name}`, () => {
      assert.ok(v.objects.length >= 8, `only ${v.objects.length} objects`);
      for (const o of v.objects) {
        try {
          validate(o);
        } catch (err) {
          throw new Error(`${o.kind} ${o.metadata.name}: ${(err as Error).message}`);
        }
      }
    });
  }

  it("would reject a broken object", () => {
    const deployment = structuredClone(find(render("todo-backend", "values.yaml"), "Deployment", "todo-backend"));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = "eight thousand";
    assert.throws(() => validate(deployment), /containerPort/);
  });
});

function containersOf(o: K8sObject): any[] {
  const pod = podSpecOf(o);
  return pod ? [...(pod.spec.initContainers ?? []), ...pod.spec.containers] : [];
}

describe("restricted Pod Security profile", () => {
  for (const v of variants) {
    it(`holds for every pod of ${v.name}`, () => {
      const workloads = v.objects.filter((o) => podSpecOf(o));
      assert.ok(workloads.length >= 2, "a Deployment and a test pod at least");
      for (const o of workloads) {
        const where = `${o.kind} ${o.metadata.name}`;
        const pod = podSpecOf(o)!.spec;
        assert.equal(pod.securityContext?.runAsNonRoot, true, `${where} runAsNonRoot`);
        assert.equal(pod.securityContext?.seccompProfile?.type, "RuntimeDefault", `${where} seccomp`);
        assert.equal(pod.automountServiceAccountToken, false, `${where} token automount`);
        assert.equal(pod.hostNetwork ?? false, false);
        for (const volume of pod.volumes ?? []) assert.equal(volume.hostPath, undefined, `${where} hostPath`);
        for (const c of containersOf(o)) {
          const sc = c.securityContext ?? {};
          assert.equal(sc.allowPrivilegeEscalation, false, `${where}/${c.name} allowPrivilegeEscalation`);
          assert.equal(sc.readOnlyRootFilesystem, true, `${where}/${c.name} readOnlyRootFilesystem`);
          assert.deepEqual(sc.capabilities?.drop, ["ALL"], `${where}/${c.name} drop ALL`);
          assert.equal(sc.privileged ?? false, false);
          assert.ok(c.resources?.requests?.cpu && c.resources?.requests?.memory, `${where}/${c.name} requests`);
          assert.ok(c.resources?.limits?.cpu && c.resources?.limits?.memory, `${where}/${c.name} limits`);
        }
      }
    });
  }

  it("runs the app pods as uid 1001 with emptyDirs where the apps write", () => {
    for (const layout of all) {
      for (const d of byKind(layout.objects, "Deployment")) {
        const pod = d.spec.template.spec;
        assert.equal(pod.securityContext.runAsUser, 1001);
        assert.equal(pod.containers[0].securityContext.runAsUser, 1001);
        const mounts = Object.fromEntries(pod.containers[0].volumeMounts.map((m: any) => [m.mountPath, m.name]));
        const emptyDirs = new Set(pod.volumes.filter((v: any) => v.emptyDir).map((v: any) => v.name));
        const want = d.metadata.labels!["app.kubernetes.io/component"] === "backend" ? ["/tmp"] : ["/tmp", "/app/apps/web/.next/cache"];
        assert.deepEqual(Object.keys(mounts).sort(), want.sort(), `${layout.name} ${d.metadata.name}`);
        for (const name of Object.values(mounts)) assert.ok(emptyDirs.has(name), `${name} is an emptyDir`);
      }
    }
  });
});

/** The app Deployment and Service of a component in a layout. */
function app(objects: K8sObject[], component: "backend" | "frontend") {
  const mine = (o: K8sObject) => o.metadata.labels?.["app.kubernetes.io/component"] === component;
  const deployments = byKind(objects, "Deployment").filter(mine);
  const services = byKind(objects, "Service").filter(mine);
  assert.equal(deployments.length, 1, `one ${component} Deployment`);
  assert.equal(services.length, 1, `one ${component} Service`);
  return { deployment: deployments[0]!, service: services[0]!, container: deployments[0]!.spec.template.spec.containers[0] };
}

describe("probes, ports and routes the apps serve (@todo/contracts)", () => {
  for (const layout of all) {
    it(`backend of ${layout.name}`, () => {
      const { deployment, service, container } = app(layout.objects, "backend");
      const http = container.ports.find((p: any) => p.name === "http");
      assert.equal(http.containerPort, backendService.port);
      assert.equal(container.livenessProbe.httpGet.path, backendService.health.live);
      assert.equal(container.readinessProbe.httpGet.path, backendService.health.ready);
      assert.equal(container.startupProbe.httpGet.path, backendService.health.live);
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
        assert.equal(probe.httpGet.port, "http");
      }
      assert.equal(service.spec.ports[0].port, backendService.port);
      assert.equal(service.spec.ports[0].targetPort, "http");
      assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
      const config = find(layout.objects, "ConfigMap", container.envFrom[0].configMapRef.name);
      assert.equal(config.data.PORT, String(backendService.port));
    });

    it(`frontend of ${layout.name}`, () => {
      const { deployment, service, container } = app(layout.objects, "frontend");
      const http = container.ports.find((p: any) => p.name === "http");
      assert.equal(http.containerPort, frontendService.port);
      assert.equal(container.livenessProbe.httpGet.path, frontendService.health.live);
      assert.equal(container.readinessProbe.httpGet.path, frontendService.health.ready);
      assert.equal(container.startupProbe.httpGet.path, frontendService.health.live);
      assert.equal(service.spec.ports[0].port, frontendService.port);
      assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
      const config = find(layout.objects, "ConfigMap", container.envFrom[0].configMapRef.name);
      assert.equal(config.data.PORT, String(frontendService.port));
      // API_BASE_URL names the backend Service of the same layout, in this namespace, on its port
      const backend = app(layout.objects, "backend").service;
      assert.equal(config.data.API_BASE_URL, `http://${backend.metadata.name}.${layout.namespace}.svc.cluster.local:${backendService.port}`);
    });

    it(`helm test pods of ${layout.name} call both services' health routes through the Services`, () => {
      const tests = byKind(layout.objects, "Pod").filter((p) => p.metadata.annotations?.["helm.sh/hook"] === "test");
      const urls = tests.flatMap((p) => p.spec.containers[0].env.find((e: any) => e.name === "HEALTH_URLS").value.split(" "));
      const backend = app(layout.objects, "backend").service.metadata.name;
      const frontend = app(layout.objects, "frontend").service.metadata.name;
      assert.deepEqual(
        urls.sort(),
        [
          `http://${backend}:${backendService.port}${backendService.health.live}`,
          `http://${backend}:${backendService.port}${backendService.health.ready}`,
          `http://${frontend}:${frontendService.port}${frontendService.health.live}`,
          `http://${frontend}:${frontendService.port}${frontendService.health.ready}`,
        ].sort(),
      );
    });
  }

  it("no app selector matches the pods of another workload (database, job, test pod)", () => {
    for (const layout of all) {
      const pods = layout.objects
        .filter((o) => podSpecOf(o))
        .map((o) => ({ name: `${o.kind}/${o.metadata.name}`, labels: podSpecOf(o)!.metadata?.labels ?? {} }));
      for (const svc of byKind(layout.objects, "Service")) {
        const matched = pods.filter((p) => Object.entries(svc.spec.selector).every(([k, v]) => p.labels[k] === v));
        assert.equal(matched.length, 1, `${layout.name}: Service ${svc.metadata.name} selects ${matched.map((m) => m.name).join(", ")}`);
      }
    }
  });
});

describe("deployments", () => {
  for (const layout of all) {
    it(`roll with maxSurge 1 / maxUnavailable 0 and checksum annotations in ${layout.name}`, () => {
      for (const d of byKind(layout.objects, "Deployment")) {
        assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
        assert.match(d.spec.template.metadata.annotations["checksum/config"], /^[0-9a-f]{64}$/);
      }
      assert.match(app(layout.objects, "backend").deployment.spec.template.metadata.annotations["checksum/secret"], /^[0-9a-f]{64}$/);
    });
  }

  it("gives a chat turn running at SIGTERM time to end and be stored before the pod is killed", () => {
    // SIGTERM comes after preStop (if any); the API then reports not ready for DRAIN_DELAY_MS and
    // waits up to SHUTDOWN_TIMEOUT_MS for requests and turns. A turn is bounded by LLM_TIMEOUT_MS
    // (from its start, before SIGTERM) and needs ~2 s more to store its reply. All of it must fit
    // in terminationGracePeriodSeconds, or Kubernetes SIGKILLs a turn mid-reply.
    const STORE_MARGIN_MS = 2000;
    for (const layout of all) {
      const { deployment, container } = app(layout.objects, "backend");
      const config = find(layout.objects, "ConfigMap", container.envFrom[0].configMapRef.name).data;
      const [drainMs, shutdownMs, llmMs] = ["DRAIN_DELAY_MS", "SHUTDOWN_TIMEOUT_MS", "LLM_TIMEOUT_MS"].map((k) => {
        const v = Number(config[k]);
        assert.ok(Number.isInteger(v) && v >= 0, `${layout.name}: ${k} is set (${config[k]})`);
        return v;
      }) as [number, number, number];
      const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
      assert.ok(shutdownMs >= llmMs + STORE_MARGIN_MS, `${layout.name}: SHUTDOWN_TIMEOUT_MS ${shutdownMs} covers LLM_TIMEOUT_MS ${llmMs} + storing`);
      const graceMs = deployment.spec.template.spec.terminationGracePeriodSeconds * 1000;
      assert.ok(
        graceMs > preStop * 1000 + drainMs + shutdownMs,
        `${layout.name}: grace ${graceMs} ms > preStop ${preStop} s + drain ${drainMs} + shutdown ${shutdownMs}`,
      );
      // A turn started just before SIGTERM ends within LLM_TIMEOUT_MS + storing of it, so well inside the grace period.
      assert.ok(graceMs > preStop * 1000 + llmMs + STORE_MARGIN_MS, layout.name);
    }
  });

  const fixedSecrets = ["secret.values.DATABASE_URL=postgresql://u:p@db.example:5432/todo", "secret.values.BETTER_AUTH_SECRET=x".padEnd(60, "x")];
  const annotations = (set: string[]) =>
    find(render("todo-backend", "values.yaml", { set: [...fixedSecrets, ...set] }), "Deployment", "todo-backend").spec.template.metadata.annotations;

  it("changes the config checksum (and so rolls the pods) when a ConfigMap value changes", () => {
    const before = annotations([]);
    const after = annotations(["config.LOG_LEVEL=debug"]);
    assert.equal(before["checksum/secret"], after["checksum/secret"]);
    assert.notEqual(before["checksum/config"], after["checksum/config"]);
  });

  it("changes the secret checksum when a Secret value changes", () => {
    const before = annotations([]);
    const after = annotations(["secret.values.OPENAI_API_KEY=changed"]);
    assert.equal(before["checksum/config"], after["checksum/config"]);
    assert.notEqual(before["checksum/secret"], after["checksum/secret"]);
  });

  it("passes config through the ConfigMap and secrets through the Secret", () => {
    const objects = render("todo-backend", "values.yaml", { set: ["secret.values.OPENAI_API_KEY=from-values-local"] });
    const config = find(objects, "ConfigMap", "todo-backend-config").data;
    for (const key of ["ENVIRONMENT", "LOG_LEVEL", "PORT", "FRONTEND_URL", "BETTER_AUTH_URL"]) assert.ok(key in config, key);
    const secret = secretValues(find(objects, "Secret", "todo-backend-secret"));
    assert.equal(secret.OPENAI_API_KEY, "from-values-local");
    for (const key of ["DATABASE_URL", "BETTER_AUTH_SECRET"]) assert.ok(secret[key], key);
    assert.ok(!Object.values(config).includes("from-values-local"));
  });

  it("uses an existing Secret instead of creating one", () => {
    const objects = render("todo-backend", "values.yaml", { set: ["secret.existingSecret=my-secrets"] });
    const d = find(objects, "Deployment", "todo-backend");
    assert.deepEqual(d.spec.template.spec.containers[0].envFrom[1], { secretRef: { name: "my-secrets" } });
    assert.deepEqual(byKind(objects, "Secret"), [], "no Secret, no in-cluster database");
    assert.equal(byKind(objects, "StatefulSet").length, 0);
    const job = find(objects, "Job", "todo-backend-migrate");
    assert.deepEqual(job.spec.template.spec.containers[0].envFrom, [{ secretRef: { name: "my-secrets" } }]);
  });
});

describe("names and Services as each seed says", () => {
  it("seed 000: release todo-chatbot in todo-app gives todo-chatbot-frontend (NodePort 30080 -> 3000, x2) and todo-chatbot-backend (NodePort 30800 -> 8000, x1)", () => {
    const objects = render("todo-chatbot", "values-minikube.yaml");
    for (const o of objects) assert.ok(!o.metadata.namespace || o.metadata.namespace === "todo-app");
    const fe = find(objects, "Service", "todo-chatbot-frontend");
    const be = find(objects, "Service", "todo-chatbot-backend");
    assert.equal(fe.spec.type, "NodePort");
    assert.deepEqual([fe.spec.ports[0].nodePort, fe.spec.ports[0].port], [30080, 3000]);
    assert.equal(be.spec.type, "NodePort");
    assert.deepEqual([be.spec.ports[0].nodePort, be.spec.ports[0].port], [30800, 8000]);
    assert.equal(find(objects, "Deployment", "todo-chatbot-frontend").spec.replicas, 2);
    assert.equal(find(objects, "Deployment", "todo-chatbot-backend").spec.replicas, 1);
    const res = (name: string) => find(objects, "Deployment", name).spec.template.spec.containers[0].resources;
    assert.deepEqual(res("todo-chatbot-frontend"), { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
    assert.deepEqual(res("todo-chatbot-backend"), { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "1Gi" } });
    assert.equal(find(objects, "Deployment", "todo-chatbot-frontend").spec.template.metadata.labels.app, "frontend");
    assert.equal(find(objects, "Deployment", "todo-chatbot-backend").spec.template.metadata.labels.app, "backend");
  });

  it("seed 004: releases todo-frontend and todo-backend in todo, ClusterIP, x2 each, the seed's figures", () => {
    const objects = [...render("todo-backend", "values-clusterip.yaml"), ...render("todo-frontend", "values-clusterip.yaml")];
    for (const name of ["todo-frontend", "todo-backend"]) {
      assert.equal(find(objects, "Service", name).spec.type, "ClusterIP");
      assert.equal(find(objects, "Deployment", name).spec.replicas, 2);
    }
    const res = (name: string) => find(objects, "Deployment", name).spec.template.spec.containers[0].resources;
    assert.deepEqual(res("todo-frontend"), { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "750m", memory: "1536Mi" } });
    assert.deepEqual(res("todo-backend"), { requests: { cpu: "750m", memory: "1536Mi" }, limits: { cpu: "1000m", memory: "2Gi" } });
    assert.equal(find(objects, "ConfigMap", "todo-frontend-config").data.API_BASE_URL, "http://todo-backend.todo.svc.cluster.local:8000");
    assert.equal(byKind(objects, "ResourceQuota").length, 1, "one quota for the namespace");
    assert.equal(find(objects, "ResourceQuota", "todo-quota").spec.hard.pods, "10");
  });
});

describe("migrations, database and the seeds' later items", () => {
  it("runs migrations once, in a pre-install/pre-upgrade hook Job with the command from values", () => {
    const objects = render("todo-backend", "values.yaml", { set: ["secret.values.DATABASE_URL=postgresql://u:p@db.example:5432/todo"] });
    const job = find(objects, "Job", "todo-backend-migrate");
    assert.equal(job.metadata.annotations!["helm.sh/hook"], "pre-install,pre-upgrade");
    const c = job.spec.template.spec.containers[0];
    assert.deepEqual(c.command, ["node", "dist/migrate.js"]);
    assert.equal(c.workingDir, "/app/apps/api");
    const hookSecret = find(objects, "Secret", c.envFrom[0].secretRef.name);
    assert.equal(hookSecret.metadata.annotations!["helm.sh/hook"], "pre-install,pre-upgrade");
    assert.ok(Number(hookSecret.metadata.annotations!["helm.sh/hook-weight"]) < Number(job.metadata.annotations!["helm.sh/hook-weight"]));
    // the server's start-up does not migrate: it runs the main command only
    const main = find(objects, "Deployment", "todo-backend").spec.template.spec;
    assert.deepEqual(main.containers[0].command, ["node", "dist/main.js"]);
    assert.equal(main.initContainers, undefined);
    assert.equal(byKind(objects, "StatefulSet").length, 0, "no in-cluster database when DATABASE_URL is given");
    const custom = render("todo-backend", "values.yaml", { set: ["migrations.command={node,dist/other.js}"] });
    assert.deepEqual(find(custom, "Job", "todo-backend-migrate").spec.template.spec.containers[0].command, ["node", "dist/other.js"]);
  });

  it("runs the in-cluster PostgreSQL (official image, PVC) when no DATABASE_URL is given, and migrates after it starts", () => {
    const objects = render("todo-backend", "values.yaml");
    const sts = find(objects, "StatefulSet", "todo-backend-postgresql");
    assert.match(sts.spec.template.spec.containers[0].image, /^postgres:\d+/);
    assert.equal(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "1Gi");
    const secret = secretValues(find(objects, "Secret", "todo-backend-secret"));
    assert.match(secret.DATABASE_URL!, /^postgresql:\/\/todo:[A-Za-z0-9]+@todo-backend-postgresql:5432\/todo$/);
    const job = find(objects, "Job", "todo-backend-migrate");
    assert.equal(job.metadata.annotations!["helm.sh/hook"], "post-install,post-upgrade");
    // The migrate command waits for the database itself: no init container (issue 18, item 1).
    assert.equal(job.spec.template.spec.initContainers, undefined);
  });

  it("gives the pods their own ServiceAccount with no token, a PDB, and an HPA only when asked", () => {
    for (const layout of all) {
      for (const component of ["backend", "frontend"] as const) {
        const { deployment } = app(layout.objects, component);
        const sa = find(layout.objects, "ServiceAccount", deployment.spec.template.spec.serviceAccountName);
        assert.equal(sa.automountServiceAccountToken, false);
        const pdb = find(layout.objects, "PodDisruptionBudget", deployment.metadata.name);
        assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
      }
      assert.equal(byKind(layout.objects, "HorizontalPodAutoscaler").length, 0);
    }
    const hpa = render("todo-frontend", "values.yaml", { set: ["autoscaling.enabled=true"] });
    assert.equal(find(hpa, "HorizontalPodAutoscaler", "todo-frontend").spec.scaleTargetRef.name, "todo-frontend");
    assert.equal(find(hpa, "Deployment", "todo-frontend").spec.replicas, undefined);
  });

  it("lets into the backend only the frontend and test pods; lets the database serve only the backend and the migration job", () => {
    const objects = render("todo-chatbot", "values-clusterip.yaml");
    const np = find(objects, "NetworkPolicy", "todo-chatbot-backend");
    assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
    const from = np.spec.ingress[0].from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/component"]);
    assert.deepEqual(from, ["frontend", "test"]);
    const db = find(objects, "NetworkPolicy", "todo-chatbot-backend-postgresql");
    const dbFrom = db.spec.ingress[0].from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/name"]);
    assert.deepEqual(dbFrom, ["backend", "backend-migrate"]);
    assert.deepEqual(db.spec.egress, []);
  });

  it("lets the backend out only to DNS, the database and the model's API", () => {
    const external = render("todo-backend", "values.yaml", { set: ["secret.values.DATABASE_URL=postgresql://u:p@db.example:5432/todo"] });
    for (const name of ["todo-backend", "todo-backend-migrate"]) {
      const egress = find(external, "NetworkPolicy", name).spec.egress;
      const ports = egress.map((r: any) => r.ports.map((p: any) => `${p.protocol}/${p.port}`).join(","));
      assert.deepEqual(ports, ["UDP/53,TCP/53", "TCP/5432", "TCP/443"], name);
    }
    const inCluster = find(render("todo-backend", "values.yaml"), "NetworkPolicy", "todo-backend").spec.egress;
    assert.equal(inCluster[1].to[0].podSelector.matchLabels["app.kubernetes.io/component"], "database");
    assert.deepEqual(
      inCluster.map((r: any) => r.ports[0].port),
      [53, 5432, 443],
      "no 5432-to-anywhere rule while the database is in the cluster",
    );
    // the frontend talks to the backend only
    const fe = find(render("todo-frontend", "values.yaml"), "NetworkPolicy", "todo-frontend").spec.egress;
    assert.deepEqual(fe[1], {
      to: [{ podSelector: { matchLabels: { "app.kubernetes.io/part-of": "todo-chatbot", "app.kubernetes.io/component": "backend" } } }],
      ports: [{ port: 8000, protocol: "TCP" }],
    });
    assert.equal(fe.length, 2);
  });

  const notes = (chart: string, overlay: Overlay) =>
    helmOk([
      "install",
      chart,
      chartDir(chart),
      "--dry-run=client",
      "-n",
      OVERLAYS[overlay],
      "-f",
      join(chartDir(chart), overlay),
      ...generateWithoutClusterFlag(chart),
    ]).split("NOTES:")[1] ?? "";

  it("prints the URLs in NOTES.txt (seed 000: NodePorts)", () => {
    const text = notes("todo-chatbot", "values-minikube.yaml");
    assert.match(text, /kubectl port-forward -n todo-app svc\/todo-chatbot-frontend 30080:3000\s+then http:\/\/localhost:30080 /);
    assert.match(text, /curl http:\/\/\$\(minikube ip\):30800\/health /);
    assert.match(text, /http:\/\/todo-chatbot-backend\.todo-app\.svc\.cluster\.local:8000/);
    assert.match(text, /helm test todo-chatbot -n todo-app/);
  });

  it("prints the URLs in NOTES.txt (seed 004: port-forward to the ClusterIP Services)", () => {
    assert.match(notes("todo-frontend", "values-clusterip.yaml"), /kubectl port-forward -n todo svc\/todo-frontend 3000:3000\s+then http:\/\/localhost:3000 /);
    assert.match(notes("todo-backend", "values-clusterip.yaml"), /svc\/todo-backend 8000:8000, then curl http:\/\/localhost:8000\/health/);
  });
});

describe("no committed secret value", () => {
  const realLooking = [/sk-[A-Za-z0-9_-]{16,}/, /sk-or-v1-/, /postgres(ql)?:\/\/[^:\s]+:[^@\s]+@(?![a-z-]*-postgresql:)[^\s]+/, /ep-[a-z]+-[a-z]+-\d+/];

  it("would notice real-looking values", () => {
    const samples = ["sk-proj-abcdefghijklmnop1234", "postgresql://neondb_owner:npg_x1y2@ep-cool-darkness-123456.eu-central-1.aws.neon.tech/neondb"];
    for (const sample of samples)
      assert.ok(
        realLooking.some((p) => p.test(sample)),
        sample,
      );
    assert.ok(!realLooking.some((p) => p.test("postgresql://todo:abc@todo-backend-postgresql:5432/todo")));
  });

  for (const chart of CHARTS) {
    it(`${chart}: every values file leaves the secret values empty`, () => {
      for (const file of ["values.yaml", ...overlays.filter((o) => o !== "values.yaml"), "values-local.yaml.example"]) {
        let text: string;
        try {
          text = readFileSync(join(chartDir(chart), file), "utf8");
        } catch {
          continue;
        }
        const values = parse(text) ?? {};
        // every string value in the file (comments may show placeholders such as USER:PASSWORD)
        const strings = JSON.stringify(values, (_k, v) => v).match(/"(?:[^"\\]|\\.)*"/g) ?? [];
        for (const pattern of realLooking) for (const str of strings) assert.doesNotMatch(str, pattern, `${chart}/${file}`);
        const secretValues = (chart === "todo-chatbot" ? values.backend?.secret?.values : values.secret?.values) ?? {};
        for (const [key, value] of Object.entries(secretValues)) assert.equal(value, "", `${chart}/${file} ${key}`);
      }
    });
  }

  it("renders Secrets whose every value is generated at install time, none committed", () => {
    for (const chart of CHARTS) {
      for (const overlay of overlays) {
        const first = byKind(render(chart, overlay), "Secret");
        const second = byKind(render(chart, overlay), "Secret");
        for (const [i, secret] of first.entries()) {
          for (const [key, value] of Object.entries(secretValues(secret))) {
            for (const pattern of realLooking) assert.doesNotMatch(String(value), pattern, `${secret.metadata.name} ${key}`);
            const again = secretValues(second[i]!)[key];
            assert.notEqual(again, value, `${chart} ${overlay}: ${secret.metadata.name}.${key} is the same in two renders, so it comes from a committed file`);
          }
        }
      }
    }
  });

  it("keeps hooks' Secrets out of the release's regular objects", () => {
    const objects = render("todo-backend", "values.yaml");
    const hookSecrets = byKind(objects, "Secret").filter(isHook);
    assert.deepEqual(
      hookSecrets.map((s) => s.metadata.annotations!["helm.sh/hook-delete-policy"]),
      ["before-hook-creation,hook-succeeded"],
    );
  });
});
