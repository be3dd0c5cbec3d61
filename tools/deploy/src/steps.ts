/**
 * The commands as data: each is an ordered list of steps (gates) the pipeline runs. `all` is seed
 * 004's five: build → smoke → chart → release → monitor.
 */
import type { DeployContext } from "./context.ts";
import type { Step } from "./pipeline.ts";
import { buildStep } from "./steps/build.step.ts";
import { chartStep } from "./steps/chart.step.ts";
import { cleanupStep } from "./steps/cleanup.step.ts";
import { monitorStep } from "./steps/monitor.step.ts";
import { releaseStep } from "./steps/release.step.ts";
import { rollbackStep } from "./steps/rollback.step.ts";
import { smokeStep } from "./steps/smoke.step.ts";
import { statusStep } from "./steps/status.step.ts";

export const GATED_STEPS: readonly Step<DeployContext>[] = [buildStep, smokeStep, chartStep, releaseStep, monitorStep];

export const COMMANDS = {
  all: GATED_STEPS,
  build: [buildStep],
  smoke: [smokeStep],
  chart: [chartStep],
  release: [releaseStep],
  monitor: [monitorStep],
  status: [statusStep, monitorStep],
  rollback: [rollbackStep],
  cleanup: [cleanupStep],
} as const satisfies Record<string, readonly Step<DeployContext>[]>;

export type Command = keyof typeof COMMANDS;

/** Commands whose steps change nothing, so retrying them is pointless: they report what is. */
export const REPORT_ONLY: ReadonlySet<Command> = new Set(["status"]);
