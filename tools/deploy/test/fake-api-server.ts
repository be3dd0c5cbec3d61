/**
 * A local HTTP server that answers as a Kubernetes API server does, for the paths the CLI reads:
 * pods (and their logs), deployments, services, events, secrets and persistent volume claims
 * (with labelSelector), metrics.k8s.io pod metrics (or the 404 of a cluster without
 * metrics-server), the service proxy, and namespaces (read, create, merge-patch, delete: a deleted
 * namespace stays Terminating for a few reads, as a real one does while its objects go). The real
 * @kubernetes/client-node talks to it through a kubeconfig, so the tests exercise the client's own
 * requests, deserialisation and errors over the JSON a cluster returns.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

type Json = Record<string, any>;

export interface FakeCluster {
  pods?: Json[];
  deployments?: Json[];
  services?: Json[];
  events?: Json[];
  /** PodMetrics items; "absent" answers 404 as a cluster without metrics-server does. */
  metrics?: Json[] | "absent";
  /** "service:port/path" → answer; anything else is the API server's 503 for a Service without endpoints. */
  proxy?: Record<string, { status: number; body: string }>;
  /** Namespace names (Active, no labels), or their state. */
  namespaces?: (string | FakeNamespace)[];
  secrets?: Json[];
  persistentVolumeClaims?: Json[];
  /** Pod name → its log. */
  logs?: Record<string, string>;
}

export interface FakeNamespace {
  name: string;
  labels?: Record<string, string>;
  phase?: "Active" | "Terminating";
  /** While Terminating: reads left before it is gone (default 2). */
  readsUntilGone?: number;
}

function status(code: number, reason: string, message: string): Json {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

function matches(obj: Json, selector: string | null): boolean {
  if (!selector) return true;
  const labels = obj.metadata?.labels ?? {};
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return labels[k!] === v;
  });
}

function list(kind: string, apiVersion: string, items: Json[]): Json {
  return { kind, apiVersion, metadata: { resourceVersion: "48213" }, items };
}

