/**
 * Commands as a function: every step runs podman, docker, helm or minikube through a CommandRunner
 * it is given, never through child_process itself. The real runner spawns the command; the dry-run
 * runner prints and records it instead and runs only read-only probes (is there a docker engine?
 * does this release exist?), so `--dry-run` shows exactly what a real run would do.
 */
import { spawn } from "node:child_process";

export interface RunOptions {
  cwd?: string;
  /** Added to the inherited environment. Values are never printed (a secret may be among them). */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Read-only: safe to run for real in a dry run, where its answer decides what would run next. */
  probe?: boolean;
  /** Each line of output as it arrives (progress for long builds and installs). */
  onLine?: (line: string) => void;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

export interface CommandRunner {
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<CommandResult>;
}

/** 127 is what a shell returns for a command it cannot find. */
export const NOT_FOUND = 127;

/** The command line as a person would type it (for logs, dry runs and remediation text). */
export function formatCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map(shellQuote).join(" ");
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function createRealRunner(defaults: { cwd: string }): CommandRunner {
  return {
    run(cmd, args, opts = {}) {
      return new Promise((resolve) => {
        const child = spawn(cmd, args, {
          cwd: opts.cwd ?? defaults.cwd,
          env: { ...process.env, ...opts.env },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        const lines = (chunk: string, partial: { rest: string }) => {
          if (!opts.onLine) return;
          const text = partial.rest + chunk;
          const parts = text.split("\n");
          partial.rest = parts.pop() ?? "";
          for (const p of parts) if (p.trim()) opts.onLine(p);
        };
        const outRest = { rest: "" };
        const errRest = { rest: "" };
        child.stdout.setEncoding("utf8").on("data", (c: string) => {
          stdout += c;
          lines(c, outRest);
        });
        child.stderr.setEncoding("utf8").on("data", (c: string) => {
          stderr += c;
          lines(c, errRest);
        });
        const timer = opts.timeoutMs
          ? setTimeout(() => {
              timedOut = true;
              child.kill("SIGTERM");
            }, opts.timeoutMs)
          : undefined;
        child.on("error", (err: NodeJS.ErrnoException) => {
          if (timer) clearTimeout(timer);
          const missing = err.code === "ENOENT";
          resolve({ code: missing ? NOT_FOUND : 1, stdout, stderr: missing ? `${cmd}: command not found` : String(err.message) });
        });
        child.on("close", (code, signal) => {
          if (timer) clearTimeout(timer);
          if (timedOut) stderr += `\n${cmd} timed out after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s`;
          resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, timedOut });
        });
      });
    },
  };
}

export interface RecordedCommand {
  cmd: string;
  args: string[];
  line: string;
  probe: boolean;
}

export interface DryRunRunner extends CommandRunner {
  readonly commands: RecordedCommand[];
}

/**
 * Prints and records each command instead of running it; answers as if it had succeeded with no
 * output. Probes (read-only) run for real through `inner`, so the plan matches this machine.
 */
export function createDryRunRunner(inner: CommandRunner, print: (line: string) => void, aliases: Record<string, string> = {}): DryRunRunner {
  const commands: RecordedCommand[] = [];
  return {
    commands,
    async run(cmd, args, opts = {}) {
      // A tool found at a long path (helm from node_modules) is shown by its name.
      const line = formatCommand(aliases[cmd] ?? cmd, args);
      commands.push({ cmd, args: [...args], line, probe: Boolean(opts.probe) });
      if (opts.probe) return inner.run(cmd, args, { ...opts, onLine: undefined });
      print(`would run: ${line}`);
      return { code: 0, stdout: "", stderr: "" };
    },
  };
}
