/**
 * Turns that belong to the server, not to a connection. This replica's running turns live here:
 * each turn's UI-message chunks are kept in order in memory (for the request that started it and
 * for anyone resuming it here) and written to PostgreSQL in small batches (for a resume on another
 * replica). A heartbeat renews the leases of the running turns in one statement and hears of Stop
 * asked on another replica. On SIGTERM, `drain()` waits for the running turns to end.
 *
 * The resumable-stream pattern of vercel/ai-chatbot (GET /api/chat/:id/stream), with the database
 * instead of Redis: a resumer names the last chunk it has (`after`, or SSE Last-Event-ID) and gets
 * the rest exactly once, in order. The same code runs on PGlite (one process) and PostgreSQL.
 * A resume on another replica wakes on NOTIFY (TURN_CHANNEL) as chunks are stored, and looks
 * again on a slow timer only in case a notification was lost.
 */
import type { UIMessageChunk } from "ai";
import { describeError } from "../http/errors.ts";
import type { Logger } from "../logger.ts";
import { TURN_CHANNEL, type TurnRepository } from "./turns.repository.ts";

/** How long chunks wait to be written together: the delay a resume on another replica may see. */
const FLUSH_MS = 100;
/** How often a resume on another replica looks for new chunks when it cannot LISTEN. */
const POLL_MS = 100;
/** Its fallback look while it LISTENs (a notification lost with a dropped connection). */
const RESUME_POLL_MS = 2000;

/** The database's LISTEN (DatabaseHandle.listen): resolves once listening, with how to stop. */
export type ListenFn = (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>;

/** A follower's wake-up: fired by a notification, waited for with a fallback timeout. A fire before the wait is kept. */
class Wake {
  private fired = false;
  private resolve: (() => void) | undefined;

  fire(): void {
    this.fired = true;
    this.resolve?.();
  }

  /** Forgets fires before now: what the caller is about to read covers them. */
  reset(): void {
    this.fired = false;
  }

  wait(ms: number): Promise<void> {
    if (this.fired) return Promise.resolve();
    return new Promise((resolve) => {
      // Unref'd: a follower waiting alone keeps no process alive (the server's socket does that).
      const timer = setTimeout(done, ms).unref();
      const self = this;
      function done() {
        clearTimeout(timer);
        self.resolve = undefined;
        resolve();
      }
      this.resolve = done;
    });
  }
}

const encoder = new TextEncoder();
const event = (seq: number, chunk: unknown) => `id: ${seq}\ndata: ${JSON.stringify(chunk)}\n\n`;
const DONE = "data: [DONE]\n\n";

/** SSE headers of a UI-message stream (as the AI SDK's UI_MESSAGE_STREAM_HEADERS, plus no buffering). */
export const STREAM_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-vercel-ai-ui-message-stream": "v1",
  "x-accel-buffering": "no",
} as const;

export class LiveTurn {
  readonly chunks: UIMessageChunk[] = [];
  /** The text the reply has said so far (what a stopped turn keeps). */
  text = "";
  ended = false;
  /** Aborted by Stop (here, or heard through the heartbeat from another replica). */
  readonly stopper = new AbortController();
  private persisted = 0;
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** Whether chunks have been written (or tried): from then on a resume elsewhere may be reading them. */
  private flushing = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly conversationId: string,
    private readonly repo: TurnRepository,
    private readonly logger: Logger,
  ) {}

  push(chunk: UIMessageChunk): void {
    this.chunks.push(chunk);
    if (chunk.type === "text-delta") this.text += chunk.delta;
    this.wake();
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes the chunks not yet written, as one row; writes never overlap, so seq stays in order. */
  flush(): Promise<void> {
    this.flushing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(async () => {
      const from = this.persisted;
      const batch = this.chunks.slice(from);
      if (batch.length === 0) return;
      try {
        await this.repo.appendChunks(this.id, from, batch);
        this.persisted = from + batch.length;
      } catch (err) {
        // Kept in memory: the next flush writes them again (a failed insert stored none of them).
        this.logger.error({ err: describeError(err), turnId: this.id }, "failed to store stream chunks");
      }
    });
    return this.writing;
  }

  /**
   * Before the turn's end is stored: writes the chunks not yet written — unless the turn was so
   * short (under FLUSH_MS) that it never wrote any. Then there is nothing worth resuming: a resume
   * elsewhere finds the turn ended and the client shows the stored reply, and a turn of the
   * offline model costs no chunk writes at all.
   */
  async settle(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing) await this.flush();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  /** The turn's stream as SSE from the chunk after `afterSeq`, live until the turn ends. */
  sse(afterSeq = -1): ReadableStream<Uint8Array> {
    let next = afterSeq + 1;
    let cancelled = false;
    let waiter: (() => void) | undefined;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        for (;;) {
          if (cancelled) return;
          if (next < this.chunks.length) {
            let out = "";
            for (; next < this.chunks.length; next++) out += event(next, this.chunks[next]);
            controller.enqueue(encoder.encode(out));
            return;
          }
          if (this.ended) {
            controller.enqueue(encoder.encode(DONE));
            controller.close();
            return;
          }
          await new Promise<void>((resolve) => {
            waiter = resolve;
            this.waiters.add(resolve);
          });
        }
      },
      cancel: () => {
        // The reader went away; the turn goes on.
        cancelled = true;
        if (waiter) {
          this.waiters.delete(waiter);
          waiter();
        }
      },
    });
  }
}

