/**
 * Live delivery to open event streams on every replica. A stored notification is announced with
 * NOTIFY (in the transaction that stores it); each replica LISTENs once, and when a person it
 * holds streams for is named, reads that notification (scoped to that person) and hands it to
 * those streams. PostgreSQL and the embedded PGlite both speak LISTEN/NOTIFY, so one code path.
 */
import type { Notification } from "@todo/contracts";
import type { DatabaseHandle } from "../db/client.ts";
import type { Logger } from "../logger.ts";
import { NOTIFICATION_CHANNEL, type NotificationsRepository } from "./notifications.repository.ts";

export type StreamListener = (n: Notification) => void;

export class NotificationHub {
  private readonly streams = new Map<string, Set<StreamListener>>();
  private readonly closers = new Set<() => void>();
  private listening: Promise<() => Promise<void>> | undefined;
  private closed = false;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly repository: NotificationsRepository,
    private readonly logger: Logger,
  ) {}

  /** Starts listening (once; the first stream does it). */
  start(): Promise<void> {
    this.listening ??= this.database.listen(NOTIFICATION_CHANNEL, (payload) => void this.announced(payload));
    this.listening.catch(() => {
      this.listening = undefined;
    });
    return this.listening.then(() => undefined);
  }

  /** How many streams this replica holds open. */
  get size(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }

  /**
   * Registers a person's open stream: `listener` gets each of their notifications, `close` is
   * called when this replica shuts down. Returns how to unregister.
   */
  subscribe(userId: string, listener: StreamListener, close: () => void): () => void {
    if (this.closed) {
      close();
      return () => undefined;
    }
    let set = this.streams.get(userId);
    if (!set) this.streams.set(userId, (set = new Set()));
    set.add(listener);
    this.closers.add(close);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.streams.get(userId) === set) this.streams.delete(userId);
      this.closers.delete(close);
    };
  }

  private async announced(payload: string): Promise<void> {
    let message: { userId?: unknown; id?: unknown };
    try {
      message = JSON.parse(payload);
    } catch {
      return;
    }
    if (typeof message.userId !== "string" || typeof message.id !== "string") return;
    const listeners = this.streams.get(message.userId);
    if (!listeners?.size) return;
    try {
      const notification = await this.repository.get(message.userId, message.id);
      if (!notification) return;
      for (const listener of [...listeners]) listener(notification);
    } catch (err) {
      this.logger.warn({ err: { type: (err as Error)?.name } }, "reading an announced notification failed");
    }
  }

  /** Ends every open stream (their browsers reconnect to another replica) and stops listening. */
  async close(): Promise<void> {
    this.closed = true;
    for (const close of [...this.closers]) close();
    this.closers.clear();
    this.streams.clear();
    const stop = await this.listening?.catch(() => undefined);
    await stop?.();
  }
}
