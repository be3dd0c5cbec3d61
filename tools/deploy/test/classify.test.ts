/**
 * Which failures are transient, decided explicitly: real messages from helm, the container
 * engines, minikube and @kubernetes/client-node, each with the verdict the CLI acts on.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiException } from "@kubernetes/client-node";
import { classifyApiError, classifyOutput } from "../src/classify.ts";

describe("transient or permanent", () => {
  const cases: [string, boolean, string][] = [
    [
      'Error: Kubernetes cluster unreachable: Get "https://192.168.49.2:8443/version": dial tcp 192.168.49.2:8443: connect: connection refused',
      true,
      "connection refused",
    ],
    ["Error: UPGRADE FAILED: context deadline exceeded", true, "network timeout"],
    [
      "Error: INSTALLATION FAILED: resource Deployment/todo-app/todo-chatbot-backend not ready. status: InProgress, message: Available: 0/1\ncontext deadline exceeded",
      true,
      "network timeout",
    ],
    ["Error: UPGRADE FAILED: timed out waiting for the condition", true, "timed out waiting"],
    ['Error: Get "https://127.0.0.1:32769/api": net/http: TLS handshake timeout', true, "network timeout"],
    ["Error from server (ServiceUnavailable): the server is currently unable to handle the request", true, "API server not ready"],
    ["etcdserver: request timed out", true, "API server not ready"],
    ["Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress", false, "another helm operation in progress"],
    [
      "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nbackend:\n- at '/replicaCount': got string, want integer",
      false,
      "invalid value",
    ],
    [
      "Error: INSTALLATION FAILED: execution error at (todo-chatbot/templates/namespace.yaml): additional properties 'nodeport' not allowed",
      false,
      "invalid value",
    ],
    [
      'Error: UPGRADE FAILED: pods "todo-chatbot-backend-7d9c6b5f4-x" is forbidden: exceeded quota: todo-quota, requested: requests.cpu=750m',
      false,
      "refused by the cluster's policy",
    ],
    [
      "Error: UPGRADE FAILED: resource not ready: Deployment todo-chatbot-backend: ErrImageNeverPull; context deadline exceeded",
      false,
      "image not available to the cluster",
    ],
    ["Error: parse error at (todo-lib/templates/_workload.tpl:12): unexpected EOF", false, "chart does not render"],
    ["[ERROR] templates/: values.yaml: invalid value", false, "not a known transient failure"],
    ["Error: INSTALLATION FAILED: cannot re-use a name that is still in use", false, "release name in use"],
    ["STEP 5/9: RUN npm ci ...\nnpm error code E404", false, "not a known transient failure"],
    ["npm error network read ECONNRESET", true, "connection reset"],
  ];
  for (const [text, transient, reason] of cases) {
    it(`${transient ? "retries" : "does not retry"}: ${text.split("\n")[0]!.slice(0, 90)}`, () => {
      assert.deepEqual(classifyOutput(text), { transient, reason });
    });
  }

  it("classifies @kubernetes/client-node errors by status code and network error code", () => {
    assert.equal(classifyApiError(new ApiException(503, "Service Unavailable", {}, {})).transient, true);
    assert.equal(classifyApiError(new ApiException(429, "Too Many Requests", {}, {})).transient, true);
    assert.equal(classifyApiError(new ApiException(500, "Error occurred in metrics request: connect ECONNREFUSED", {}, {})).transient, true);
    assert.equal(classifyApiError(new ApiException(403, "Forbidden", {}, {})).transient, false);
    assert.equal(classifyApiError(new ApiException(404, "Not Found", {}, {})).transient, false);
    assert.equal(
      classifyApiError(
        Object.assign(new Error("request to https://192.168.49.2:8443/api failed, reason: connect ECONNREFUSED"), { code: "ECONNREFUSED", type: "system" }),
      ).transient,
      true,
    );
    assert.equal(classifyApiError(Object.assign(new Error("fetch failed"), { cause: { code: "ETIMEDOUT" } })).transient, true);
    assert.equal(classifyApiError(new Error('no kubeconfig context "prod"')).transient, false);
  });
});
