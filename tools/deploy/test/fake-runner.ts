/**
 * A CommandRunner for tests: answers from a script (first matching rule wins, else exit 0 with no
 * output) and records every call, so a test asserts on the exact command lines a step ran.
 */
import type { CommandResult, CommandRunner, RunOptions } from "../src/runner.ts";

export interface Call {
  cmd: string;
  args: string[];
  opts: RunOptions;
  line: string;
}

export type Rule = (call: Call) => Partial<CommandResult> | undefined | Promise<Partial<CommandResult> | undefined>;

export interface ScriptedRunner extends CommandRunner {
  calls: Call[];
  /** Command lines run, probes included, as "cmd arg arg". */
  lines(): string[];
}

export function scriptedRunner(...rules: Rule[]): ScriptedRunner {
  const calls: Call[] = [];
  return {
    calls,
    lines: () => calls.map((c) => c.line),
    async run(cmd, args, opts = {}) {
      const call = { cmd, args: [...args], opts, line: [cmd, ...args].join(" ") };
      calls.push(call);
      for (const rule of rules) {
        const r = await rule(call);
        if (r) return { code: 0, stdout: "", stderr: "", ...r };
      }
      return { code: 0, stdout: "", stderr: "" };
    },
  };
}

/** A rule matching a command line that starts with `prefix` (e.g. "helm upgrade"). */
export function on(prefix: string, result: Partial<CommandResult> | ((call: Call, n: number) => Partial<CommandResult>)): Rule {
  let n = 0;
  return (call) => {
    if (!call.line.startsWith(prefix)) return undefined;
    n++;
    return typeof result === "function" ? result(call, n) : result;
  };
}
