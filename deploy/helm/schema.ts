/**
 * The charts' values.schema.json files, generated from one description so the two service charts
 * (which share most keys) and the umbrella never drift apart. `npm run charts:schema -w @todo/deploy`
 * writes them; tests/charts.test.ts fails when a committed file differs from what this produces.
 * Closed objects (additionalProperties: false) make a misspelt key in an overlay a lint error.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

type Schema = Record<string, unknown>;

const str = (description: string, extra: Schema = {}): Schema => ({ type: "string", description, ...extra });
const int = (description: string, minimum = 0, extra: Schema = {}): Schema => ({ type: "integer", minimum, description, ...extra });
const bool = (description: string): Schema => ({ type: "boolean", description });
const constant = (value: unknown, description: string): Schema => ({ const: value, description });
const obj = (description: string, properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({
  type: "object",
  description,
  additionalProperties: false,
  required,
  properties,
});
const map = (description: string, values: Schema = { type: ["string", "number", "boolean"] }): Schema => ({
  type: "object",
  description,
  additionalProperties: values,
});
const list = (description: string, items: Schema = {}): Schema => ({ type: "array", description, items });
/** A Kubernetes quantity: 100m, 0.5, 512Mi, 1Gi … */
const quantity = (description: string): Schema => ({
  type: ["string", "number"],
  description,
  pattern: "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$",
});
const cpuMemory = (description: string): Schema => obj(description, { cpu: quantity("CPU"), memory: quantity("Memory") });
const resources = (description: string): Schema => obj(description, { requests: cpuMemory("Reserved"), limits: cpuMemory("Ceilings") });
const probe = (description: string): Schema =>
  obj(description, {
    path: str("Route checked", { pattern: "^/" }),
    periodSeconds: int("Seconds between checks", 1),
    timeoutSeconds: int("Seconds before a check fails", 1),
    failureThreshold: int("Failed checks tolerated", 1),
  });

/** An IPv4 or IPv6 range in CIDR notation. */
const cidr = (description: string): Schema => str(description, { pattern: "^[0-9a-fA-F:.]+/[0-9]{1,3}$" });

const global = obj("Values shared with every chart of a release", {
  namespace: str('Namespace the release must be in; "" allows any'),
  cluster: obj("The cluster's own address ranges", {
    podCIDR: cidr("Pod addresses"),
    serviceCIDR: cidr("Service ClusterIPs"),
  }),
});

const quota = obj("The namespace's ResourceQuota", {
  enabled: bool("Create it"),
  name: str("Its name", { minLength: 1 }),
  hard: map("Hard limits", quantity("Quantity")),
});
const limitRange = obj("The namespace's LimitRange", {
  enabled: bool("Create it"),
  name: str("Its name", { minLength: 1 }),
  default: map("Default limits per container", quantity("Quantity")),
  defaultRequest: map("Default requests per container", quantity("Quantity")),
  max: map("Largest limits per container", quantity("Quantity")),
});

/**
 * The restricted Pod Security profile, enforced by the schema: an overlay cannot switch it off
 * by accident (runAsNonRoot, no privilege escalation, drop ALL, a seccomp profile).
 */
const seccomp = obj("System-call filter", { type: { enum: ["RuntimeDefault", "Localhost"], description: "Profile type" } });
const podSecurityContext = obj("Pod security context (restricted profile)", {
  runAsNonRoot: constant(true, "Never root"),
  runAsUser: int("User id", 1),
  runAsGroup: int("Group id", 1),
  fsGroup: int("Volume group", 1),
  seccompProfile: seccomp,
});
const securityContext = obj("Container security context (restricted profile)", {
  allowPrivilegeEscalation: constant(false, "No setuid gains"),
  readOnlyRootFilesystem: bool("Read-only image filesystem"),
  runAsNonRoot: constant(true, "Never root"),
  runAsUser: int("User id", 1),
  runAsGroup: int("Group id", 1),
  capabilities: obj("Capabilities", {
    drop: { type: "array", items: { type: "string" }, contains: { const: "ALL" }, description: "Dropped; must hold ALL" },
  }),
  seccompProfile: seccomp,
});

