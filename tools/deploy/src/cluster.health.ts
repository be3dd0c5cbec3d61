/**
 * Reads a release's health from the objects a cluster returns: pods (phase, Ready condition,
 * container states and restarts), Deployments (replicas and conditions), Warning events, PodMetrics
 * against the containers' limits, and the health routes as answered through the Services. Pure
 * functions over @kubernetes/client-node models: the monitor and release steps fetch, this judges.
 * Each problem says whether waiting can fix it (a pod still starting) or not (a crash loop).
 */
import type { CoreV1Event, PodMetric, V1Container, V1Deployment, V1Pod } from "@kubernetes/client-node";

export type ProblemKind =
  | "crash-loop"
  | "image"
  | "config"
  | "unschedulable"
  | "oom"
  | "not-ready"
  | "failed-pod"
  | "deployment"
  | "warning-event"
  | "resources"
  | "route"
  | "old-image";

export interface Problem {
  kind: ProblemKind;
  subject: string;
  message: string;
  transient: boolean;
}

export interface RouteCheck {
  service: string;
  path: string;
  status?: number;
  body?: string;
  error?: string;
  transient?: boolean;
}

export interface PodRow {
  name: string;
  phase: string;
  ready: string;
  restarts: number;
  state: string;
  cpu?: string;
  memory?: string;
}

export interface HealthReport {
  pods: PodRow[];
  problems: Problem[];
  notes: string[];
}

export interface Snapshot {
  pods: V1Pod[];
  deployments: V1Deployment[];
  events?: CoreV1Event[];
  /** undefined: the metrics API is not installed. */
  metrics?: PodMetric[];
  routes?: RouteCheck[];
}

export interface AssessOptions {
  /** Object name prefixes of the releases (events name objects, not labels). */
  namePrefixes: string[];
  /** Warning events last seen before this are history, not health. */
  since: Date;
  /** Share of a limit at which use counts as too close to it. */
  limitRatio?: number;
  /**
   * The image each app component should run (backend/frontend → repository:tag, the build's tag).
   * A pod running another one did not roll: "transient" while waiting for a rollout, "problem" when
   * this run deployed it and it should have rolled, "note" when only reporting (status).
   */
  expectedImages?: Partial<Record<string, string>>;
  imageMismatch?: "transient" | "problem" | "note";
  /**
   * While the release's database pod is not Ready yet (the in-cluster PostgreSQL starting with the
   * release), a backend's restarts are how waiting for it may look (an older image exits when it
   * cannot connect): a crash loop then counts as transient instead of permanent.
   */
  tolerateRestartsWhileDatabaseStarts?: boolean;
}

/** Readiness or liveness failures fewer than a probe's failureThreshold change nothing. */
const UNHEALTHY_TOLERATED = 3;

