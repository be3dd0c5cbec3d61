/**
 * Renders every layout the chart tests use into one directory, a file per case, so that a change to
 * the templates can be checked object by object:
 *   npm run charts:renders -w @todo/deploy -- /tmp/renders-before     # before the change
 *   npm run charts:renders -w @todo/deploy -- /tmp/renders-after      # after it
 *   diff -ru /tmp/renders-before /tmp/renders-after                   # every difference
 * Each file holds the objects of one `helm template` (hooks and test pods included) sorted by kind
 * and name, without helm's `# Source:` comments (a template moved to another file is no
 * difference); NOTES come from `helm install --dry-run=client`; refusals keep their error line
 * without the template's file and line. Only what is truly random is normalised: generated secret
 * values (cases named *generated*) become <random-N>, numbered by first appearance so the same value
 * in two objects stays visibly the same, and decoded, with the checksum over them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, stringify } from "yaml";
import { buildAllDependencies } from "./dependencies.ts";
import { helm } from "./helm.ts";

const helmDir = fileURLToPath(new URL(".", import.meta.url));
const KUBE_VERSION = "1.28.0";
const FIXED = ["secret.values.BETTER_AUTH_SECRET=fixed-auth-secret-of-at-least-32-characters", "postgresql.auth.password=fixed-db-password"];
const EXTERNAL_DB = "secret.values.DATABASE_URL=postgresql://u:p@db.example:5432/todo?sslmode=require";
const OVERLAYS = { "values.yaml": "default", "values-minikube.yaml": "todo-app", "values-clusterip.yaml": "todo" } as const;

type Chart = "todo-backend" | "todo-frontend" | "todo-chatbot";
interface Case {
  name: string;
  chart: Chart;
  overlay: keyof typeof OVERLAYS;
  /** --set for the backend's own values, prefixed with backend. in the umbrella. */
  backend?: string[];
  /** --set as given. */
  set?: string[];
  release?: string;
  namespace?: string;
  /** Generated secrets (generateWithoutCluster=true and no given values) rather than fixed ones. */
  generated?: boolean;
  /** Leave generateWithoutCluster off (the refusal). */
  blind?: boolean;
  notes?: boolean;
}

const databases: [string, string[]][] = [
  ["in-cluster-postgresql", []],
  ["external-database-url", [EXTERNAL_DB]],
  ["pglite", ["postgresql.enabled=false"]],
  ["existing-secret", ["secret.existingSecret=my-secrets"]],
];

