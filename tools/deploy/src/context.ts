/**
 * What every step is given: the target, a command runner, a lazily built Kubernetes client, the
 * helm binary, a clock and sleep, settings from the command line, and a little state the steps
 * share within one run (the engine found, the rendered objects, the revisions before a release).
 */
import type { KubeClient } from "./kube.ts";
import type { CommandRunner } from "./runner.ts";
import type { Target } from "./target.ts";

export type Engine = "docker" | "podman";

export interface Settings {
  /** helm's --timeout (a Go duration). */
  helmTimeout: string;
  /** How long the release step waits for pods to be Ready after helm returns. */
  readyTimeoutMs: number;
  /** How long the smoke step waits for both containers' health checks. */
  smokeTimeoutMs: number;
  /** Polling interval for readiness and health. */
  pollMs: number;
  /** Warning events older than this are history (monitor). */
  eventWindowMs: number;
  /** Container engine asked for with --engine; undefined: docker if its daemon answers, else podman. */
  engine?: Engine;
  /** The Minikube profile to load images into; undefined: the cluster is not a Minikube (or --no-load). */
  minikubeProfile?: string;
  /** rollback: the revision to go back to; undefined: the one before the current. */
  rollbackTo?: number;
  /** cleanup: keep the namespace. */
  keepNamespace: boolean;
  /** cleanup: keep the database's volume and the Secrets kept with it (implies keepNamespace). */
  keepData: boolean;
  /** cleanup: remove the local images too. */
  removeImages: boolean;
}

export const defaultSettings: Settings = {
  helmTimeout: "5m",
  readyTimeoutMs: 300_000,
  smokeTimeoutMs: 120_000,
  pollMs: 2_000,
  eventWindowMs: 600_000,
  keepNamespace: false,
  keepData: false,
  removeImages: false,
};

export interface RunState {
  engine?: Engine;
  /** helm template output per release, parsed. */
  rendered: Map<string, Record<string, unknown>[]>;
  /** The last deployed revision of each release before this run's upgrade (undefined: first install). */
  previousRevision: Map<string, number | undefined>;
  /** Releases this run has started an upgrade or install of. */
  upgraded: string[];
  /** Chart folders whose dependencies this run has built (deploy/helm/<chart>/charts). */
  chartsBuilt: Set<string>;
}

export interface DeployContext {
  target: Target;
  runner: CommandRunner;
  kube(): KubeClient;
  helmBin: string;
  dryRun: boolean;
  settings: Settings;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** The repository root: builds run here. */
  cwd: string;
  state: RunState;
}

export function newRunState(): RunState {
  return { rendered: new Map(), previousRevision: new Map(), upgraded: [], chartsBuilt: new Set() };
}

/** Flags every helm call against the cluster carries. */
export function clusterFlags(ctx: DeployContext): string[] {
  const flags = ["--namespace", ctx.target.namespace];
  if (ctx.target.context) flags.push("--kube-context", ctx.target.context);
  return flags;
}
