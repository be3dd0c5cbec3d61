/**
 * The pipeline's policy: gates in order, stop at the first failure, retry only transient failures
 * (3 attempts, exponential backoff through the injected sleep), recovery once after the final
 * failure, one result per step. Steps here are plain data with scripted outcomes.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay, defaultRetryPolicy, GateFailure, runPipeline, type Reporter, type Step } from "../src/pipeline.ts";
import { fakeClock } from "./fake-clock.ts";

type Ctx = { ran: string[] };

function step(name: string, outcomes: (string | GateFailure | Error)[], extra: Partial<Step<Ctx>> = {}): Step<Ctx> & { calls: number } {
  const s: Step<Ctx> & { calls: number } = {
    name,
    title: `Step ${name}`,
    calls: 0,
    async run(ctx: Ctx) {
      const o: string | GateFailure | Error = outcomes[Math.min(s.calls, outcomes.length - 1)]!;
      s.calls++;
      ctx.ran.push(name);
      if (typeof o === "string") return { summary: o };
      throw o;
    },
    ...extra,
  };
  return s;
}

const transient = (m = "connection refused") => new GateFailure(m, { remediation: "wait", transient: true });
const permanent = (m = "lint error") => new GateFailure(m, { remediation: "fix the chart" });

function recordingReporter() {
  const events: string[] = [];
  const reporter: Reporter = {
    stepStarted: (s) => events.push(`start ${s.name}`),
    log: (s, l) => events.push(`log ${s.name} ${l}`),
    attemptFailed: (s, a, f, ms) => events.push(`retry ${s.name} after attempt ${a} in ${ms}ms: ${f.message}`),
    stepFinished: (r) => events.push(`end ${r.name} ${r.status}`),
  };
  return { events, reporter };
}

describe("the pipeline", () => {
  it("runs every gate in order and passes when all pass", async () => {
    const clock = fakeClock();
    const ctx = { ran: [] as string[] };
    const steps = ["build", "smoke", "chart", "release", "monitor"].map((n) => step(n, [`${n} ok`]));
    const result = await runPipeline(steps, ctx, clock);
    assert.equal(result.ok, true);
    assert.deepEqual(ctx.ran, ["build", "smoke", "chart", "release", "monitor"]);
    assert.deepEqual(
      result.steps.map((s) => [s.name, s.status, s.attempts, s.summary]),
      steps.map((s) => [s.name, "passed", 1, `${s.name} ok`]),
    );
    assert.deepEqual(clock.sleeps, []);
  });

  it("stops at the first failed gate: later steps do not run and are reported as not run", async () => {
    const clock = fakeClock();
    const ctx = { ran: [] as string[] };
    const steps = [step("build", ["ok"]), step("smoke", [permanent("backend exited 1")]), step("chart", ["ok"]), step("release", ["ok"])];
    const result = await runPipeline(steps, ctx, clock);
    assert.equal(result.ok, false);
    assert.deepEqual(ctx.ran, ["build", "smoke"]);
    assert.deepEqual(
      result.steps.map((s) => s.status),
      ["passed", "failed", "not run", "not run"],
    );
    const failed = result.steps[1]!;
    assert.equal(failed.summary, "backend exited 1");
    assert.equal(failed.remediation, "fix the chart");
    assert.equal(failed.attempts, 1);
  });

  it("retries a transient failure with exponential backoff and passes when a later attempt passes", async () => {
    const clock = fakeClock();
    const { events, reporter } = recordingReporter();
    const s = step("release", [transient("connection refused"), transient("i/o timeout"), "deployed"]);
    const result = await runPipeline([s], { ran: [] }, { ...clock, reporter });
    assert.equal(result.ok, true);
    assert.equal(s.calls, 3);
    assert.equal(result.steps[0]!.attempts, 3);
    assert.deepEqual(clock.sleeps, [2_000, 4_000]);
    assert.deepEqual(events, [
      "start release",
      "retry release after attempt 1 in 2000ms: connection refused",
      "retry release after attempt 2 in 4000ms: i/o timeout",
      "end release passed",
    ]);
    // Time on the fake clock is the backoff: the step's duration includes its waits.
    assert.equal(result.steps[0]!.durationMs, 6_000);
  });

  it("gives up after 3 attempts of a transient failure, without sleeping after the last", async () => {
    const clock = fakeClock();
    const s = step("monitor", [transient("503 from /health")]);
    const result = await runPipeline([s], { ran: [] }, clock);
    assert.equal(result.ok, false);
    assert.equal(s.calls, 3);
    assert.deepEqual(clock.sleeps, [2_000, 4_000]);
    assert.equal(result.steps[0]!.transient, true);
    assert.equal(result.steps[0]!.attempts, 3);
  });

  it("never retries a permanent failure", async () => {
    const clock = fakeClock();
    const s = step("chart", [permanent(), "ok"]);
    const result = await runPipeline([s], { ran: [] }, clock);
    assert.equal(s.calls, 1);
    assert.deepEqual(clock.sleeps, []);
    assert.equal(result.steps[0]!.status, "failed");
  });

  it("treats an unexpected exception as permanent, with a generic remediation", async () => {
    const clock = fakeClock();
    const s = step("build", [new TypeError("cannot read properties of undefined")]);
    const result = await runPipeline([s], { ran: [] }, clock);
    assert.equal(s.calls, 1);
    assert.match(result.steps[0]!.summary, /^unexpected error: cannot read properties/);
    assert.ok(result.steps[0]!.remediation);
  });

  it("follows a custom retry policy (attempt count, base and cap)", async () => {
    const clock = fakeClock();
    const s = step("release", [transient()]);
    await runPipeline([s], { ran: [] }, { ...clock, retry: { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 5_000 } });
    assert.equal(s.calls, 5);
    assert.deepEqual(clock.sleeps, [1_000, 2_000, 4_000, 5_000]);
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((a) => backoffDelay(defaultRetryPolicy, a)),
      [2_000, 4_000, 8_000, 16_000, 30_000],
    );
  });

  it("calls a step's recovery once, after its final failure, and reports what it did", async () => {
    const clock = fakeClock();
    const recoveries: string[] = [];
    const s = step("release", [transient("timed out waiting for the condition")], {
      async onFailure(_ctx, failure) {
        recoveries.push(failure.message);
        return "rolled back todo-chatbot to revision 2";
      },
    });
    const result = await runPipeline([s, step("monitor", ["ok"])], { ran: [] }, clock);
    assert.deepEqual(recoveries, ["timed out waiting for the condition"]);
    assert.equal(result.steps[0]!.recovery, "rolled back todo-chatbot to revision 2");
    assert.equal(result.steps[1]!.status, "not run");
  });

  it("does not call recovery when a retry succeeds, and reports a failing recovery", async () => {
    let called = 0;
    const ok = step("release", [transient(), "deployed"], { onFailure: async () => `${++called}` });
    await runPipeline([ok], { ran: [] }, fakeClock());
    assert.equal(called, 0);

    const bad = step("release", [permanent()], {
      onFailure: async () => {
        throw new Error("helm rollback: connection refused");
      },
    });
    const result = await runPipeline([bad], { ran: [] }, fakeClock());
    assert.equal(result.steps[0]!.recovery, "recovery failed: unexpected error: helm rollback: connection refused");
  });

  it("reports a step that only planned its work (dry run) as planned, and still ok", async () => {
    const s: Step<Ctx> = { name: "release", title: "Release", run: async () => ({ summary: "would install", planned: true }) };
    const result = await runPipeline([s], { ran: [] }, fakeClock());
    assert.equal(result.ok, true);
    assert.equal(result.steps[0]!.status, "planned");
  });
});