function serviceSchema(component: "backend" | "frontend"): Schema {
  const properties: Record<string, Schema> = {
    global,
    component: constant(component, "Component label; fixed per chart"),
    nameOverride: str("Replaces the chart name in object names"),
    fullnameOverride: str("Replaces the whole object name"),
    replicaCount: int("Pods", 0),
    revisionHistoryLimit: int("Old ReplicaSets kept", 0),
    image: obj("Image", {
      repository: str("Image name", { minLength: 1 }),
      tag: str('Tag; "" = appVersion'),
      pullPolicy: { enum: ["IfNotPresent", "Never", "Always"], description: "Pull policy" },
    }),
    imagePullSecrets: list("Registry secrets", obj("Secret reference", { name: str("Secret name") })),
    command: list("Command; [] = the image's", { type: "string" }),
    args: list("Arguments", { type: "string" }),
    workingDir: str('Working directory; "" = the image\'s'),
    containerPort: int("Port the app listens on", 1, { maximum: 65535 }),
    service: obj(
      "Service",
      {
        type: { enum: ["ClusterIP", "NodePort", "LoadBalancer"], description: "Service type" },
        port: int("Service port", 1, { maximum: 65535 }),
        nodePort: { type: ["integer", "null"], minimum: 30000, maximum: 32767, description: "Fixed node port" },
        externalTrafficPolicy: { enum: ["Local", "Cluster"], description: "NodePort/LoadBalancer: Local keeps the client's address" },
      },
      ["type", "port", "externalTrafficPolicy"],
    ), // nodePort: null in values.yaml, and Helm 3 drops null keys
    probes: obj("HTTP probes", {
      startup: probe("Startup probe"),
      liveness: probe("Liveness probe"),
      readiness: probe("Readiness probe"),
    }),
    strategy: obj("Rolling update", {
      maxSurge: { type: ["integer", "string"], description: "Extra pods during an update" },
      maxUnavailable: { type: ["integer", "string"], description: "Missing pods during an update" },
    }),
    terminationGracePeriodSeconds: int("Seconds from SIGTERM to SIGKILL", 1),
    resources: resources("CPU and memory per pod"),
    podSecurityContext,
    securityContext,
    writableDirs: list(
      "emptyDir volumes where the app writes",
      obj("A writable directory", {
        name: str("Volume name", { pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" }),
        mountPath: str("Mount path", { pattern: "^/" }),
        sizeLimit: quantity("Most it may hold"),
      }),
    ),
    podAnnotations: map("Pod annotations", { type: "string" }),
    podLabels: map("Pod labels", { type: "string" }),
    nodeSelector: map("Node selector", { type: "string" }),
    tolerations: list("Tolerations", { type: "object" }),
    affinity: { type: "object", description: "Affinity" },
    config: map("ConfigMap data (environment variables)"),
    trustedProxies: list("TRUSTED_PROXIES: addresses, CIDRs or loopback (templates)", { type: "string", minLength: 1 }),
    serviceAccount: obj("ServiceAccount", {
      create: bool("Create one"),
      name: str("Its name"),
      annotations: map("Annotations", { type: "string" }),
      automountToken: bool("Mount an API token"),
    }),
    podDisruptionBudget: obj("PodDisruptionBudget", {
      enabled: bool("Create it"),
      maxUnavailable: { type: ["integer", "string"], description: "Pods evicted at once" },
    }),
    autoscaling: obj("HorizontalPodAutoscaler", {
      enabled: bool("Create it"),
      minReplicas: int("Fewest pods", 1),
      maxReplicas: int("Most pods", 1),
      targetCPUUtilizationPercentage: int("CPU target, % of requests", 1, { maximum: 100 }),
    }),
    networkPolicy: obj("NetworkPolicies", {
      enabled: bool("Create them"),
      allowExternal: bool("Accept the app port from anywhere"),
      ingressFrom: list("Components allowed in", { type: "string" }),
      egress: obj("Allowed destinations", {
        components: list("Components of the product", obj("Component", { component: str("Component"), port: int("Port", 1) })),
        external: list(
          "Outside addresses",
          obj("Addresses", {
            name: str('What it is ("database" is dropped while the in-cluster database is on)'),
            cidrs: list("CIDRs", { type: "string" }),
            except: list("CIDRs excluded", { type: "string" }),
            exceptCluster: bool("Leave global.cluster's pod and Service ranges out of 0.0.0.0/0"),
            port: int("TCP port", 1, { maximum: 65535 }),
          }),
        ),
      }),
    }),
    resourceQuota: quota,
    limitRange,
    tests: obj("helm test pod", { enabled: bool("Render it"), resources: resources("CPU and memory") }),
  };
  if (component === "backend") {
    Object.assign(properties, {
      secret: obj("Secret settings", {
        existingSecret: str("Existing Secret to use instead"),
        generateWithoutCluster: bool("Throwaway generated values where helm cannot see the cluster (renders never applied)"),
        values: map("Secret values (never commit real ones)", { type: "string" }),
      }),
      push: obj("Web Push", {
        enabled: bool("Send Web Push (a VAPID key in the Secret, egress to push services)"),
        egress: obj("Where push services are", {
          cidrs: list("CIDRs", { type: "string" }),
          except: list("CIDRs excluded", { type: "string" }),
          exceptCluster: bool("Leave global.cluster's pod and Service ranges out of 0.0.0.0/0"),
          port: int("TCP port", 1, { maximum: 65535 }),
        }),
      }),
      migrations: obj("Migration hook Job", {
        enabled: bool("Run it"),
        command: list("Command", { type: "string" }),
        backoffLimit: int("Retries", 0),
        activeDeadlineSeconds: int("Deadline in seconds (under helm's --timeout)", 1),
        databaseWaitSeconds: int("How long each try waits for the database", 0),
        resources: resources("CPU and memory"),
      }),
      postgresql: obj("In-cluster PostgreSQL", {
        enabled: bool("Run it when no database is given"),
        image: obj("Image", {
          repository: str("Image name"),
          tag: str("Tag"),
          pullPolicy: { enum: ["IfNotPresent", "Never", "Always"], description: "Pull policy" },
        }),
        uid: int("User id of the image's postgres user", 1),
        port: int("Service port", 1, { maximum: 65535 }),
        auth: obj("Credentials", {
          username: str("Owner", { minLength: 1 }),
          database: str("Database", { minLength: 1 }),
          password: str('"" = generated'),
        }),
        persistence: obj("Data volume", { size: quantity("Size"), storageClass: str("StorageClass") }),
        resources: resources("CPU and memory"),
      }),
    });
  } else {
    properties.backendService = obj("The backend Service (API_BASE_URL)", {
      name: str("Service name (a template)", { minLength: 1 }),
      port: int("Service port", 1, { maximum: 65535 }),
    });
  }
  const required = Object.keys(properties);
  // Helm adds the library dependency's (empty) values under its name.
  properties["todo-lib"] = { type: "object", description: "Library chart (no values)" };
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: `todo-${component} values`,
    ...obj(`Values of the todo-${component} chart`, properties, required),
  };
}

/** The umbrella checks its own keys; each subchart's schema checks backend: / frontend:. */
function umbrellaSchema(): Schema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "todo-chatbot values",
    ...obj(
      "Values of the todo-chatbot umbrella chart",
      {
        global,
        backend: { type: "object", description: "Values of the todo-backend subchart (its schema applies)" },
        frontend: { type: "object", description: "Values of the todo-frontend subchart (its schema applies)" },
        "todo-lib": { type: "object", description: "Library chart (no values)" },
        resourceQuota: quota,
        limitRange,
      },
      ["global", "backend", "frontend", "resourceQuota", "limitRange"],
    ),
  };
}

export const schemas: Record<string, Schema> = {
  "todo-backend": serviceSchema("backend"),
  "todo-frontend": serviceSchema("frontend"),
  "todo-chatbot": umbrellaSchema(),
};

export function schemaText(chart: string): string {
  return `${JSON.stringify(schemas[chart], null, 2)}\n`;
}

const helmDir = fileURLToPath(new URL(".", import.meta.url));
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const chart of Object.keys(schemas)) {
    writeFileSync(join(helmDir, chart, "values.schema.json"), schemaText(chart));
    console.log(`wrote ${chart}/values.schema.json`);
  }
}
