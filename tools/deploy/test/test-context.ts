/**
 * A DeployContext for tests: a real target, an injected runner and Kubernetes client, a fake clock.
 * The images' tag is 1.0.0 unless a test gives another (the real one follows the checkout).
 */
import { defaultSettings, newRunState, type DeployContext, type Settings } from "../src/context.ts";
import type { KubeClient } from "../src/kube.ts";
import type { CommandRunner } from "../src/runner.ts";
import { repoRoot, resolveTarget, type TargetOptions } from "../src/target.ts";
import { fakeClock } from "./fake-clock.ts";

export function testContext(opts: {
  runner: CommandRunner;
  kube?: KubeClient;
  target?: TargetOptions;
  dryRun?: boolean;
  settings?: Partial<Settings>;
  helmBin?: string;
}) {
  const clock = fakeClock();
  const ctx: DeployContext = {
    target: resolveTarget({ tag: "1.0.0", ...opts.target }),
    runner: opts.runner,
    kube: () => {
      if (!opts.kube) throw new Error("this test has no cluster");
      return opts.kube;
    },
    helmBin: opts.helmBin ?? "helm",
    dryRun: opts.dryRun ?? false,
    settings: { ...defaultSettings, ...opts.settings },
    sleep: clock.sleep,
    now: clock.now,
    cwd: repoRoot,
    state: newRunState(),
  };
  return { ctx, clock };
}
