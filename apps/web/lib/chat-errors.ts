/**
 * What kind of failure a chat error is, for the screen that explains it: decided by the error's
 * code only (contracts' ERROR_CODES), so rewording a message can change no screen.
 */
import type { ErrorCode } from "@todo/contracts";

export type ChatErrorKind = "interrupted" | "model-slow" | "rate-limited" | "busy" | "model-busy" | "model-down" | "offline" | "signed-out" | "other";

const KIND_OF: Partial<Record<ErrorCode, ChatErrorKind>> = {
  interrupted: "interrupted",
  model_timeout: "model-slow",
  rate_limited: "rate-limited",
  busy: "busy",
  draining: "busy",
  model_rate_limited: "model-busy",
  model_unavailable: "model-down",
  backend_unavailable: "offline",
  network_error: "offline",
  unauthorized: "signed-out",
};

export function chatErrorKind(error: { code: string; message: string }): ChatErrorKind {
  return KIND_OF[error.code as ErrorCode] ?? "other";
}
