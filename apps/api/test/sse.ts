/** Reads a UI-message SSE stream event by event: each event's id (its chunk number) and chunk. */
export interface StreamEvent {
  id: number | undefined;
  chunk: { type: string; [key: string]: unknown };
}

/** Reads a UI-message SSE stream event by event; returning early (`return()`) cancels the body, as a client going away does. */
export async function* readSse(res: Response): AsyncGenerator<StreamEvent> {
  const reader = res.body!.getReader();
  try {
    yield* events(reader);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

async function* events(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<StreamEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: number | undefined;
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("id: ")) id = Number(line.slice(4));
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (!data) continue;
      if (data === "[DONE]") return;
      yield { id, chunk: JSON.parse(data) };
    }
  }
}

/** The text a list of chunks says. */
export const textOf = (events: StreamEvent[]) => events.map((e) => (e.chunk.type === "text-delta" ? String(e.chunk.delta) : "")).join("");
