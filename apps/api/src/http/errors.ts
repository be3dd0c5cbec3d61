/**
 * The one error shape, { error: { code, message, field? } }, and the single place that renders it:
 * the only map from an error code to an HTTP status. 4xx carry a message a person can act on; 5xx
 * are logged by what they are and never leak it.
 */
import { BODY_LIMIT_BYTES, bodyTooLargeMessage, type ErrorCode } from "@todo/contracts";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { DomainError } from "../domain-error.ts";
import type { Logger } from "../logger.ts";

export const HTTP_STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  validation_error: 400,
  invalid_json: 400,
  bad_request: 400,
  batch_too_large: 400,
  unauthorized: 401,
  invalid_token: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  ambiguous: 409,
  limit_reached: 409,
  approval_decided: 409,
  undo_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  busy: 429,
  internal_error: 500,
  model_unavailable: 502,
  backend_unavailable: 502,
  model_rate_limited: 503,
  draining: 503,
  model_timeout: 504,
  // Never thrown by the API (a stored turn's state the web app shows); mapped for completeness.
  interrupted: 503,
  service_unavailable: 503,
  network_error: 503,
};

/** Whether an error is the caller's to fix (4xx), as opposed to ours or an upstream's. */
export const isCallerError = (code: ErrorCode) => HTTP_STATUS[code] < 500;

export function errorBody(code: ErrorCode, message: string, field?: string) {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** A zod failure as a validation error naming the first offending field. */
export function validationError(error: ZodError, where = "body"): DomainError {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  const field = path || undefined;
  let message = issue?.message ?? "invalid input";
  if (issue?.code === "unrecognized_keys") {
    message = `unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`;
    return new DomainError("validation_error", message, { field: issue.keys[0] });
  }
  if (issue?.code === "invalid_type" && issue.input === undefined) message = "is required";
  if (issue?.code === "invalid_value" || issue?.code === "invalid_union") message = message.replace(/^Invalid input: /, "");
  const prefix = field ?? where;
  // A message that already names its field ("Give the task a title") is kept as written for people.
  const name = field
    ?.split(".")
    .filter((segment) => !/^\d+$/.test(segment))
    .at(-1);
  const named = !!name && new RegExp(`\\b${name.replace(/\W/g, "")}\\b`, "i").test(message);
  return new DomainError("validation_error", message.startsWith(prefix) || named ? message : `${prefix}: ${message}`, { field });
}

const STACK_FRAMES = 4;
const SAFE_FIELDS = ["code", "severity", "routine", "constraint", "table", "column", "dataType", "statusCode", "isRetryable", "reason"] as const;

/**
 * What an error is, for the logs: its class, codes (SQL state, HTTP status of a model call), the
 * statement it ran (text with placeholders) and where it was thrown, and the same of its cause.
 * Never its message, bound parameters, request or response bodies, or prompts: a database error's
 * message and params carry the values of the query (session tokens, what a person typed), a model
 * call error carries the whole conversation.
 */
export function describeError(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: err === null ? "null" : typeof err };
  const e = err as Error & Record<string, unknown>;
  const out: Record<string, unknown> = { type: e.constructor?.name && e.constructor.name !== "Error" ? e.constructor.name : e.name };
  for (const field of SAFE_FIELDS) {
    const value = e[field];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[field] = value;
  }
  // Our own errors' messages are written for people and carry nothing of the request.
  if (err instanceof DomainError) out.message = err.message;
  if (typeof e.query === "string") out.statement = e.query.slice(0, 300);
  if (typeof e.url === "string") out.url = e.url.replace(/[?#].*$/, "");
  const frames = e.stack
    ?.split("\n")
    .filter((line) => line.trimStart().startsWith("at "))
    .slice(0, STACK_FRAMES);
  if (frames?.length) out.at = frames.map((f) => f.trim().slice(3));
  if (depth < 3 && e.cause !== undefined) out.cause = describeError(e.cause, depth + 1);
  if (depth < 3 && e.lastError !== undefined) out.lastError = describeError(e.lastError, depth + 1);
  return out;
}

export function renderError(err: unknown, c: Context, logger: Logger): Response {
  if (err instanceof DomainError) {
    const status = HTTP_STATUS[err.code];
    if (err.details.retryAfterSeconds !== undefined) c.header("retry-after", String(err.details.retryAfterSeconds));
    return c.json(errorBody(err.code, err.message, err.details.field), status);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 413) return c.json(errorBody("payload_too_large", bodyTooLargeMessage(BODY_LIMIT_BYTES)), 413);
    if (status === 415) {
      return c.json(errorBody("unsupported_media_type", "send the body as JSON with Content-Type: application/json"), 415);
    }
    if (status < 500) {
      const message = err.message || "bad request";
      const code = /json/i.test(message) ? "invalid_json" : "bad_request";
      return c.json(errorBody(code, code === "invalid_json" ? "request body is not valid JSON" : message), status);
    }
  }
  logger.error({ err: describeError(err), path: c.req.path, requestId: c.get("requestId" as never) }, "unhandled error");
  return c.json(errorBody("internal_error", "something went wrong on our side; please try again"), 500);
}
