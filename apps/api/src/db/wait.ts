/**
 * Waiting for a database that is not up yet. In a cluster the database may start after the
 * processes that need it (the in-cluster PostgreSQL is created in the same release, a Neon branch
 * may be waking up), so the server and the migrate command try again with exponential backoff
 * instead of exiting. Only failures that waiting can fix are retried (a refused or reset
 * connection, an unresolvable or unreachable host, "the database system is starting up"); a
 * refused password or a missing database stops at once with what PostgreSQL said.
 */
import type { DatabaseHandle } from "./client.ts";

/** Node's network errors for a peer that is not (yet) there. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);
/**
 * PostgreSQL SQLSTATEs that mean "not now": cannot_connect_now (starting up or shutting down),
 * admin/crash shutdown, too many connections, and the connection_exception class (08…).
 */
const RETRIED_STATES = new Set(["57P03", "57P01", "57P02", "53300"]);

/** Messages node-postgres gives for a connection that dropped or never completed. */
const RETRIED_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|connection timeout/i;

export interface WaitOptions {
  /** Give up after this many milliseconds; undefined waits as long as it takes. */
  timeoutMs?: number;
  /** First delay between attempts, doubled after each failure up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each pause: for a log line ("waiting for the database"). */
  onRetry?(info: { attempt: number; retryInMs: number; reason: string }): void;
  /** Stops the wait (SIGTERM while starting). */
  signal?: AbortSignal;
}

export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

/** The error's code (network errno, SQLSTATE) or a short name: what it is, never its parameters. */
export function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; errors?: { code?: unknown }[]; message?: unknown; name?: unknown };
  // Node 20 reports a refused connection to every address of a host as one AggregateError.
  const code = typeof e?.code === "string" ? e.code : typeof e?.errors?.[0]?.code === "string" ? e.errors[0].code : undefined;
  if (code) return code;
  const message = typeof e?.message === "string" ? e.message : "";
  if (RETRIED_MESSAGES.test(message)) return message.split("\n")[0]!;
  return typeof e?.name === "string" ? e.name : "unknown error";
}

/** Whether waiting can fix this failure to connect. */
export function isTransientConnectError(err: unknown): boolean {
  const reason = reasonOf(err);
  return NETWORK_CODES.has(reason) || RETRIED_STATES.has(reason) || reason.startsWith("08") || RETRIED_MESSAGES.test(reason);
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Resolves with the number of attempts once the database answers a query. Throws a
 * DatabaseUnavailableError when timeoutMs passes, or the database's own error when waiting
 * cannot help (wrong password, no such database).
 */
export async function waitForDatabase(handle: DatabaseHandle, opts: WaitOptions = {}): Promise<number> {
  const initial = opts.initialDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 10_000;
  const deadline = opts.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + opts.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await handle.ping();
      return attempt;
    } catch (err) {
      if (!isTransientConnectError(err)) throw err;
      const reason = reasonOf(err);
      if (opts.signal?.aborted) throw new DatabaseUnavailableError(`stopped while waiting for the database (${reason})`);
      const retryInMs = Math.min(max, initial * 2 ** (attempt - 1));
      if (Date.now() + retryInMs > deadline) {
        throw new DatabaseUnavailableError(
          `the database did not answer within ${Math.round((opts.timeoutMs ?? 0) / 1000)} s (${attempt} attempts, last: ${reason}); check DATABASE_URL and that the database is running`,
        );
      }
      opts.onRetry?.({ attempt, retryInMs, reason });
      await pause(retryInMs, opts.signal);
      if (opts.signal?.aborted) throw new DatabaseUnavailableError(`stopped while waiting for the database (${reason})`);
    }
  }
}
