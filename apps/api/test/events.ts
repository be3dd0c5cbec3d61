/** Reads a server-sent events stream as its events (named ones, ids, comments), for the notification stream's tests. */
export interface SseEvent {
  event: string;
  id: string | undefined;
  data: string;
  /** A comment line (": heartbeat") rather than an event. */
  comment?: string;
}

export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = "";

  constructor(res: Response) {
    if (!res.body) throw new Error("response has no body");
    this.reader = res.body.getReader();
  }

  /** The next event or comment; undefined when the stream ended. */
  async next(): Promise<SseEvent | undefined> {
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event: SseEvent = { event: "message", id: undefined, data: "" };
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) event.comment = line.slice(1).trim();
          else if (line.startsWith("event: ")) event.event = line.slice(7);
          else if (line.startsWith("id: ")) event.id = line.slice(4);
          else if (line.startsWith("data: ")) event.data += line.slice(6);
        }
        return event;
      }
      const { value, done } = await this.reader.read();
      if (done) return undefined;
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** The next event named `name`, skipping others (ready, heartbeats). */
  async nextNamed(name: string): Promise<SseEvent | undefined> {
    for (;;) {
      const e = await this.next();
      if (!e || (!e.comment && e.event === name)) return e;
    }
  }

  close(): Promise<void> {
    return this.reader.cancel().catch(() => undefined);
  }
}
