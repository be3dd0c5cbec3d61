/**
 * What a person sees: live progress through listr2 (spinners on a terminal, plain lines in CI),
 * driven by the pipeline's reporter events; then a summary table (step, result, time, attempts),
 * the failed gate's message, details and remediation; or, with --json, one JSON document for CI.
 * The pipeline runs the steps; listr2 only draws them.
 */
import { Listr, PRESET_TIMER } from "listr2";
import type { GateFailure, PipelineResult, Reporter, StepResult } from "./pipeline.ts";

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return ms < 1000 ? `${(ms / 1000).toFixed(1)}s` : `${s}s`;
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
}

/**
 * A Reporter that draws the steps with listr2. Returns the reporter, a `log` for lines that belong
 * to whichever step is running (the dry run's "would run" lines), and `finish` to await the drawing.
 */
export function listrProgress(steps: readonly { name: string; title: string }[]): { reporter: Reporter; log(line: string): void; finish(): Promise<void> } {
  const started = steps.map(() => deferred<void>());
  const finished = steps.map(() => deferred<StepResult>());
  const sinks: ((line: string) => void)[] = steps.map(() => () => {});
  const lastLine: (string | undefined)[] = steps.map(() => undefined);
  let current = -1;

  const list = new Listr(
    steps.map((step, i) => ({
      title: step.title,
      task: async (_: unknown, task: { output: string; title: string; skip(msg?: string): void }) => {
        await started[i]!.promise;
        sinks[i] = (line) => (task.output = line);
        if (lastLine[i]) task.output = lastLine[i]!;
        const r = await finished[i]!.promise;
        if (r.status === "failed") throw new Error(`${step.title}: ${r.summary}`);
        task.title = `${step.title}${r.status === "planned" ? " (dry run)" : ""}: ${r.summary}`;
      },
      rendererOptions: { outputBar: 3, persistentOutput: false },
    })),
    {
      exitOnError: true,
      concurrent: false,
      rendererOptions: { timer: PRESET_TIMER, collapseErrors: false },
      fallbackRendererOptions: { timer: PRESET_TIMER },
      registerSignalListeners: false,
    },
  );
  const drawing = list.run().catch(() => undefined);

  const log = (i: number, line: string) => {
    lastLine[i] = line;
    sinks[i]!(line);
  };
  return {
    reporter: {
      stepStarted(_step, index) {
        current = index;
        started[index]!.resolve();
      },
      log(step, line) {
        log(
          steps.findIndex((s) => s.name === step.name),
          line,
        );
      },
      attemptFailed(step, attempt, failure: GateFailure, retryInMs) {
        log(
          steps.findIndex((s) => s.name === step.name),
          `attempt ${attempt} failed (transient: ${failure.message}); retrying in ${formatDuration(retryInMs)}`,
        );
      },
      stepFinished(result, index) {
        finished[index]!.resolve(result);
      },
    },
    log(line) {
      if (current >= 0) log(current, line);
    },
    async finish() {
      await drawing;
    },
  };
}

/** A reporter for logs and tests: one plain line per event. */
export function lineReporter(write: (line: string) => void): Reporter {
  return {
    stepStarted: (step) => write(`▶ ${step.title}`),
    log: (step, line) => write(`  [${step.name}] ${line}`),
    attemptFailed: (step, attempt, failure, ms) =>
      write(`  [${step.name}] attempt ${attempt} failed (transient: ${failure.message}); retrying in ${formatDuration(ms)}`),
    stepFinished: (r) =>
      write(`${r.status === "failed" ? "✖" : r.status === "planned" ? "○" : "✔"} ${r.title}: ${r.summary} (${formatDuration(r.durationMs)})`),
  };
}

export function summaryTable(result: PipelineResult): string[] {
  const head = ["STEP", "RESULT", "TIME", "ATTEMPTS"];
  const rows = result.steps.map((s) => [
    s.name,
    s.status === "planned" ? "dry run" : s.status,
    s.status === "not run" ? "-" : formatDuration(s.durationMs),
    s.attempts ? String(s.attempts) : "-",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const lines = [fmt(head), ...rows.map(fmt), `total ${formatDuration(result.durationMs)}: ${result.ok ? "OK" : "FAILED"}`];
  const failed = result.steps.find((s) => s.status === "failed");
  if (failed) {
    lines.push("", `✖ ${failed.name} failed: ${failed.summary}`);
    for (const d of failed.details) lines.push(`    ${d}`);
    if (failed.recovery) lines.push(`  Recovery: ${failed.recovery}`);
    if (failed.remediation) lines.push(`  What to do: ${failed.remediation}`);
  }
  return lines;
}