function cases(): Case[] {
  const out: Case[] = [];
  for (const overlay of Object.keys(OVERLAYS) as (keyof typeof OVERLAYS)[]) {
    out.push({ name: `todo-frontend--${overlay}`, chart: "todo-frontend", overlay });
    for (const chart of ["todo-backend", "todo-chatbot"] as const) {
      for (const [db, set] of databases) {
        // two PGlite replicas are refused: seed 004's overlay with PGlite is a refusal case below
        if (db === "pglite" && overlay === "values-clusterip.yaml") continue;
        out.push({ name: `${chart}--${overlay}--${db}--fixed`, chart, overlay, backend: [...set, ...FIXED] });
        out.push({ name: `${chart}--${overlay}--${db}--generated`, chart, overlay, backend: set, generated: true });
      }
    }
  }
  // Less common values, each on the base values (what the templates do with them).
  const variants: [string, string[]][] = [
    ["no-migrations", ["migrations.enabled=false"]],
    ["no-networkpolicy", ["networkPolicy.enabled=false"]],
    ["no-serviceaccount", ["serviceAccount.create=false"]],
    ["named-serviceaccount", ["serviceAccount.name=my-sa", "serviceAccount.annotations.a=b"]],
    ["no-tests", ["tests.enabled=false"]],
    ["no-pdb", ["podDisruptionBudget.enabled=false"]],
    ["autoscaling", [EXTERNAL_DB, "autoscaling.enabled=true"]],
    ["overrides", ["nameOverride=api", "image.tag=2.0.0", "image.repository=reg.example/todo-backend", "imagePullSecrets[0].name=regcred"]],
    ["fullname", ["fullnameOverride=my-api"]],
    [
      "pod-extras",
      [
        "podAnnotations.a=b",
        "podLabels.c=d",
        "nodeSelector.disk=ssd",
        "tolerations[0].key=k",
        "tolerations[0].operator=Exists",
        "affinity.nodeAffinity.x=y",
        "args[0]=--flag",
        "command[0]=node",
      ],
    ],
    ["config", ["config.OPENAI_X=1", "config.FRONTEND_URL=http://192.168.49.2:30080", "trustedProxies={10.0.0.0/8,loopback}"]],
    ["secret-values", [EXTERNAL_DB, "secret.values.OPENAI_API_KEY=sk-test", "secret.values.OPENROUTER_API_KEY="]],
    ["quota", ["resourceQuota.enabled=true", "resourceQuota.hard.pods=3", "limitRange.enabled=true", "limitRange.max.cpu=1"]],
    ["allow-external", ["networkPolicy.allowExternal=true", "networkPolicy.egress.components[0].component=x", "networkPolicy.egress.components[0].port=1"]],
    ["nodeport-no-port", ["service.type=NodePort"]],
    ["loadbalancer", ["service.type=LoadBalancer", "service.externalTrafficPolicy=Cluster"]],
    ["cluster-ranges", ["global.cluster.podCIDR=10.42.0.0/16", "global.cluster.serviceCIDR=10.43.0.0/16"]],
    ["postgresql-settings", ["postgresql.persistence.storageClass=fast", "postgresql.auth.username=me", "postgresql.port=6543"]],
  ];
  for (const [name, set] of variants) {
    out.push({ name: `todo-backend--values.yaml--${name}`, chart: "todo-backend", overlay: "values.yaml", backend: [...set, ...FIXED] });
    const frontendSet = set.filter((s) => !/^(postgresql|secret|migrations)\./.test(s) && s !== EXTERNAL_DB);
    if (frontendSet.length) out.push({ name: `todo-frontend--values.yaml--${name}`, chart: "todo-frontend", overlay: "values.yaml", set: frontendSet });
  }
  out.push({
    name: "todo-frontend--values.yaml--backend-service",
    chart: "todo-frontend",
    overlay: "values.yaml",
    set: ["backendService.name=api-{{ .Release.Name }}", "backendService.port=9000", "config.API_BASE_URL=http://x:1"],
  });
  for (const release of ["my-backend", "backend", "todo-backend-prod", "frontend", "shop"]) {
    out.push({ name: `todo-chatbot--values.yaml--release-${release}`, chart: "todo-chatbot", overlay: "values.yaml", release, backend: FIXED });
  }
  out.push({
    name: "todo-chatbot--values.yaml--umbrella-quota",
    chart: "todo-chatbot",
    overlay: "values.yaml",
    backend: FIXED,
    set: ["resourceQuota.enabled=true", "resourceQuota.hard.pods=9", "limitRange.enabled=true"],
  });
  // NOTES (helm install --dry-run=client prints them)
  for (const overlay of Object.keys(OVERLAYS) as (keyof typeof OVERLAYS)[]) {
    for (const chart of ["todo-backend", "todo-frontend", "todo-chatbot"] as const) {
      out.push({ name: `notes--${chart}--${overlay}`, chart, overlay, backend: chart === "todo-frontend" ? [] : FIXED, notes: true });
    }
  }
  out.push({
    name: "notes--todo-chatbot--values-minikube.yaml--minikube-ip",
    chart: "todo-chatbot",
    overlay: "values-minikube.yaml",
    backend: [...FIXED, "config.FRONTEND_URL=http://192.168.49.2:30080"],
    notes: true,
  });
  out.push({
    name: "notes--todo-chatbot--values.yaml--https",
    chart: "todo-chatbot",
    overlay: "values.yaml",
    backend: [...FIXED, "config.FRONTEND_URL=https://localhost"],
    notes: true,
  });
  out.push({
    name: "notes--todo-frontend--values.yaml--nodeport",
    chart: "todo-frontend",
    overlay: "values.yaml",
    set: ["service.type=NodePort", "service.nodePort=30099"],
    notes: true,
  });
  // Refusals
  out.push({ name: "refused--todo-chatbot--blind", chart: "todo-chatbot", overlay: "values.yaml", blind: true });
  out.push({ name: "refused--todo-backend--blind", chart: "todo-backend", overlay: "values.yaml", blind: true });
  out.push({ name: "refused--todo-backend--blind-auth-only", chart: "todo-backend", overlay: "values.yaml", blind: true, backend: [EXTERNAL_DB] });
  out.push({ name: "refused--todo-backend--blind-db-only", chart: "todo-backend", overlay: "values.yaml", blind: true, backend: [FIXED[0]!] });
  out.push({ name: "refused--todo-chatbot--namespace", chart: "todo-chatbot", overlay: "values-minikube.yaml", namespace: "default", backend: FIXED });
  out.push({ name: "refused--todo-frontend--namespace", chart: "todo-frontend", overlay: "values-clusterip.yaml", namespace: "default" });
  out.push({
    name: "refused--todo-backend--pglite-replicas",
    chart: "todo-backend",
    overlay: "values.yaml",
    backend: [...FIXED, "postgresql.enabled=false", "replicaCount=2"],
  });
  out.push({
    name: "refused--todo-chatbot--pglite-autoscaling",
    chart: "todo-chatbot",
    overlay: "values-clusterip.yaml",
    backend: [...FIXED, "postgresql.enabled=false"],
  });
  out.push({ name: "refused--todo-backend--misspelt", chart: "todo-backend", overlay: "values.yaml", backend: [...FIXED, "service.nodeport=30800"] });
  out.push({
    name: "refused--todo-chatbot--privileged",
    chart: "todo-chatbot",
    overlay: "values.yaml",
    backend: [...FIXED, "securityContext.allowPrivilegeEscalation=true"],
  });
  return out;
}