export async function startFakeApiServer(cluster: FakeCluster) {
  const requests: string[] = [];
  /** Request bodies of POST and PATCH, by "METHOD path". */
  const bodies: Record<string, Json> = {};
  const namespaces = new Map<string, FakeNamespace>((cluster.namespaces ?? []).map((n) => (typeof n === "string" ? [n, { name: n }] : [n.name, { ...n }])));
  const nsObject = (n: FakeNamespace) => ({
    kind: "Namespace",
    apiVersion: "v1",
    metadata: { name: n.name, labels: n.labels ?? {} },
    status: { phase: n.phase ?? "Active" },
  });
  const readBody = (req: IncomingMessage) =>
    new Promise<Json>((resolve) => {
      let text = "";
      req.on("data", (c) => (text += c));
      req.on("end", () => resolve(text ? JSON.parse(text) : {}));
    });
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const body = req.method === "POST" || req.method === "PATCH" ? await readBody(req) : undefined;
    if (body) bodies[`${req.method} ${url.pathname}`] = { ...body, "content-type": req.headers["content-type"] };
    const send = (code: number, body: Json | string) => {
      res.writeHead(code, { "content-type": typeof body === "string" ? "text/plain" : "application/json" });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    const sel = url.searchParams.get("labelSelector");
    const ns = (o: Json, n: string) => (o.metadata?.namespace ?? n) === n;
    let m: RegExpExecArray | null;
    if (req.method === "GET" && (m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(url.pathname))) {
      const log = cluster.logs?.[m[2]!];
      return log === undefined ? send(404, status(404, "NotFound", `pods "${m[2]}" not found`)) : send(200, log);
    }
    for (const [kind, resource, items] of [
      ["SecretList", "secrets", cluster.secrets],
      ["PersistentVolumeClaimList", "persistentvolumeclaims", cluster.persistentVolumeClaims],
    ] as const) {
      if ((m = new RegExp(`^/api/v1/namespaces/([^/]+)/${resource}(?:/([^/]+))?$`).exec(url.pathname))) {
        const all = (items ?? []) as Json[];
        if (req.method === "GET" && !m[2])
          return send(
            200,
            list(
              kind,
              "v1",
              all.filter((o) => ns(o, m![1]!) && matches(o, sel)),
            ),
          );
        if (req.method === "DELETE" && m[2]) {
          const i = all.findIndex((o) => o.metadata?.name === m![2] && ns(o, m![1]!));
          if (i < 0) return send(404, status(404, "NotFound", `${resource} "${m[2]}" not found`));
          const [gone] = all.splice(i, 1);
          return send(200, gone!);
        }
      }
    }
    if (req.method === "GET" && (m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname))) {
      return send(
        200,
        list(
          "PodList",
          "v1",
          (cluster.pods ?? []).filter((p) => ns(p, m![1]!) && matches(p, sel)),
        ),
      );
    }
    if (req.method === "GET" && (m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments$/.exec(url.pathname))) {
      return send(
        200,
        list(
          "DeploymentList",
          "apps/v1",
          (cluster.deployments ?? []).filter((d) => ns(d, m![1]!) && matches(d, sel)),
        ),
      );
    }
    if (req.method === "GET" && (m = /^\/api\/v1\/namespaces\/([^/]+)\/services$/.exec(url.pathname))) {
      return send(
        200,
        list(
          "ServiceList",
          "v1",
          (cluster.services ?? []).filter((s) => ns(s, m![1]!) && matches(s, sel)),
        ),
      );
    }
    if (req.method === "GET" && (m = /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(url.pathname))) {
      return send(
        200,
        list(
          "EventList",
          "v1",
          (cluster.events ?? []).filter((e) => ns(e, m![1]!)),
        ),
      );
    }
    if (req.method === "GET" && (m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname))) {
      if (cluster.metrics === "absent" || cluster.metrics === undefined)
        return send(404, status(404, "NotFound", "the server could not find the requested resource"));
      return send(200, { kind: "PodMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items: cluster.metrics.filter((p) => ns(p, m![1]!)) });
    }
    if (req.method === "GET" && (m = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)$/.exec(url.pathname))) {
      const key = `${decodeURIComponent(m[2]!)}${m[3]}`;
      const answer = cluster.proxy?.[key];
      if (answer) return send(answer.status, answer.body);
      return send(503, status(503, "ServiceUnavailable", `no endpoints available for service "${decodeURIComponent(m[2]!)}"`));
    }
    if (req.method === "POST" && url.pathname === "/api/v1/namespaces") {
      const name = body!.metadata?.name as string;
      if (namespaces.has(name)) return send(409, status(409, "AlreadyExists", `namespaces "${name}" already exists`));
      namespaces.set(name, { name, labels: body!.metadata?.labels ?? {} });
      return send(201, nsObject(namespaces.get(name)!));
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(url.pathname))) {
      const n = namespaces.get(m[1]!);
      if (!n) return send(404, status(404, "NotFound", `namespaces "${m[1]}" not found`));
      if (req.method === "DELETE") {
        n.phase = "Terminating";
        n.readsUntilGone ??= 2;
        return send(200, nsObject(n));
      }
      if (req.method === "PATCH") {
        n.labels = { ...n.labels, ...(body!.metadata?.labels ?? {}) };
        return send(200, nsObject(n));
      }
      if (n.phase === "Terminating" && n.readsUntilGone !== undefined) {
        if (n.readsUntilGone <= 0) {
          namespaces.delete(n.name);
          return send(404, status(404, "NotFound", `namespaces "${m[1]}" not found`));
        }
        n.readsUntilGone--;
      }
      return send(200, nsObject(n));
    }
    return send(404, status(404, "NotFound", "the server could not find the requested resource"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    bodies,
    namespaces,
    cluster,
    kubeConfig: () => kubeConfigFor(url),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A kubeconfig with one context, "minikube", pointing at `server`. */
export function kubeConfigFor(server: string, contextName = "minikube"): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "fake", server, skipTLSVerify: true }],
    users: [{ name: "tester", token: "not-a-secret" }],
    contexts: [{ name: contextName, cluster: "fake", user: "tester" }],
    currentContext: contextName,
  });
  return kc;
}
