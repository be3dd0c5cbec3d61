/**
 * `npm run deploy -- <command> [options]`: builds the context (target, runner, Kubernetes client,
 * helm), runs the command's steps through the pipeline with live progress, prints the summary
 * (or JSON) and exits 0 when every gate passed, 1 when one failed, 2 on a usage error.
 */
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { helmPath } from "@todo/deploy/helm/helm.ts";
import { newRunState, type DeployContext } from "./context.ts";
import { createKubeClient, currentContextName, loadKubeConfig, type KubeClient } from "./kube.ts";
import { parseCommandLine, USAGE } from "./options.ts";
import { GateFailure, runPipeline, silentReporter, type PipelineResult } from "./pipeline.ts";
import { lineReporter, listrProgress, summaryTable } from "./progress.ts";
import { createDryRunRunner, createRealRunner, type CommandRunner, type RecordedCommand } from "./runner.ts";
import { COMMANDS, REPORT_ONLY } from "./steps.ts";
import { repoRoot, resolveTarget, UsageError, type Target } from "./target.ts";
import { clusterRemediation } from "./steps/release.step.ts";

export interface CliDeps {
  runner?: CommandRunner;
  kube?: (target: Target) => KubeClient;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  write?: (text: string) => void;
  helmBin?: string;
  /** "listr" draws with listr2; "lines" prints plain lines (logs, tests). */
  progress?: "listr" | "lines";
}

/** HELM_BIN, else a helm on PATH (the user's own), else the one this repository extracts from npm. */
export function findHelm(): string {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "helm"))) return join(dir, "helm");
  }
  return helmPath();
}

export interface JsonSummary {
  command: string;
  ok: boolean;
  dryRun: boolean;
  target: { layout: string; overlay: string; namespace: string; context?: string; releases: string[]; images: string[] };
  durationMs: number;
  steps: PipelineResult["steps"];
  commands?: string[];
}

export async function main(argv: string[], deps: CliDeps = {}): Promise<number> {
  const write = deps.write ?? ((t: string) => process.stdout.write(t));
  const println = (line = "") => write(`${line}\n`);
  let cmd: ReturnType<typeof parseCommandLine>;
  let target: Target;
  try {
    cmd = parseCommandLine(argv);
    if (cmd === "help") {
      println(USAGE);
      return 0;
    }
    target = resolveTarget(cmd.target);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`deploy: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }

  const steps = COMMANDS[cmd.command];
  const progress = cmd.json ? undefined : (deps.progress ?? (process.stdout.isTTY ? "listr" : "lines")) === "listr" ? listrProgress(steps) : undefined;
  const reporter = cmd.json ? silentReporter : (progress?.reporter ?? lineReporter(println));
  const real = deps.runner ?? createRealRunner({ cwd: repoRoot });
  const helmBin = deps.helmBin ?? findHelm();
  const dry = cmd.dryRun
    ? createDryRunRunner(real, (line) => (progress ? progress.log(line) : cmd.json ? undefined : println(`  ${line}`)), { [helmBin]: "helm" })
    : undefined;
  const contextName = currentContextName(target.context);

  let kube: KubeClient | undefined;
  const ctx: DeployContext = {
    target,
    runner: dry ?? real,
    kube() {
      if (kube) return kube;
      if (!deps.kube && !contextName) {
        throw new GateFailure("no Kubernetes cluster configured: no kubeconfig context (KUBECONFIG or ~/.kube/config)", {
          remediation: clusterRemediation(ctx),
        });
      }
      try {
        kube = deps.kube ? deps.kube(target) : createKubeClient(loadKubeConfig(target.context));
      } catch (err) {
        throw new GateFailure(`no Kubernetes cluster to talk to: ${(err as Error).message}`, { remediation: clusterRemediation(ctx) });
      }
      return kube;
    },
    helmBin,
    dryRun: cmd.dryRun,
    settings: { ...cmd.settings, minikubeProfile: !cmd.noLoad && contextName === "minikube" ? "minikube" : undefined },
    sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    now: deps.now ?? (() => Date.now()),
    cwd: repoRoot,
    state: newRunState(),
  };

  if (!cmd.json) {
    println(
      `deploy ${cmd.command}: ${target.layout} layout (${target.releases.map((r) => r.name).join(", ")}) with ${target.overlay === "base" ? "values.yaml" : `values-${target.overlay}.yaml`} in namespace ${target.namespace}, context ${contextName || "(none)"}${cmd.dryRun ? " — dry run: nothing is changed" : ""}`,
    );
  }
  const result = await runPipeline(steps, ctx, {
    sleep: ctx.sleep,
    now: ctx.now,
    reporter,
    retry: REPORT_ONLY.has(cmd.command) ? { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } : undefined,
  });
  await progress?.finish();

  const commands = dry?.commands.filter((c: RecordedCommand) => !c.probe).map((c) => c.line);
  if (cmd.json) {
    const summary: JsonSummary = {
      command: cmd.command,
      ok: result.ok,
      dryRun: cmd.dryRun,
      target: {
        layout: target.layout,
        overlay: target.overlay,
        namespace: target.namespace,
        context: contextName || undefined,
        releases: target.releases.map((r) => r.name),
        images: target.images.map((i) => i.tag),
      },
      durationMs: result.durationMs,
      steps: result.steps,
      ...(commands ? { commands } : {}),
    };
    println(JSON.stringify(summary, null, 2));
  } else {
    println();
    for (const line of summaryTable(result)) println(line);
    if (commands) {
      println();
      println(`Commands a real run would run (${commands.length}):`);
      for (const c of commands) println(`  ${c}`);
    }
  }
  return result.ok ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`deploy: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
