/**
 * The charts' rendered backend and frontend Deployments, started with `podman kube play` against
 * the real images: a partial check of the manifests without a cluster. It shows that the images fit
 * the charts (command, workingDir, securityContext with a read-only root, emptyDir mounts) and that
 * env from the ConfigMaps reaches the apps, whose health routes then answer.
 *
 * podman 4.3 is not Kubernetes; what this suite adapts, and why:
 * - the Secret becomes a podman secret of the same name (kube play misreads Secret documents), without
 *   DATABASE_URL: no in-cluster PostgreSQL runs here, so the backend uses PGlite in its emptyDir;
 * - Services are ignored: the backend's pod joins the network with the Service's DNS name as alias;
 * - kube play publishes every containerPort on the host's port of the same number on all interfaces;
 *   each port gets a free hostPort on 127.0.0.1 instead;
 * - emptyDirs become named volumes shared by name across pods; their names get this run's id;
 * - probes are not run (no systemd; httpGet becomes a curl the images do not have), so the test
 *   calls the same routes itself.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { backendService, frontendService } from "@todo/contracts";
import { render, type K8sObject } from "../helm/tests/render.ts";
import {
  backendImage,
  buildImage,
  cleanup,
  freePort,
  frontendImage,
  images,
  inspectContainer,
  logs,
  podman,
  podmanOk,
  processUid,
  runId,
  waitFor,
} from "./podman.ts";

const release = `kp${runId}`;
const namespace = "todo-app"; // values-minikube.yaml (seed 000: one release of both services)
const environment = `kube-play-${runId}`;
const network = `todo-kube-${runId}`;

const objects = render("todo-chatbot", "values-minikube.yaml", {
  release,
  // One pod per Deployment: kube play would give replicas the same host ports.
  set: ["frontend.replicaCount=1", `backend.config.ENVIRONMENT=${environment}`],
});
const deployment = (component: string) => {
  const d = objects.find((o) => o.kind === "Deployment" && o.metadata.labels?.["app.kubernetes.io/component"] === component);
  assert.ok(d, `a ${component} Deployment is rendered`);
  return d;
};
const byName = (kind: string, name: string): K8sObject => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind} ${name} is rendered`);
  return o;
};
const containerOf = (d: K8sObject): any => d.spec.template.spec.containers[0];
const envFrom = (d: K8sObject, key: "configMapRef" | "secretRef"): string[] =>
  (containerOf(d).envFrom ?? []).filter((e: any) => e[key]).map((e: any) => e[key].name);

const backend = deployment("backend");
const frontend = deployment("frontend");
const backendConfig = byName("ConfigMap", envFrom(backend, "configMapRef")[0]!);
const frontendConfig = byName("ConfigMap", envFrom(frontend, "configMapRef")[0]!);
const backendSecret = byName("Secret", envFrom(backend, "secretRef")[0]!);
const backendServiceObj = objects.find((o) => o.kind === "Service" && o.metadata.name === backend.metadata.name)!;
const backendDns = `${backendServiceObj.metadata.name}.${namespace}.svc.cluster.local`;
const podName = (d: K8sObject) => `${d.metadata.name}-pod-0`;
const containerName = (d: K8sObject) => `${podName(d)}-${containerOf(d).name}`;

describe("podman kube play of the rendered Deployments (todo-chatbot, values-minikube.yaml)", () => {
  const dir = mkdtempSync(join(tmpdir(), "todo-kube-play-"));
  const hostPorts = new Map<string, number>();
  const volumes: string[] = [];

  /** Writes the Deployment with the adaptations above, returns its path. */
  async function adapt(d: K8sObject): Promise<string> {
    const copy = structuredClone(d);
    const spec = copy.spec.template.spec;
    for (const c of spec.containers) {
      for (const p of c.ports ?? []) {
        p.hostIP = "127.0.0.1";
        p.hostPort = await freePort();
        hostPorts.set(d.metadata.name, p.hostPort);
      }
      for (const m of c.volumeMounts ?? []) m.name = `${m.name}-${runId}`;
    }
    for (const v of spec.volumes ?? []) {
      v.name = `${v.name}-${runId}`;
      volumes.push(v.name);
    }
    const file = join(dir, `${d.metadata.name}.yaml`);
    writeFileSync(file, stringify(copy));
    return file;
  }
  const writeConfigMap = (cm: K8sObject) => {
    const file = join(dir, `${cm.metadata.name}.yaml`);
    writeFileSync(file, stringify(cm));
    return file;
  };
  const url = (d: K8sObject, path: string) => `http://127.0.0.1:${hostPorts.get(d.metadata.name)}${path}`;

  before(async () => {
    for (const image of images) buildImage(image); // cached layers: seconds when the image suite ran first
    podmanOk(["network", "create", network]);
    const data: Record<string, string> = { ...(backendSecret.stringData ?? {}) };
    for (const [k, v] of Object.entries((backendSecret.data ?? {}) as Record<string, string>)) data[k] = Buffer.from(v, "base64").toString();
    delete data.DATABASE_URL;
    // podman 4.3 reads a kube secret as JSON: key → base64 of the value.
    const json = JSON.stringify(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])));
    // From a file: podman accepts `-` only from a named pipe, and node's stdin pipes are sockets.
    const secretFile = join(dir, "secret.json");
    writeFileSync(secretFile, json, { mode: 0o600 });
    podmanOk(["secret", "create", backendSecret.metadata.name, secretFile]);
    rmSync(secretFile);

    podmanOk(["kube", "play", "--network", `${network}:alias=${backendDns}`, "--configmap", writeConfigMap(backendConfig), await adapt(backend)]);
    podmanOk(["kube", "play", "--network", network, "--configmap", writeConfigMap(frontendConfig), await adapt(frontend)]);
  });

  after(() => {
    cleanup({ pods: [podName(frontend), podName(backend)], secrets: [backendSecret.metadata.name], networks: [network] });
    for (const v of volumes) podman(["volume", "rm", "--force", v]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts both pods from todo-backend:1.0.0 and todo-frontend:1.0.0 with the charts' commands", async () => {
    for (const [d, image] of [
      [backend, backendImage],
      [frontend, frontendImage],
    ] as const) {
      assert.equal(containerOf(d).image, image.tag);
      await waitFor(`${containerName(d)} running`, () => (inspectContainer(containerName(d)).State.Running ? true : undefined), 30_000);
    }
    assert.deepEqual(containerOf(backend).command, backendImage.cmd);
    assert.equal(containerOf(backend).workingDir, backendImage.workdir);
  });

  it("runs them as the securityContext says: uid 1001 on a read-only root", () => {
    for (const d of [backend, frontend]) {
      assert.equal(containerOf(d).securityContext.readOnlyRootFilesystem, true);
      assert.equal(inspectContainer(containerName(d)).HostConfig.ReadonlyRootfs, true);
      assert.equal(processUid(containerName(d)), containerOf(d).securityContext.runAsUser);
      assert.equal(processUid(containerName(d)), 1001);
    }
  });

  it("the backend's health routes answer, on its emptyDir database, with its ConfigMap's env", async () => {
    for (const route of [backendService.health.live, backendService.health.ready, backendService.health.full]) {
      const res = await waitFor(`backend ${route}`, async () => {
        const r = await fetch(url(backend, route));
        return r.status === 200 ? r : undefined;
      });
      assert.equal(res.status, 200, route);
    }
    // ENVIRONMENT was set for this run through the chart's config → ConfigMap → envFrom.
    assert.match(logs(containerName(backend)), new RegExp(`"database":"pglite".*"environment":"${environment}"`));
    const env = inspectContainer(containerName(backend)).Config.Env;
    for (const [k, v] of Object.entries(backendConfig.data as Record<string, string>)) assert.ok(env.includes(`${k}=${v}`), `${k} from the ConfigMap`);
    // NODE_ENV=production (ConfigMap) refuses to start without BETTER_AUTH_SECRET (the secret): it started.
    assert.ok(env.includes("NODE_ENV=production"));
  });

  it("the frontend's health routes answer; its proxy reaches the backend at the ConfigMap's API_BASE_URL", async () => {
    assert.equal(frontendConfig.data.API_BASE_URL, `http://${backendDns}:${backendService.port}`);
    const live = await waitFor("frontend liveness", async () => {
      const r = await fetch(url(frontend, frontendService.health.live));
      return r.status === 200 ? r : undefined;
    });
    assert.equal(live.status, 200);
    const ready = await waitFor("frontend readiness", async () => {
      const r = await fetch(url(frontend, frontendService.health.ready));
      return r.status === 200 ? r : undefined;
    });
    assert.deepEqual(await ready.json(), { status: "ok" }, "readiness checks the frontend itself");
    // The image's default (http://todo-backend:8000) does not resolve on this network; only the
    // ConfigMap's Service name does: the backend's own 401 through the proxy (unreachable: 502).
    const proxied = await waitFor("the backend through the frontend's proxy", async () => {
      const r = await fetch(url(frontend, "/api/tasks"));
      return r.status === 401 ? r : undefined;
    });
    assert.equal(((await proxied.json()) as { error: { code: string } }).error.code, "unauthorized");
    const env = inspectContainer(containerName(frontend)).Config.Env;
    assert.ok(env.includes(`API_BASE_URL=${frontendConfig.data.API_BASE_URL}`));
  });
});