export class TurnRunner {
  private readonly live = new Map<string, LiveTurn>();
  private readonly running = new Set<Promise<void>>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** The resumes following a turn through the database here, by turn id. */
  private readonly followers = new Map<string, Set<Wake>>();
  private listening: Promise<() => Promise<void>> | undefined;

  constructor(
    private readonly repo: TurnRepository,
    private readonly logger: Logger,
    private readonly leaseMs: number,
    private readonly listen?: ListenFn,
    private readonly resumePollMs = RESUME_POLL_MS,
  ) {}

  /** LISTENs once (the first resume from another replica does it); false when it cannot. */
  private async startListening(): Promise<boolean> {
    if (!this.listen) return false;
    this.listening ??= this.listen(TURN_CHANNEL, (turnId) => {
      for (const wake of this.followers.get(turnId) ?? []) wake.fire();
    });
    try {
      await this.listening;
      return true;
    } catch (err) {
      this.listening = undefined;
      this.logger.warn({ err: describeError(err) }, "cannot listen for chat turn chunks; resumes poll instead");
      return false;
    }
  }

  /** Stops listening (on shutdown). */
  async close(): Promise<void> {
    const stop = await this.listening?.catch(() => undefined);
    this.listening = undefined;
    await stop?.();
  }

  /** Registers a turn that has just been stored as running on this replica. */
  open(id: string, userId: string, conversationId: string): LiveTurn {
    const turn = new LiveTurn(id, userId, conversationId, this.repo, this.logger);
    this.live.set(id, turn);
    this.heartbeat ??= setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3)));
    return turn;
  }

  /** Runs `work` (which ends the turn in the database) as this replica's; `drain()` waits for it. */
  track(turn: LiveTurn, work: Promise<void>): void {
    const done = work
      .catch((err: unknown) => this.logger.error({ err: describeError(err), turnId: turn.id }, "a chat turn failed to end cleanly"))
      .finally(() => {
        turn.end();
        this.live.delete(turn.id);
        this.running.delete(done);
        if (this.live.size === 0 && this.heartbeat) {
          clearInterval(this.heartbeat);
          this.heartbeat = undefined;
        }
      });
    this.running.add(done);
  }

  local(id: string): LiveTurn | undefined {
    return this.live.get(id);
  }

  get size(): number {
    return this.live.size;
  }

  /** Resolves when every turn running on this replica has ended (and been stored). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async renew(): Promise<void> {
    try {
      const stop = await this.repo.renew([...this.live.keys()], this.leaseMs);
      for (const id of stop) this.live.get(id)?.stopper.abort();
    } catch (err) {
      this.logger.warn({ err: describeError(err) }, "failed to renew chat turn leases");
    }
  }

  /**
   * A turn running on another replica (or one that already ended), followed through the
   * database: the chunks after `afterSeq` as they are written, until the turn is no longer running
   * (its lease running out counts: then it is marked interrupted, and the stream just ends).
   */
  followStored(turnId: string, afterSeq = -1): ReadableStream<Uint8Array> {
    const repo = this.repo;
    let next = afterSeq + 1;
    let cancelled = false;
    const wake = new Wake();
    let pollMs: number | undefined;
    const follow = async () => {
      let set = this.followers.get(turnId);
      if (!set) this.followers.set(turnId, (set = new Set()));
      set.add(wake);
      pollMs = (await this.startListening()) ? this.resumePollMs : POLL_MS;
    };
    const unfollow = () => {
      const set = this.followers.get(turnId);
      set?.delete(wake);
      if (set?.size === 0) this.followers.delete(turnId);
      wake.fire();
    };
    const emit = (controller: ReadableStreamDefaultController<Uint8Array>, rows: { seq: number; chunk: unknown }[]) => {
      let out = "";
      for (const row of rows) {
        // Rows come in seq order from `next` on, without gaps: a batch is written whole or not at all.
        if (row.seq !== next) break;
        out += event(row.seq, row.chunk);
        next += 1;
      }
      if (out) controller.enqueue(encoder.encode(out));
      return out !== "";
    };
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        // Following before the first read: a notification from then on is not missed.
        if (pollMs === undefined) await follow();
        try {
          await read(controller);
        } catch (err) {
          unfollow();
          throw err;
        }
      },
      cancel: () => {
        cancelled = true;
        unfollow();
      },
    });
    async function read(controller: ReadableStreamDefaultController<Uint8Array>) {
      for (;;) {
        if (cancelled) return;
        wake.reset();
        if (emit(controller, await repo.chunksAfter(turnId, next - 1))) return;
        const turn = await repo.find(turnId);
        if (turn?.state !== "running") {
          // A turn's chunks are all written before it ends: read once more, then the stream is whole.
          emit(controller, await repo.chunksAfter(turnId, next - 1));
          controller.enqueue(encoder.encode(DONE));
          controller.close();
          unfollow();
          return;
        }
        await wake.wait(pollMs!);
      }
    }
  }
}
