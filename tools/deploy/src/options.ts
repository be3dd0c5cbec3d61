/**
 * The command line: `<command> [options]`, parsed with node:util's parseArgs. Bad input is a
 * UsageError (exit 2) with a message that says what to type instead.
 */
import { parseArgs } from "node:util";
import { COMMANDS, type Command } from "./steps.ts";
import { defaultSettings, type Engine, type Settings } from "./context.ts";
import { UsageError, type TargetOptions } from "./target.ts";

export const USAGE = `Usage: npm run deploy -- <command> [options]

Commands (seed 004's gated steps, in order, or one at a time):
  all        build → smoke → chart → release → monitor: from a clone to a healthy release
  build      build todo-backend and todo-frontend with docker or podman (and load them into Minikube)
  smoke      run both containers and wait for their health checks
  chart      helm lint --strict and helm template, objects checked against the Kubernetes schemas
  release    helm upgrade --install --create-namespace --wait; rolls back when it fails
  monitor    health report: pods, restarts, warning events, resource use, health routes
  status     the releases' helm status, then the health report
  rollback   roll the releases back (to --revision N, or the previous revision)
  cleanup    uninstall the releases, remove the database's volume and Secrets, delete the
             namespace if this CLI created it and nothing of yours is left in it

Options:
  --values <overlay>     minikube (default: seed 000, one release todo-chatbot in todo-app),
                         clusterip (seed 004: todo-backend + todo-frontend in todo), base,
                         or a path such as deploy/helm/todo-chatbot/values-clusterip.yaml.
                         deploy/helm/<chart>/values-local.yaml is added when it exists.
  --layout <l>           umbrella (one release of both) or split (a release per service);
                         default: minikube → umbrella, clusterip → split, or the chart of a --values path
  --namespace <ns>       must match the overlay's namespace (the charts refuse another); free with base
  --context <name>       kubeconfig context (default: the current one; "minikube" loads images into it)
  --engine <e>           docker or podman (default: docker if its daemon answers, else podman)
  --no-load              do not load the images into Minikube
  --timeout <duration>   helm's --timeout and the wait for Ready pods (default 5m)
  --tag <tag>            the images' tag (default: appVersion-commit, plus -dirty-<hash> for a
                         changed working tree, so each change deploys a new tag and rolls the pods)
  --revision <n>         rollback: the revision to return to
  --keep-data            cleanup: keep the database's volume and the Secrets kept with it (and so
                         the namespace): a later deploy finds its data, password and auth secret
  --keep-namespace       cleanup: keep the namespace (the database's data is still removed)
  --images               cleanup: also remove the local images
  --dry-run              print every command it would run; change nothing
  --json                 print a JSON summary (for CI) instead of the progress display
  -h, --help             this text`;

export interface CommandLine {
  command: Command;
  target: TargetOptions;
  settings: Settings;
  dryRun: boolean;
  json: boolean;
  noLoad: boolean;
}

/** "5m", "90s", "1h30m" → milliseconds (a subset of Go durations, which helm takes). */
export function durationMs(d: string): number {
  const parts = [...d.matchAll(/(\d+)(h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== d) throw new UsageError(`--timeout ${d}: use a duration such as 5m, 90s or 1h`);
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * { h: 3_600_000, m: 60_000, s: 1_000 }[unit as "h" | "m" | "s"], 0);
}

export function parseCommandLine(argv: string[]): CommandLine | "help" {
  // biome-ignore lint/suspicious/noImplicitAnyLet: TypeScript types `parsed` from the assignment below, with each option's own type; written out, it would repeat the options.
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        values: { type: "string" },
        layout: { type: "string" },
        namespace: { type: "string" },
        context: { type: "string" },
        engine: { type: "string" },
        "no-load": { type: "boolean", default: false },
        timeout: { type: "string", default: "5m" },
        revision: { type: "string" },
        "keep-namespace": { type: "boolean", default: false },
        "keep-data": { type: "boolean", default: false },
        tag: { type: "string" },
        images: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return "help";
  if (positionals.length !== 1)
    throw new UsageError(positionals.length ? `one command at a time (got: ${positionals.join(" ")})` : "which command? e.g. npm run deploy -- all");
  const command = positionals[0]!;
  if (!(command in COMMANDS)) throw new UsageError(`unknown command "${command}": use one of ${Object.keys(COMMANDS).join(", ")}`);
  if (v.engine !== undefined && v.engine !== "docker" && v.engine !== "podman") throw new UsageError(`--engine ${v.engine}: use docker or podman`);
  let rollbackTo: number | undefined;
  if (v.revision !== undefined) {
    rollbackTo = Number(v.revision);
    if (!Number.isInteger(rollbackTo) || rollbackTo < 1) throw new UsageError(`--revision ${v.revision}: a revision number (helm history lists them)`);
  }
  const timeoutMs = durationMs(v.timeout!);
  return {
    command: command as Command,
    target: { values: v.values, layout: v.layout, namespace: v.namespace, context: v.context, tag: v.tag },
    settings: {
      ...defaultSettings,
      helmTimeout: v.timeout!,
      readyTimeoutMs: timeoutMs,
      engine: v.engine as Engine | undefined,
      rollbackTo,
      keepNamespace: v["keep-namespace"]! || v["keep-data"]!,
      keepData: v["keep-data"]!,
      removeImages: v.images!,
    },
    dryRun: v["dry-run"]!,
    json: v.json!,
    noLoad: v["no-load"]!,
  };
}
