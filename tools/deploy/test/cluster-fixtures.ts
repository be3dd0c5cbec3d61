/**
 * Kubernetes objects as a cluster returns them (the JSON of `kubectl get -o json`, timestamps as
 * RFC 3339 strings), for the todo-chatbot release in todo-app: the Deployments, their pods, the
 * in-cluster database's pod, a finished migration pod, helm's test pod, Events and PodMetrics.
 * Builders take only what a test changes; the rest is what a healthy Minikube shows.
 */
type Json = Record<string, any>;

export const NS = "todo-app";
export const T0 = "2026-02-01T11:50:00Z";
/** The fake clock's start (see fake-clock.ts): 12:00. */
export const NOW = "2026-02-01T12:00:00Z";

const RESOURCES: Record<string, Json> = {
  backend: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "200m", memory: "512Mi" } },
  frontend: { limits: { cpu: "500m", memory: "512Mi" }, requests: { cpu: "100m", memory: "256Mi" } },
  database: { limits: { cpu: "500m", memory: "512Mi" }, requests: { cpu: "100m", memory: "256Mi" } },
  migrate: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
  test: { limits: { cpu: "200m", memory: "128Mi" }, requests: { cpu: "50m", memory: "64Mi" } },
};

const IMAGES: Record<string, string> = {
  backend: "todo-backend:1.0.0",
  frontend: "todo-frontend:1.0.0",
  database: "postgres:17",
  migrate: "todo-backend:1.0.0",
  test: "todo-backend:1.0.0",
};

const CONTAINER: Record<string, string> = { backend: "backend", frontend: "frontend", database: "postgresql", migrate: "migrate", test: "health" };

function labels(component: string, release = "todo-chatbot"): Json {
  return {
    "app.kubernetes.io/name": component === "database" ? "backend-database" : component,
    "app.kubernetes.io/instance": release,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "todo-chatbot",
    "app.kubernetes.io/managed-by": "Helm",
    app: component,
  };
}

export interface PodOptions {
  name: string;
  component: "backend" | "frontend" | "database" | "migrate" | "test";
  release?: string;
  phase?: "Pending" | "Running" | "Succeeded" | "Failed";
  ready?: boolean;
  restarts?: number;
  /** A waiting state: CrashLoopBackOff, ErrImageNeverPull, ContainerCreating … */
  waiting?: { reason: string; message?: string };
  /** The container's last termination (for a crash loop or an OOM kill). */
  lastTerminated?: { exitCode: number; reason: string };
  readySince?: string;
  unschedulable?: string;
  /** The container's image (default: the component's at tag 1.0.0). */
  image?: string;
  /** Set on a pod being deleted (an old ReplicaSet's pod on its way out). */
  deletionTimestamp?: string;
}

export function pod(o: PodOptions): Json {
  const release = o.release ?? "todo-chatbot";
  const phase = o.phase ?? (o.unschedulable ? "Pending" : "Running");
  const ready = o.ready ?? (phase === "Running" && !o.waiting);
  const since = o.readySince ?? "2026-02-01T11:51:10Z";
  const owner =
    o.component === "database"
      ? { kind: "StatefulSet", name: `${release}-backend-postgresql` }
      : o.component === "migrate"
        ? { kind: "Job", name: `${release}-backend-migrate` }
        : o.component === "test"
          ? undefined
          : { kind: "ReplicaSet", name: o.name.replace(/-[a-z0-9]{5}$/, "") };
  const containerName = CONTAINER[o.component]!;
  const image = o.image ?? IMAGES[o.component];
  const state = o.waiting
    ? { waiting: { reason: o.waiting.reason, ...(o.waiting.message ? { message: o.waiting.message } : {}) } }
    : phase === "Succeeded"
      ? { terminated: { exitCode: 0, reason: "Completed", startedAt: T0, finishedAt: "2026-02-01T11:50:20Z", containerID: "docker://1f2e3d" } }
      : phase === "Pending"
        ? { waiting: { reason: "ContainerCreating" } }
        : { running: { startedAt: "2026-02-01T11:50:40Z" } };
  return {
    metadata: {
      name: o.name,
      generateName: o.name.replace(/[a-z0-9]{5}$/, ""),
      namespace: NS,
      uid: `uid-${o.name}`,
      resourceVersion: "48102",
      creationTimestamp: T0,
      ...(o.deletionTimestamp ? { deletionTimestamp: o.deletionTimestamp, deletionGracePeriodSeconds: 30 } : {}),
      labels: { ...labels(o.component, release), ...(o.component === "backend" || o.component === "frontend" ? { "pod-template-hash": "7d9c6b5f4" } : {}) },
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: owner.kind === "Job" ? "batch/v1" : "apps/v1",
                kind: owner.kind,
                name: owner.name,
                uid: `uid-${owner.name}`,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      containers: [
        {
          name: containerName,
          image,
          imagePullPolicy: "IfNotPresent",
          ports:
            o.component === "backend"
              ? [{ name: "http", containerPort: 8000, protocol: "TCP" }]
              : o.component === "frontend"
                ? [{ name: "http", containerPort: 3000, protocol: "TCP" }]
                : [],
          resources: RESOURCES[o.component],
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            runAsUser: 1001,
          },
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
        },
      ],
      restartPolicy: o.component === "migrate" || o.component === "test" ? "Never" : "Always",
      nodeName: o.unschedulable ? undefined : "minikube",
      serviceAccountName: o.component === "backend" || o.component === "frontend" ? `${release}-${o.component}` : "default",
    },
    status: {
      phase,
      conditions: o.unschedulable
        ? [{ type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime: T0, reason: "Unschedulable", message: o.unschedulable }]
        : [
            { type: "PodReadyToStartContainers", status: "True", lastProbeTime: null, lastTransitionTime: "2026-02-01T11:50:38Z" },
            { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: T0 },
            {
              type: "Ready",
              status: ready ? "True" : "False",
              lastProbeTime: null,
              lastTransitionTime: ready ? since : "2026-02-01T11:50:40Z",
              ...(ready ? {} : { reason: "ContainersNotReady", message: `containers with unready status: [${containerName}]` }),
            },
            { type: "ContainersReady", status: ready ? "True" : "False", lastProbeTime: null, lastTransitionTime: ready ? since : "2026-02-01T11:50:40Z" },
            { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: T0 },
          ],
      hostIP: o.unschedulable ? undefined : "192.168.49.2",
      podIP: o.unschedulable ? undefined : "10.244.0.17",
      startTime: T0,
      qosClass: "Burstable",
      ...(o.unschedulable
        ? {}
        : {
            containerStatuses: [
              {
                name: containerName,
                state,
                lastState: o.lastTerminated
                  ? {
                      terminated: {
                        ...o.lastTerminated,
                        startedAt: "2026-02-01T11:58:00Z",
                        finishedAt: "2026-02-01T11:58:03Z",
                        containerID: "docker://9a8b7c",
                      },
                    }
                  : {},
                ready,
                restartCount: o.restarts ?? 0,
                image,
                imageID: o.waiting?.reason.startsWith("ErrImage") || o.waiting?.reason === "ImagePullBackOff" ? "" : `docker://sha256:${"ab".repeat(32)}`,
                containerID: o.waiting ? undefined : "docker://5e6f7a",
                started: !o.waiting && phase === "Running",
              },
            ],
          }),
    },
  };
}