function args(c: Case): string[] {
  const chartDir = join(helmDir, c.chart);
  const namespace = c.namespace ?? OVERLAYS[c.overlay];
  const release = c.release ?? c.chart;
  const head = c.notes
    ? ["install", release, chartDir, "--dry-run=client", "--namespace", namespace]
    : ["template", release, chartDir, "--namespace", namespace, "--kube-version", KUBE_VERSION];
  if (c.overlay !== "values.yaml") head.push("-f", join(chartDir, c.overlay));
  const prefix = c.chart === "todo-chatbot" ? "backend." : "";
  const backend = c.chart === "todo-frontend" ? [] : [...(c.blind ? [] : ["secret.generateWithoutCluster=true"]), ...(c.backend ?? [])];
  for (const s of backend) head.push("--set", prefix + s);
  for (const s of c.set ?? []) head.push("--set", s);
  return head;
}

type Obj = { kind?: string; metadata?: { name?: string; annotations?: Record<string, string> }; data?: Record<string, string>; [k: string]: unknown };

/** Generated values become <random-N> (same value, same N) and the checksum over them <checksum>. */
function normaliseRandom(objects: Obj[]): void {
  const seen = new Map<string, string>();
  const label = (v: string) => {
    if (!seen.has(v)) seen.set(v, `<random-${seen.size + 1}>`);
    return seen.get(v)!;
  };
  for (const o of objects) {
    if (o.kind !== "Secret" || !o.data) continue;
    o.data = Object.fromEntries(
      Object.entries(o.data).map(([k, v]) => [
        k,
        `decoded: ${Buffer.from(v, "base64")
          .toString("utf8")
          .replace(/(?<![A-Za-z0-9])[A-Za-z0-9]{32}(?:[A-Za-z0-9]{16})?(?![A-Za-z0-9])/g, label)}`,
      ]),
    );
  }
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        if (k === "checksum/secret" && typeof v === "string") (node as Record<string, unknown>)[k] = "<checksum of generated values>";
        else walk(v);
      }
    }
  };
  walk(objects);
}

const order = (o: Obj) => `${o.kind}/${o.metadata?.name}`;

function renderCase(c: Case): string {
  const res = helm(args(c));
  const command = `# helm ${args(c).join(" ").replaceAll(helmDir, "")}\n`;
  if (res.status !== 0) {
    const lines = res.stderr.split("\n");
    const error = lines
      .slice(lines.findIndex((l) => l.startsWith("Error:")))
      .filter((l) => l.trim() !== "")
      .map((l) => l.replace(/execution error at \([^)]*\): /, "execution error: "));
    return `${command}# exit ${res.status}\n${error.join("\n")}\n`;
  }
  if (c.notes) return `${command}${res.stdout.split("NOTES:\n")[1] ?? "(no NOTES)\n"}`;
  const objects = parseAllDocuments(res.stdout)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null && typeof o === "object")
    .sort((a, b) => order(a).localeCompare(order(b)));
  if (c.generated) normaliseRandom(objects);
  return command + objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join("");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: renders.ts <output directory>");
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  await buildAllDependencies();
  const all = cases();
  for (const c of all) writeFileSync(join(dir, `${c.name}.yaml`), renderCase(c));
  console.log(`${all.length} renders in ${dir}`);
}
