/**
 * Which failures are worth another try. Decided here, explicitly, for every step: a failure is
 * transient only when it matches a known sign of a cluster, network or engine that is not ready
 * yet (a timeout, a refused or reset connection, an API server that is starting or overloaded).
 * Everything else (a lint error, an invalid value, a quota, a missing image, a crash) is permanent:
 * retrying it only delays the message the user needs.
 */

export interface Classification {
  transient: boolean;
  /** The sign that decided it, for the failure message. */
  reason: string;
}

/** Signs of a transient failure in a command's output (helm, minikube, the container engine). */
const TRANSIENT_OUTPUT: readonly [RegExp, string][] = [
  [/connection refused/i, "connection refused"],
  [/connection reset by peer|ECONNRESET/i, "connection reset"],
  [/i\/o timeout|TLS handshake timeout|context deadline exceeded|Client\.Timeout exceeded/i, "network timeout"],
  [/timed out waiting for the condition|timed out after \d+ s|resource not ready, name: .*timeout|context deadline/i, "timed out waiting"],
  [/Kubernetes cluster unreachable/i, "cluster unreachable"],
  [/the server is currently unable to handle the request|ServiceUnavailable|etcdserver: (request timed out|leader changed)/i, "API server not ready"],
  [/the object has been modified; please apply your changes to the latest version/i, "conflicting update"],
  [/Too Many Requests|rate limit/i, "throttled"],
  [/no route to host|temporary failure in name resolution|EAI_AGAIN/i, "network unreachable"],
];

/**
 * Signs that win over the transient ones: the same output can mention a timeout while the real
 * cause is permanent (a pod that cannot start because its image is absent times out the wait).
 */
const PERMANENT_OUTPUT: readonly [RegExp, string][] = [
  [/another operation \(install\/upgrade\/rollback\) is in progress/i, "another helm operation in progress"],
  [/values don't meet the specifications of the schema|additional properties .* not allowed/i, "invalid value"],
  [/exceeded quota|forbidden/i, "refused by the cluster's policy"],
  [/ErrImageNeverPull|ImagePullBackOff|ErrImagePull|InvalidImageName/i, "image not available to the cluster"],
  [/CrashLoopBackOff/i, "container crash-looping"],
  [/parse error|YAML parse error|error converting YAML|template: /i, "chart does not render"],
  [/cannot re-use a name that is still in use/i, "release name in use"],
];

/**
 * Transient signs that win over the permanent ones: a namespace still being deleted refuses new
 * objects with "forbidden", which is not a quota or a permission problem; waiting fixes it.
 */
const TRANSIENT_FIRST: readonly [RegExp, string][] = [[/because it is being terminated|namespace .* is being terminated/i, "namespace being deleted"]];

export function classifyOutput(text: string): Classification {
  for (const [re, reason] of TRANSIENT_FIRST) if (re.test(text)) return { transient: true, reason };
  for (const [re, reason] of PERMANENT_OUTPUT) if (re.test(text)) return { transient: false, reason };
  for (const [re, reason] of TRANSIENT_OUTPUT) if (re.test(text)) return { transient: true, reason };
  return { transient: false, reason: "not a known transient failure" };
}

/** Network error codes Node reports for a peer that is not (yet) there. */
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);
/** HTTP statuses from the API server that mean "not now" rather than "no". */
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

/** An error thrown by @kubernetes/client-node (ApiException with .code, or a fetch error with an errno code). */
export function classifyApiError(err: unknown): Classification {
  const e = err as { code?: unknown; errno?: unknown; type?: unknown; cause?: { code?: unknown }; message?: unknown; name?: unknown };
  if (typeof e?.code === "number") {
    return TRANSIENT_STATUS.has(e.code)
      ? { transient: true, reason: `API server answered ${e.code}` }
      : { transient: false, reason: `API server answered ${e.code}` };
  }
  const code = typeof e?.code === "string" ? e.code : typeof e?.cause?.code === "string" ? e.cause.code : undefined;
  if (code && TRANSIENT_CODES.has(code)) return { transient: true, reason: code };
  if (e?.name === "AbortError" || e?.type === "request-timeout") return { transient: true, reason: "request timed out" };
  const message = typeof e?.message === "string" ? e.message : "";
  if (message) return classifyOutput(message);
  return { transient: false, reason: "not a known transient failure" };
}

/** The last lines of a command's output, for a failure's details. */
export function tail(text: string, lines = 12): string[] {
  return text
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "")
    .slice(-lines);
}
