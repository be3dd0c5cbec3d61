/**
 * Shared by the image suites (`npm run test:images`): podman as a function, the two images and how
 * they are built, and small helpers for containers (unique names, free ports, polling, cleanup).
 * There is no Docker engine on CI machines; podman builds the same Dockerfiles (with --format docker,
 * else HEALTHCHECK is dropped) and needs the local node base image (see .ci/run).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { backendService, frontendService } from "@todo/contracts";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** One id per test process, in every container, network, secret and database name it creates. */
export const runId = randomBytes(3).toString("hex");

export interface ImageSpec {
  name: "backend" | "frontend";
  tag: string;
  dockerfile: string;
  port: number;
  /** The seeds' size target. */
  maxBytes: number;
  /** What the image runs (exec form), from /app/apps/<workspace>. */
  cmd: string[];
  workdir: string;
  /** The route its HEALTHCHECK calls. */
  healthRoute: string;
}

const version = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

export const backendImage: ImageSpec = {
  name: "backend",
  tag: `${backendService.name}:${version}`,
  dockerfile: "apps/api/Dockerfile",
  port: backendService.port,
  maxBytes: 300_000_000,
  cmd: ["node", "dist/main.js"],
  workdir: "/app/apps/api",
  healthRoute: backendService.health.full,
};

export const frontendImage: ImageSpec = {
  name: "frontend",
  tag: `${frontendService.name}:${version}`,
  dockerfile: "apps/web/Dockerfile",
  port: frontendService.port,
  maxBytes: 200_000_000,
  // Heap caps keep the Next.js server's RSS near 130 MB under load (as `npm start` runs it).
  cmd: ["node", "--max-old-space-size=128", "--max-semi-space-size=2", "server.js"],
  workdir: "/app/apps/web",
  healthRoute: frontendService.health.live,
};

export const images = [backendImage, frontendImage];

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Without systemd, podman logs an error for every health-check timer it cannot create; drop those. */
function quiet(stderr: string): string {
  return stderr
    .split("\n")
    .filter((l) => !/systemd|failed to connect to syslog/.test(l))
    .join("\n");
}

export function podman(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Result {
  const res = spawnSync("podman", args, {
    cwd: repoRoot,
    encoding: "utf8",
    input: opts.input,
    timeout: opts.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw res.error;
  return { status: res.status ?? -1, stdout: res.stdout.trim(), stderr: quiet(res.stderr).trim() };
}

/** podman, failing with its output when it exits non-zero. */
export function podmanOk(args: string[], opts: { input?: string; timeoutMs?: number } = {}): string {
  const res = podman(args, opts);
  if (res.status !== 0) {
    throw new Error(`podman ${args.join(" ")} exited ${res.status}\n${res.stdout.slice(-4000)}\n${res.stderr.slice(-4000)}`);
  }
  return res.stdout;
}

/**
 * Builds an image from the repository root with its Dockerfile, as a user does with
 * `docker build -f apps/api/Dockerfile -t todo-backend:1.0.0 .`. Layers are cached, so a second
 * call (the kube play suite) takes seconds.
 */
export function buildImage(image: ImageSpec): { seconds: number } {
  const started = performance.now();
  podmanOk(["build", "--format", "docker", "-f", image.dockerfile, "-t", image.tag, "."], { timeoutMs: 900_000 });
  return { seconds: (performance.now() - started) / 1000 };
}

export interface ImageConfig {
  Size: number;
  /** podman reports the HEALTHCHECK beside Config, not in it. */
  Healthcheck?: { Test: string[]; Interval: number; Timeout: number; Retries: number };
  Config: {
    User: string;
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    WorkingDir: string;
    Env: string[];
    Labels: Record<string, string>;
    ExposedPorts: Record<string, unknown>;
    StopSignal?: string;
  };
}

export function inspectImage(tag: string): ImageConfig {
  return (JSON.parse(podmanOk(["image", "inspect", tag])) as ImageConfig[])[0]!;
}

/** Sum of file sizes under a directory (not following links). */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Runs fn with the image's root filesystem mounted read-only on the host (rootful podman). */
export function withImageRoot<T>(tag: string, fn: (root: string) => T): T {
  const root = podmanOk(["image", "mount", tag]);
  try {
    return fn(root);
  } finally {
    podman(["image", "unmount", tag]);
  }
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Polls until fn returns a value (not undefined) or the deadline passes; the last error is kept. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

export interface Inspected {
  Id: string;
  State: { Status: string; Running: boolean; ExitCode: number; Pid: number; OOMKilled: boolean };
  HostConfig: { ReadonlyRootfs: boolean };
  Config: { User: string; Env: string[] };
}

export function inspectContainer(name: string): Inspected {
  return (JSON.parse(podmanOk(["container", "inspect", name])) as Inspected[])[0]!;
}

/** The real uid of a container's main process, read from the host's /proc (rootful, no userns). */
export function processUid(name: string): number {
  const { Pid } = inspectContainer(name).State;
  const status = readFileSync(`/proc/${Pid}/status`, "utf8");
  const uid = /^Uid:\s+(\d+)/m.exec(status);
  if (!uid) throw new Error(`no Uid line for pid ${Pid}`);
  return Number(uid[1]);
}

/** `podman healthcheck run` exit status: 0 healthy, 1 unhealthy. */
export function healthcheck(name: string): number {
  return podman(["healthcheck", "run", name]).status;
}

export function logs(name: string): string {
  const res = podman(["logs", name]);
  return `${res.stdout}\n${res.stderr}`;
}

/** Stops with SIGTERM (the image's STOPSIGNAL), SIGKILL only after `seconds`; returns how it ended. */
export function stop(name: string, seconds = 10): { exitCode: number; oomKilled: boolean; seconds: number } {
  const started = performance.now();
  podmanOk(["stop", "--time", String(seconds), name], { timeoutMs: (seconds + 30) * 1000 });
  const elapsed = (performance.now() - started) / 1000;
  const { ExitCode, OOMKilled } = inspectContainer(name).State;
  return { exitCode: ExitCode, oomKilled: OOMKilled, seconds: elapsed };
}

/** Removes what a suite created; each item is tried on its own so one failure does not leak the rest. */
export function cleanup(items: { containers?: string[]; pods?: string[]; networks?: string[]; secrets?: string[] }): void {
  for (const c of items.containers ?? []) podman(["rm", "--force", "--time", "0", c]);
  for (const p of items.pods ?? []) podman(["pod", "rm", "--force", p]);
  for (const s of items.secrets ?? []) podman(["secret", "rm", s]);
  for (const n of items.networks ?? []) podman(["network", "rm", "--force", n]);
}

/** A cookie jar just big enough for a browser-like flow through the frontend. */
export class Cookies {
  #jar = new Map<string, string>();
  store(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      this.#jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }
  get header(): string {
    return [...this.#jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  get size(): number {
    return this.#jar.size;
  }
}
