/**
 * Error codes and the one error shape. The codes are the single source for the API's HTTP errors,
 * the MCP tools' errors, the chat stream's error parts and the web app, which switches on them and
 * never on wording: a message can be reworded freely. The HTTP status of each code is decided in
 * one place only, the API's HTTP edge (apps/api/src/http/errors.ts).
 */
import { z } from "zod";

export const ERROR_CODES = [
  /** The caller's input is wrong; `field` names the first offending field. */
  "validation_error",
  "invalid_json",
  "bad_request",
  "unauthorized",
  /** An OAuth access token was sent and refused (expired, revoked, for another resource): re-authorize. */
  "invalid_token",
  "forbidden",
  "not_found",
  "method_not_allowed",
  /** A task reference (words from a title) matches several tasks: say which one by number. */
  "ambiguous",
  /** A per-person limit (open tasks, conversations, tool calls of one request). */
  "limit_reached",
  /** An approval that was already answered (or expired when the conversation moved on): nothing runs again. */
  "approval_decided",
  /** An undo that cannot run as asked: the change is already undone, or a later change touched its tasks (undo that first). */
  "undo_conflict",
  "payload_too_large",
  "batch_too_large",
  "unsupported_media_type",
  "unprocessable",
  /** Too many requests from this client; see Retry-After. */
  "rate_limited",
  /** Too many chat turns at once; see Retry-After. */
  "busy",
  "internal_error",
  "service_unavailable",
  /** The assistant's language model failed or is unreachable. */
  "model_unavailable",
  /** The assistant's language model is rate-limited by its provider. */
  "model_rate_limited",
  /** The assistant's language model took longer than the server allows a turn (LLM_TIMEOUT_MS). */
  "model_timeout",
  /** This server is shutting down and starts no new chat turn; retry (Retry-After) and another answers. */
  "draining",
  /** A chat turn's server died before it finished (a stored turn's state, shown by the web app; never an HTTP answer). */
  "interrupted",
  /** The web app's proxy could not reach the API. */
  "backend_unavailable",
  /** The browser could not reach the web app. */
  "network_error",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

/** `{ code, message }`: what an HTTP error body, an MCP tool error and a stream error part carry. */
export const ErrorSchema = z.object({
  code: z.enum(ERROR_CODES).describe("Machine-readable error code; screens and clients switch on it"),
  message: z.string().describe("What went wrong, in words a person can act on"),
  field: z.string().optional().describe("For validation errors: the first offending field"),
});
export type ErrorPayload = z.infer<typeof ErrorSchema>;

export const ErrorBodySchema = z.object({ error: ErrorSchema });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