export function deployment(o: {
  name: string;
  component: "backend" | "frontend";
  replicas: number;
  ready?: number;
  release?: string;
  progressDeadlineExceeded?: boolean;
}): Json {
  const ready = o.ready ?? o.replicas;
  const available = ready >= o.replicas;
  return {
    metadata: {
      name: o.name,
      namespace: NS,
      uid: `uid-${o.name}`,
      generation: 1,
      creationTimestamp: T0,
      labels: labels(o.component, o.release),
      annotations: { "deployment.kubernetes.io/revision": "1", "meta.helm.sh/release-name": o.release ?? "todo-chatbot", "meta.helm.sh/release-namespace": NS },
    },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { "app.kubernetes.io/instance": o.release ?? "todo-chatbot", "app.kubernetes.io/component": o.component } },
      template: {
        metadata: { labels: labels(o.component, o.release) },
        spec: { containers: [{ name: o.component, image: IMAGES[o.component], resources: RESOURCES[o.component] }] },
      },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 1,
      replicas: o.replicas,
      updatedReplicas: o.replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(available ? {} : { unavailableReplicas: o.replicas - ready }),
      conditions: [
        available
          ? {
              type: "Available",
              status: "True",
              lastUpdateTime: "2026-02-01T11:51:10Z",
              lastTransitionTime: "2026-02-01T11:51:10Z",
              reason: "MinimumReplicasAvailable",
              message: "Deployment has minimum availability.",
            }
          : {
              type: "Available",
              status: "False",
              lastUpdateTime: T0,
              lastTransitionTime: T0,
              reason: "MinimumReplicasUnavailable",
              message: "Deployment does not have minimum availability.",
            },
        o.progressDeadlineExceeded
          ? {
              type: "Progressing",
              status: "False",
              lastUpdateTime: "2026-02-01T11:59:00Z",
              lastTransitionTime: "2026-02-01T11:59:00Z",
              reason: "ProgressDeadlineExceeded",
              message: `ReplicaSet "${o.name}-7d9c6b5f4" has timed out progressing.`,
            }
          : {
              type: "Progressing",
              status: "True",
              lastUpdateTime: "2026-02-01T11:51:10Z",
              lastTransitionTime: T0,
              reason: "NewReplicaSetAvailable",
              message: `ReplicaSet "${o.name}-7d9c6b5f4" has successfully progressed.`,
            },
      ],
    },
  };
}

