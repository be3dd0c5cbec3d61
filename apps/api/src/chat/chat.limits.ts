/**
 * How many chat turns run at once, per person and in this process. A turn holds a model call and
 * its tools for seconds; without a bound, a few hundred concurrent turns starve everything else the
 * process does (the liveness probe included). Beyond the bound a turn is refused at once with 429
 * and Retry-After, before anything is stored.
 */
import { DomainError } from "../domain-error.ts";

const RETRY_AFTER_SECONDS = 5;

export class TurnLimiter {
  private running = 0;
  private readonly perUser = new Map<string, number>();

  constructor(private readonly limits: { perUser: number; total: number }) {}

  /** Takes a slot for this person's turn; the returned function gives it back (once). */
  acquire(userId: string): () => void {
    const mine = this.perUser.get(userId) ?? 0;
    if (mine >= this.limits.perUser) {
      throw new DomainError("busy", `you already have ${this.limits.perUser} replies being written; wait for one to finish`, {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    if (this.running >= this.limits.total) {
      throw new DomainError("busy", "the assistant is busy with other people right now; try again in a few seconds", {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    this.running += 1;
    this.perUser.set(userId, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    };
  }
}
