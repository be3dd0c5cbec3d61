/**
 * The pipeline: an ordered list of steps, each a gate. It runs them in order, stops at the first
 * failure, retries a step only when its failure is classified transient (3 attempts in all, with
 * exponential backoff through an injected sleep), gives a finally failed step the chance to undo
 * itself (the release step rolls back), and returns one result per step for the summary.
 * Nothing here prints or touches a clock of its own: the reporter, sleep and now are injected.
 */

/** Why a gate failed: what, what to do about it, and whether trying again can help. */
export class GateFailure extends Error {
  readonly remediation: string;
  readonly transient: boolean;
  readonly details: string[];

  constructor(message: string, opts: { remediation: string; transient?: boolean; details?: string[] }) {
    super(message);
    this.name = "GateFailure";
    this.remediation = opts.remediation;
    this.transient = opts.transient ?? false;
    this.details = opts.details ?? [];
  }
}

export function isGateFailure(err: unknown): err is GateFailure {
  return err instanceof GateFailure;
}

/** What a step reports when its gate passed: a one-line summary and optional lines of detail. */
export interface StepOutcome {
  summary: string;
  details?: string[];
  /** Set by steps that only printed their commands (--dry-run): the gate was not evaluated. */
  planned?: boolean;
}

export interface Step<C> {
  name: string;
  title: string;
  run(ctx: C, io: StepIO): Promise<StepOutcome>;
  /**
   * Called once when the step has finally failed (after any retries), before the pipeline stops.
   * Returns what it did, for the summary (e.g. "rolled back todo-chatbot to revision 3").
   */
  onFailure?(ctx: C, failure: GateFailure, io: StepIO): Promise<string | undefined>;
}

/** What a running step may use to show progress. */
export interface StepIO {
  /** A line of live progress (a command being run, a pod becoming ready). */
  log(line: string): void;
}

export type StepStatus = "passed" | "failed" | "planned" | "not run";

export interface StepResult {
  name: string;
  title: string;
  status: StepStatus;
  attempts: number;
  durationMs: number;
  summary: string;
  details: string[];
  remediation?: string;
  transient?: boolean;
  /** What onFailure did (a rollback), if anything. */
  recovery?: string;
}

export interface PipelineResult {
  ok: boolean;
  steps: StepResult[];
  durationMs: number;
}

export interface Reporter {
  stepStarted(step: { name: string; title: string }, index: number): void;
  log(step: { name: string }, line: string): void;
  attemptFailed(step: { name: string }, attempt: number, failure: GateFailure, retryInMs: number): void;
  stepFinished(result: StepResult, index: number): void;
}

export const silentReporter: Reporter = {
  stepStarted() {},
  log() {},
  attemptFailed() {},
  stepFinished() {},
};

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt; doubled for each attempt after it. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Seed 004: transient failures are retried up to 3 times with exponential backoff. */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 2_000, maxDelayMs: 30_000 };

/** Delay before attempt `attempt + 1`, after attempt `attempt` (1-based) failed: base · 2^(attempt-1). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

export interface PipelineDeps {
  sleep(ms: number): Promise<void>;
  now(): number;
  reporter?: Reporter;
  retry?: RetryPolicy;
}

/** An error that is not a GateFailure is a bug or an unexpected condition: never retried. */
function asFailure(err: unknown): GateFailure {
  if (isGateFailure(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GateFailure(`unexpected error: ${message}`, {
    remediation: "This is not a known failure of the step. Re-run with the same options; if it happens again, report it with the output above.",
  });
}

export async function runPipeline<C>(steps: readonly Step<C>[], ctx: C, deps: PipelineDeps): Promise<PipelineResult> {
  const reporter = deps.reporter ?? silentReporter;
  const policy = deps.retry ?? defaultRetryPolicy;
  const started = deps.now();
  const results: StepResult[] = [];
  let failed = false;

  for (const [index, step] of steps.entries()) {
    if (failed) {
      results.push({
        name: step.name,
        title: step.title,
        status: "not run",
        attempts: 0,
        durationMs: 0,
        summary: "skipped: an earlier gate failed",
        details: [],
      });
      continue;
    }
    reporter.stepStarted(step, index);
    const io: StepIO = { log: (line) => reporter.log(step, line) };
    const stepStarted = deps.now();
    let result: StepResult | undefined;
    for (let attempt = 1; !result; attempt++) {
      try {
        const outcome = await step.run(ctx, io);
        result = {
          name: step.name,
          title: step.title,
          status: outcome.planned ? "planned" : "passed",
          attempts: attempt,
          durationMs: deps.now() - stepStarted,
          summary: outcome.summary,
          details: outcome.details ?? [],
        };
      } catch (err) {
        const failure = asFailure(err);
        if (failure.transient && attempt < policy.maxAttempts) {
          const delay = backoffDelay(policy, attempt);
          reporter.attemptFailed(step, attempt, failure, delay);
          await deps.sleep(delay);
          continue;
        }
        let recovery: string | undefined;
        if (step.onFailure) {
          try {
            recovery = await step.onFailure(ctx, failure, io);
          } catch (recoveryErr) {
            recovery = `recovery failed: ${asFailure(recoveryErr).message}`;
          }
        }
        result = {
          name: step.name,
          title: step.title,
          status: "failed",
          attempts: attempt,
          durationMs: deps.now() - stepStarted,
          summary: failure.message,
          details: failure.details,
          remediation: failure.remediation,
          transient: failure.transient,
          recovery,
        };
      }
    }
    reporter.stepFinished(result, index);
    results.push(result);
    if (result.status === "failed") failed = true;
  }
  return { ok: !failed, steps: results, durationMs: deps.now() - started };
}