export function event(o: {
  object: { kind: string; name: string };
  reason: string;
  message: string;
  type?: "Warning" | "Normal";
  last: string;
  count?: number;
  fieldPath?: string;
}): Json {
  return {
    metadata: {
      name: `${o.object.name}.${Buffer.from(o.reason + o.last)
        .toString("hex")
        .slice(0, 16)}`,
      namespace: NS,
      uid: `uid-ev-${o.reason}-${o.last}`,
      resourceVersion: "48150",
      creationTimestamp: o.last,
    },
    involvedObject: {
      kind: o.object.kind,
      namespace: NS,
      name: o.object.name,
      uid: `uid-${o.object.name}`,
      apiVersion: o.object.kind === "Pod" ? "v1" : "apps/v1",
      resourceVersion: "48101",
      ...(o.fieldPath ? { fieldPath: o.fieldPath } : {}),
    },
    reason: o.reason,
    message: o.message,
    source: { component: "kubelet", host: "minikube" },
    firstTimestamp: T0,
    lastTimestamp: o.last,
    count: o.count ?? 1,
    type: o.type ?? "Warning",
    eventTime: null,
    reportingComponent: "kubelet",
    reportingInstance: "minikube",
  };
}

export function podMetrics(name: string, containers: Record<string, { cpu: string; memory: string }>): Json {
  return {
    metadata: { name, namespace: NS, creationTimestamp: NOW, labels: {} },
    timestamp: "2026-02-01T11:59:45Z",
    window: "15.011s",
    containers: Object.entries(containers).map(([n, usage]) => ({ name: n, usage })),
  };
}

/** A healthy todo-chatbot release (seed 000 on Minikube): 1 backend, 2 frontends, the database. */
export function healthyCluster(): {
  pods: Json[];
  deployments: Json[];
  events: Json[];
  metrics: Json[];
  proxy: Record<string, { status: number; body: string }>;
  namespaces: string[];
} {
  return {
    pods: [
      pod({ name: "todo-chatbot-backend-7d9c6b5f4-x2k8q", component: "backend" }),
      pod({ name: "todo-chatbot-frontend-7d9c6b5f4-4hj2m", component: "frontend" }),
      pod({ name: "todo-chatbot-frontend-7d9c6b5f4-p9w7z", component: "frontend" }),
      pod({ name: "todo-chatbot-backend-postgresql-0", component: "database" }),
      pod({ name: "todo-chatbot-backend-migrate-8sd7f", component: "migrate", phase: "Succeeded", ready: false }),
    ],
    deployments: [
      deployment({ name: "todo-chatbot-backend", component: "backend", replicas: 1 }),
      deployment({ name: "todo-chatbot-frontend", component: "frontend", replicas: 2 }),
    ],
    events: [
      // Readiness failing while the backend started (before it became Ready at 11:51:10): how starting looks.
      event({
        object: { kind: "Pod", name: "todo-chatbot-backend-7d9c6b5f4-x2k8q" },
        reason: "Unhealthy",
        message: "Readiness probe failed: HTTP probe failed with statuscode: 503",
        last: "2026-02-01T11:51:00Z",
        count: 4,
        fieldPath: "spec.containers{backend}",
      }),
      // A pod of an earlier rollout that no longer exists.
      event({
        object: { kind: "Pod", name: "todo-chatbot-frontend-5b8d9c7f6-abcde" },
        reason: "BackOff",
        message: "Back-off restarting failed container frontend",
        last: "2026-02-01T11:55:00Z",
      }),
      // Another application's warning in the same namespace.
      event({
        object: { kind: "Pod", name: "other-app-6c7d8-zzzzz" },
        reason: "FailedMount",
        message: "MountVolume.SetUp failed",
        last: "2026-02-01T11:59:00Z",
      }),
      // Old news: an hour ago.
      event({ object: { kind: "Deployment", name: "todo-chatbot-backend" }, reason: "FailedCreate", message: "exceeded quota", last: "2026-02-01T10:40:00Z" }),
      event({
        object: { kind: "Pod", name: "todo-chatbot-backend-7d9c6b5f4-x2k8q" },
        reason: "Started",
        message: "Started container backend",
        type: "Normal",
        last: "2026-02-01T11:50:40Z",
      }),
    ],
    metrics: [
      podMetrics("todo-chatbot-backend-7d9c6b5f4-x2k8q", { backend: { cpu: "3412345n", memory: "98765Ki" } }),
      podMetrics("todo-chatbot-frontend-7d9c6b5f4-4hj2m", { frontend: { cpu: "1203456n", memory: "80124Ki" } }),
      podMetrics("todo-chatbot-frontend-7d9c6b5f4-p9w7z", { frontend: { cpu: "998123n", memory: "79012Ki" } }),
      podMetrics("todo-chatbot-backend-postgresql-0", { postgresql: { cpu: "2100000n", memory: "41232Ki" } }),
    ],
    proxy: {
      "todo-chatbot-backend:8000/health": { status: 200, body: '{"status":"healthy","service":"todo-chatbot-backend","version":"1.0.0"}' },
      "todo-chatbot-backend:8000/health/ready": { status: 200, body: '{"status":"ready"}' },
      "todo-chatbot-frontend:3000/api/health": { status: 200, body: '{"status":"ok"}' },
      "todo-chatbot-frontend:3000/api/health/ready": { status: 200, body: '{"status":"ready"}' },
    },
    namespaces: [NS],
  };
}
