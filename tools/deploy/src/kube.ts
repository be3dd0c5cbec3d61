/**
 * The cluster as the release and monitor steps see it: a small interface over
 * @kubernetes/client-node (v1.x: the newest major whose dependencies still run on Node 20; 2.x needs
 * undici 8, Node ≥ 22.19). Steps get a KubeClient and never kubectl, so they read typed objects
 * (V1Pod, V1Deployment, CoreV1Event, PodMetrics) instead of scraping text. Tests point the real
 * client at a local HTTP server that answers as an API server does.
 */
import { request as httpRequest, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  Metrics,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
  type PodMetric,
  type V1Deployment,
  type V1Pod,
  type V1Service,
} from "@kubernetes/client-node";

export interface ProxyResponse {
  status: number;
  body: string;
}

export interface NamespaceState {
  /** Active, or Terminating while it is being deleted. */
  phase: string;
  labels: Record<string, string>;
}

/** An object's identity, for the things cleanup looks at (never a Secret's data). */
export interface ObjectRef {
  name: string;
  labels: Record<string, string>;
  /** Secrets: their type (service-account tokens are Kubernetes' own). */
  type?: string;
}

export interface KubeClient {
  /** The context in use (its name says whether the cluster is a Minikube). */
  readonly contextName: string;
  listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]>;
  listDeployments(namespace: string, labelSelector?: string): Promise<V1Deployment[]>;
  listServices(namespace: string, labelSelector?: string): Promise<V1Service[]>;
  listEvents(namespace: string): Promise<CoreV1Event[]>;
  /** Pod metrics from metrics.k8s.io; undefined when the metrics API is not installed. */
  podMetrics(namespace: string): Promise<PodMetric[] | undefined>;
  /** GET through the API server's proxy to a Service's port (the route as the Service serves it). */
  getThroughService(namespace: string, service: string, port: number, path: string): Promise<ProxyResponse>;
  /** undefined: there is no such namespace. */
  readNamespace(namespace: string): Promise<NamespaceState | undefined>;
  createNamespace(namespace: string, labels: Record<string, string>): Promise<void>;
  /** Adds or changes these labels, leaving the others (a JSON merge patch). */
  labelNamespace(namespace: string, labels: Record<string, string>): Promise<void>;
  deleteNamespace(namespace: string): Promise<void>;
  /** The log of a pod's (only) container. */
  readPodLog(namespace: string, pod: string): Promise<string>;
  listSecrets(namespace: string, labelSelector?: string): Promise<ObjectRef[]>;
  deleteSecret(namespace: string, name: string): Promise<void>;
  listPersistentVolumeClaims(namespace: string, labelSelector?: string): Promise<ObjectRef[]>;
  deletePersistentVolumeClaim(namespace: string, name: string): Promise<void>;
}

export function loadKubeConfig(context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  if (context) {
    if (!kc.getContextObject(context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new Error(`no kubeconfig context "${context}" (known: ${known.join(", ") || "none"})`);
    }
    kc.setCurrentContext(context);
  }
  return kc;
}

/** The current context's name without connecting (empty when there is no kubeconfig). */
export function currentContextName(context?: string): string {
  if (context) return context;
  try {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    // With no kubeconfig at all, client-node makes up "loaded-context" for http://localhost:8080.
    if (kc.getCurrentContext() === "loaded-context" && kc.getCurrentCluster()?.server === "http://localhost:8080") return "";
    return kc.getCurrentContext() ?? "";
  } catch {
    return "";
  }
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "number" ? code : undefined;
}

export function createKubeClient(kc: KubeConfig): KubeClient {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const metrics = new Metrics(kc);

  return {
    contextName: kc.getCurrentContext(),
    async listPods(namespace, labelSelector) {
      return (await core.listNamespacedPod({ namespace, labelSelector })).items;
    },
    async listDeployments(namespace, labelSelector) {
      return (await apps.listNamespacedDeployment({ namespace, labelSelector })).items;
    },
    async listServices(namespace, labelSelector) {
      return (await core.listNamespacedService({ namespace, labelSelector })).items;
    },
    async listEvents(namespace) {
      return (await core.listNamespacedEvent({ namespace })).items;
    },
    async podMetrics(namespace) {
      try {
        return (await metrics.getPodMetrics(namespace)).items;
      } catch (err) {
        // 404: no metrics.k8s.io (metrics-server not installed). Anything else is a real error.
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
    async getThroughService(namespace, service, port, path) {
      const cluster = kc.getCurrentCluster();
      if (!cluster) throw new Error("no current cluster in the kubeconfig");
      const url = new URL(
        `${cluster.server.replace(/\/$/, "")}/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}:${port}/proxy${path}`,
      );
      const opts: RequestOptions & Record<string, unknown> = { method: "GET", headers: {}, timeout: 10_000 };
      // The client's own authentication: certificates, tokens, exec plugins and the agent for them.
      await kc.applyToHTTPSOptions(opts as never);
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      return new Promise<ProxyResponse>((resolve, reject) => {
        const req = send(url, opts, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(Object.assign(new Error(`GET ${path} through ${service} timed out`), { code: "ETIMEDOUT" })));
        req.on("error", reject);
        req.end();
      });
    },
    async readNamespace(namespace) {
      try {
        const ns = await core.readNamespace({ name: namespace });
        return { phase: ns.status?.phase ?? "Active", labels: ns.metadata?.labels ?? {} };
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
    async createNamespace(namespace, labels) {
      await core.createNamespace({ body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels } } });
    },
    async labelNamespace(namespace, labels) {
      await core.patchNamespace({ name: namespace, body: { metadata: { labels } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    },
    async deleteNamespace(namespace) {
      try {
        await core.deleteNamespace({ name: namespace });
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    },
    async readPodLog(namespace, pod) {
      return core.readNamespacedPodLog({ namespace, name: pod, tailLines: 50 });
    },
    async listSecrets(namespace, labelSelector) {
      const items = (await core.listNamespacedSecret({ namespace, labelSelector })).items;
      return items.map((s) => ({ name: s.metadata?.name ?? "", labels: s.metadata?.labels ?? {}, type: s.type }));
    },
    async deleteSecret(namespace, name) {
      try {
        await core.deleteNamespacedSecret({ namespace, name });
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    },
    async listPersistentVolumeClaims(namespace, labelSelector) {
      const items = (await core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector })).items;
      return items.map((c) => ({ name: c.metadata?.name ?? "", labels: c.metadata?.labels ?? {} }));
    },
    async deletePersistentVolumeClaim(namespace, name) {
      try {
        await core.deleteNamespacedPersistentVolumeClaim({ namespace, name });
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    },
  };
}
