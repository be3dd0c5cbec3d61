/**
 * The error services, repositories and routes throw for anything a caller can act on: a code from
 * the contracts' one union, a message a person can read and safe details. It says nothing of HTTP:
 * the HTTP edge (http/errors.ts) maps the code to a status, the MCP server sends `{ code, message }`
 * as a tool error, and the chat stream sends the same in its error parts.
 */
import type { ErrorCode } from "@todo/contracts";

export interface DomainErrorDetails {
  /** For validation errors: the first offending field. */
  field?: string | undefined;
  /** For busy/rate-limited: seconds after which a retry may succeed. */
  retryAfterSeconds?: number | undefined;
}

export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new DomainError("not_found", `${what} not found`);