/** Waiting reasons that no amount of waiting fixes. */
const IMAGE_REASONS = new Set(["ErrImageNeverPull", "ImagePullBackOff", "ErrImagePull", "InvalidImageName"]);
const CONFIG_REASONS = new Set(["CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);

const DEFAULT_LIMIT_RATIO = 0.9;

/** Kubernetes quantities: CPU in cores ("250m", "1", "12345678n"), memory in bytes ("512Mi", "1G"). */
export function parseQuantity(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  if (typeof q === "number") return q;
  const m = /^([0-9.]+(?:e[+-]?\d+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const factors: Record<string, number> = {
    "": 1,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
  };
  const f = factors[m[2]!];
  return f === undefined ? undefined : n * f;
}

function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

function readySince(pod: V1Pod): Date | undefined {
  const c = pod.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True");
  return c?.lastTransitionTime ? new Date(c.lastTransitionTime) : undefined;
}

/** Pods the monitor judges: the app's, not helm's test pods, finished hook Jobs, or pods on their way out. */
export function appPods(pods: V1Pod[]): V1Pod[] {
  return pods.filter(
    (p) => p.metadata?.labels?.["app.kubernetes.io/component"] !== "test" && p.status?.phase !== "Succeeded" && !p.metadata?.deletionTimestamp,
  );
}

function componentOf(pod: V1Pod): string | undefined {
  return pod.metadata?.labels?.["app.kubernetes.io/component"];
}

/** repository:tag without the registry prefixes a runtime may add (docker.io/library/). */
export function normalizeImage(image: string): string {
  return image.replace(/^(docker\.io\/)?(library\/)?/, "").replace(/^localhost\//, "");
}

function podProblems(pod: V1Pod): Problem[] {
  const name = pod.metadata?.name ?? "?";
  const out: Problem[] = [];
  const phase = pod.status?.phase ?? "Unknown";
  if (phase === "Failed") {
    out.push({
      kind: "failed-pod",
      subject: name,
      message: `pod ${name} failed: ${pod.status?.reason ?? ""} ${pod.status?.message ?? ""}`.trim(),
      transient: false,
    });
    return out;
  }
  const unschedulable = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable");
  if (unschedulable) {
    out.push({ kind: "unschedulable", subject: name, message: `pod ${name} cannot be scheduled: ${unschedulable.message ?? ""}`.trim(), transient: false });
    return out;
  }
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const cs of statuses) {
    const waiting = cs.state?.waiting;
    const last = cs.lastState?.terminated;
    if (waiting?.reason === "CrashLoopBackOff") {
      const why = last ? ` (last exit ${last.exitCode}${last.reason ? ` ${last.reason}` : ""})` : "";
      out.push({
        kind: last?.reason === "OOMKilled" ? "oom" : "crash-loop",
        subject: name,
        message: `container ${cs.name} of ${name} is crash-looping: ${cs.restartCount} restarts${why}`,
        transient: false,
      });
    } else if (waiting?.reason && IMAGE_REASONS.has(waiting.reason)) {
      out.push({
        kind: "image",
        subject: name,
        message: `container ${cs.name} of ${name}: ${waiting.reason} (${cs.image})${waiting.message ? `: ${waiting.message}` : ""}`,
        transient: false,
      });
    } else if (waiting?.reason && CONFIG_REASONS.has(waiting.reason)) {
      out.push({
        kind: "config",
        subject: name,
        message: `container ${cs.name} of ${name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`,
        transient: false,
      });
    } else if (last?.reason === "OOMKilled" && cs.restartCount > 0) {
      out.push({ kind: "oom", subject: name, message: `container ${cs.name} of ${name} was OOMKilled (${cs.restartCount} restarts)`, transient: false });
    }
  }
  if (out.length === 0 && !podReady(pod)) {
    const waiting = statuses.find((cs) => cs.state?.waiting)?.state?.waiting?.reason;
    out.push({ kind: "not-ready", subject: name, message: `pod ${name} is ${phase}${waiting ? ` (${waiting})` : ""}, not Ready yet`, transient: true });
  }
  return out;
}

function deploymentProblems(d: V1Deployment): Problem[] {
  const name = d.metadata?.name ?? "?";
  const want = d.spec?.replicas ?? 1;
  const ready = d.status?.readyReplicas ?? 0;
  const updated = d.status?.updatedReplicas ?? 0;
  const progressing = d.status?.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") {
    return [
      {
        kind: "deployment",
        subject: name,
        message: `deployment ${name} exceeded its progress deadline: ${progressing.message ?? ""}`.trim(),
        transient: false,
      },
    ];
  }
  const quota = d.status?.conditions?.find((c) => c.type === "ReplicaFailure" && c.status === "True");
  if (quota) return [{ kind: "deployment", subject: name, message: `deployment ${name}: ${quota.reason}: ${quota.message ?? ""}`.trim(), transient: false }];
  const available = d.status?.conditions?.some((c) => c.type === "Available" && c.status === "True") ?? false;
  if (!available || ready < want || updated < want) {
    return [
      {
        kind: "deployment",
        subject: name,
        message: `deployment ${name}: ${ready}/${want} ready, ${updated}/${want} updated${available ? "" : ", not Available"}`,
        transient: true,
      },
    ];
  }
  return [];
}

function eventTime(e: CoreV1Event): Date | undefined {
  const t = e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t) : undefined;
}

/**
 * Warning events that describe the release now: recent, about one of its objects, and, for a pod,
 * about a Ready pod that still exists, seen after it became Ready (probe failures while a pod
 * starts are how starting looks, not a fault).
 */
export function currentWarnings(events: CoreV1Event[], pods: V1Pod[], opts: AssessOptions): CoreV1Event[] {
  const podsByName = new Map(pods.map((p) => [p.metadata?.name ?? "", p]));
  return events.filter((e) => {
    if (e.type !== "Warning") return false;
    const name = e.involvedObject?.name ?? "";
    if (!opts.namePrefixes.some((p) => name === p || name.startsWith(`${p}-`))) return false;
    const at = eventTime(e);
    if (!at || at < opts.since) return false;
    if (e.involvedObject?.kind === "Pod") {
      const pod = podsByName.get(name);
      if (!pod) return false;
      // A pod that is not Ready is reported as such (or as crash-looping …); its events are how
      // that looks. Once Ready, any new warning about it is news.
      const ready = readySince(pod);
      if (!ready || at <= ready) return false;
    }
    return true;
  });
}

function containersOf(pod: V1Pod): V1Container[] {
  return pod.spec?.containers ?? [];
}

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

function formatCpu(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

function formatMem(bytes: number): string {
  return `${Math.round(bytes / 1024 ** 2)}Mi`;
}

export function assessHealth(snapshot: Snapshot, opts: AssessOptions): HealthReport {
  const pods = appPods(snapshot.pods);
  const problems: Problem[] = [];
  const notes: string[] = [];
  const ratio = opts.limitRatio ?? DEFAULT_LIMIT_RATIO;
  const metricsByPod = new Map((snapshot.metrics ?? []).map((m) => [m.metadata.name, m]));

  const rows: PodRow[] = pods.map((pod) => {
    const statuses = pod.status?.containerStatuses ?? [];
    const readyCount = statuses.filter((s) => s.ready).length;
    const waiting = statuses.map((s) => s.state?.waiting?.reason).find(Boolean);
    const row: PodRow = {
      name: pod.metadata?.name ?? "?",
      phase: pod.status?.phase ?? "Unknown",
      ready: `${readyCount}/${containersOf(pod).length || statuses.length}`,
      restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
      state: waiting ?? (podReady(pod) ? "Ready" : "not Ready"),
    };
    const metric = metricsByPod.get(row.name);
    if (metric) {
      let cpu = 0;
      let mem = 0;
      let cpuLimit = 0;
      let memLimit = 0;
      for (const c of metric.containers) {
        const spec = containersOf(pod).find((s) => s.name === c.name);
        const usedCpu = parseQuantity(c.usage.cpu) ?? 0;
        const usedMem = parseQuantity(c.usage.memory) ?? 0;
        const limCpu = parseQuantity(spec?.resources?.limits?.cpu);
        const limMem = parseQuantity(spec?.resources?.limits?.memory);
        cpu += usedCpu;
        mem += usedMem;
        cpuLimit += limCpu ?? 0;
        memLimit += limMem ?? 0;
        if (limMem && usedMem >= ratio * limMem) {
          problems.push({
            kind: "resources",
            subject: row.name,
            message: `container ${c.name} of ${row.name} uses ${formatMem(usedMem)} of its ${formatMem(limMem)} memory limit (${pct(usedMem / limMem)})`,
            transient: false,
          });
        }
        if (limCpu && usedCpu >= ratio * limCpu) {
          problems.push({
            kind: "resources",
            subject: row.name,
            message: `container ${c.name} of ${row.name} uses ${formatCpu(usedCpu)} of its ${formatCpu(limCpu)} CPU limit (${pct(usedCpu / limCpu)})`,
            transient: false,
          });
        }
        if (!limCpu || !limMem) notes.push(`container ${c.name} of ${row.name} has no ${!limCpu ? "CPU" : "memory"} limit`);
      }
      row.cpu = cpuLimit ? `${formatCpu(cpu)} (${pct(cpu / cpuLimit)} of limit)` : formatCpu(cpu);
      row.memory = memLimit ? `${formatMem(mem)} (${pct(mem / memLimit)} of limit)` : formatMem(mem);
    }
    return row;
  });

  for (const pod of pods) problems.push(...podProblems(pod));
  for (const d of snapshot.deployments) problems.push(...deploymentProblems(d));
  if (pods.length === 0) problems.push({ kind: "not-ready", subject: "pods", message: "no pods of the release", transient: true });

  if (opts.expectedImages) {
    for (const pod of pods) {
      const want = opts.expectedImages[componentOf(pod) ?? ""];
      if (!want) continue;
      const running = (pod.spec?.containers ?? []).map((c) => normalizeImage(c.image ?? ""));
      if (running.includes(normalizeImage(want))) continue;
      const message = `pod ${pod.metadata?.name ?? "?"} runs ${running.join(", ")}, not ${want}`;
      if (opts.imageMismatch === "note") notes.push(`${message} (the release runs another build than this checkout's)`);
      else
        problems.push({
          kind: "old-image",
          subject: pod.metadata?.name ?? "?",
          message: opts.imageMismatch === "problem" ? `${message}: the release did not roll` : `${message} yet (rolling out)`,
          transient: opts.imageMismatch !== "problem",
        });
    }
  }

  if (opts.tolerateRestartsWhileDatabaseStarts) {
    const database = pods.filter((p) => componentOf(p) === "database");
    if (database.some((p) => !podReady(p))) {
      const backends = new Set(pods.filter((p) => componentOf(p) === "backend").map((p) => p.metadata?.name));
      for (const p of problems) {
        if (p.kind === "crash-loop" && backends.has(p.subject)) {
          p.transient = true;
          p.message += " while the database is not Ready yet";
        }
      }
    }
  }

  if (snapshot.events) {
    const podsByName = new Map(pods.map((p) => [p.metadata?.name ?? "", p]));
    for (const e of currentWarnings(snapshot.events, pods, opts)) {
      const count = e.count && e.count > 1 ? ` (×${e.count})` : "";
      const pod = e.involvedObject?.kind === "Pod" ? podsByName.get(e.involvedObject.name ?? "") : undefined;
      // A probe that failed once or twice after the pod was Ready, on a pod that is Ready now:
      // the kubelet acted on nothing (a backend restart, a slow answer). Worth a note, not a verdict.
      if (e.reason === "Unhealthy" && pod && podReady(pod) && (e.count ?? 1) < UNHEALTHY_TOLERATED) {
        notes.push(`${e.involvedObject?.name}: ${e.count ?? 1} failed probe(s) after it was Ready, Ready again: ${e.message ?? ""}`.trim());
        continue;
      }
      problems.push({
        kind: "warning-event",
        subject: e.involvedObject?.name ?? "?",
        message: `Warning ${e.reason ?? ""} on ${e.involvedObject?.kind ?? ""} ${e.involvedObject?.name ?? ""}${count}: ${e.message ?? ""}`.trim(),
        transient: false,
      });
    }
  }

  if (snapshot.metrics === undefined && snapshot.events !== undefined) {
    notes.push("metrics API (metrics.k8s.io) not available: resource use not checked. On Minikube: minikube addons enable metrics-server");
  } else if (snapshot.metrics) {
    const missing = rows.filter((r) => r.cpu === undefined && r.phase === "Running").map((r) => r.name);
    if (missing.length) notes.push(`no metrics yet for ${missing.join(", ")} (metrics-server reports a pod about a minute after it starts)`);
  }

  for (const r of snapshot.routes ?? []) {
    const ok = r.status !== undefined && r.status >= 200 && r.status < 300;
    if (!ok) {
      problems.push({
        kind: "route",
        subject: r.service,
        message: `GET ${r.path} through Service ${r.service}: ${r.error ?? `HTTP ${r.status}${r.body ? ` ${r.body.slice(0, 200)}` : ""}`}`,
        transient: r.transient ?? (r.status === undefined || r.status >= 500),
      });
    }
  }

  return { pods: rows, problems, notes: [...new Set(notes)] };
}

/** What a newcomer does about each kind of problem. */
export function remediationFor(kind: ProblemKind, ctx: { namespace: string }): string {
  const ns = ctx.namespace;
  switch (kind) {
    case "image":
      return `The cluster cannot find the image. Build and load it: npm run deploy -- build (on Minikube it loads the images; check with: minikube image ls | grep todo-).`;
    case "crash-loop":
      return `The container starts and exits. Its log names the cause (usually a bad setting: BETTER_AUTH_SECRET under 32 characters, a DATABASE_URL that is not postgres://…): kubectl logs -n ${ns} <pod> --previous. Fix values-local.yaml, then npm run deploy -- release.`;
    case "oom":
      return `A container ran out of memory. Raise resources.limits.memory in your overlay or values-local.yaml, then npm run deploy -- release.`;
    case "config":
      return `The pod refers to a Secret or ConfigMap key that is missing. If you set secret.existingSecret, create that Secret in ${ns} first.`;
    case "unschedulable":
      return `The node has too little CPU or memory for the requests. Start Minikube bigger (minikube start --cpus=4 --memory=8192) or lower resources in your overlay.`;
    case "failed-pod":
      return `A pod failed. kubectl describe pod -n ${ns} <pod> and kubectl logs show why.`;
    case "deployment":
      return `A Deployment did not reach its replicas. kubectl describe deploy -n ${ns} shows the ReplicaSet's events (quota, scheduling, image).`;
    case "warning-event":
      return `The cluster reported warnings about the release (above). kubectl get events -n ${ns} --field-selector type=Warning lists them with their objects.`;
    case "resources":
      return `A container runs close to its limit: raise the limit in your overlay (resources.limits) or find why it uses so much.`;
    case "route":
      return `A health route does not answer through its Service. The backend's /health is 503 while the database is unreachable (check DATABASE_URL). With an enforcing CNI (Calico) the NetworkPolicies admit only the app's pods: use helm test -n ${ns} <release> instead.`;
    case "not-ready":
      return `Pods are still starting. If they stay so, kubectl describe pod -n ${ns} <pod> says why (probes, scheduling, image pulls).`;
    case "old-image":
      return `Pods still run an earlier build. kubectl rollout status deploy -n ${ns} shows the rollout; kubectl describe deploy -n ${ns} says what holds it (quota for the surge pod, an image the node lacks: npm run deploy -- build loads it).`;
  }
}
