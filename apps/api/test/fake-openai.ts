/**
 * A fake OpenAI-compatible chat-completions server on 127.0.0.1: the one boundary tests script.
 * Each response is decided by a handler from the request; it answers plain JSON or SSE (stream: true).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatCompletionRequest {
  model: string;
  stream?: boolean;
  messages: { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; description?: string; parameters: unknown } }[];
}

export type Scripted =
  /**
   * `wordDelayMs`: a slow model, streaming one word at a time (stream: true only); `hold` pauses
   * the stream after `hold.afterWords` words until `hold.until` resolves.
   */
  | { text: string; wordDelayMs?: number; hold?: { afterWords: number; until: Promise<void> } }
  | { toolCalls: { name: string; arguments: Record<string, unknown> }[] }
  | { status: number; error: string };

export interface FakeOpenAI {
  baseURL: string;
  requests: ChatCompletionRequest[];
  close(): Promise<void>;
}

export async function startFakeOpenAI(respond: (req: ChatCompletionRequest, index: number) => Scripted | Promise<Scripted>): Promise<FakeOpenAI> {
  const requests: ChatCompletionRequest[] = [];
  let counter = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatCompletionRequest;
    requests.push(body);
    const out = await respond(body, requests.length - 1);
    const id = `chatcmpl-${++counter}`;
    const created = Math.floor(Date.now() / 1000);
    if ("status" in out) {
      res.writeHead(out.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: out.error, type: "test_error" } }));
      return;
    }
    const toolCalls =
      "toolCalls" in out
        ? out.toolCalls.map((tc, i) => ({
            id: `call_${counter}_${i}`,
            type: "function",
            function: { name: tc.name, arguments: JSON.stringify(tc.arguments) },
          }))
        : undefined;
    const finish = toolCalls ? "tool_calls" : "stop";
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    if (!body.stream) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created,
          model: body.model,
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: "text" in out ? out.text : null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
              finish_reason: finish,
            },
          ],
          usage,
        }),
      );
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = (delta: unknown, finish_reason: string | null = null, extra = {}) =>
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason }], ...extra })}\n\n`,
      );
    send({ role: "assistant", content: "" });
    if ("text" in out) {
      for (const [i, word] of out.text.split(/(?<= )/).entries()) {
        if (out.hold && i === out.hold.afterWords) await out.hold.until;
        if (out.wordDelayMs) await new Promise((r) => setTimeout(r, out.wordDelayMs));
        if (res.destroyed) return; // the backend went away (stopped, killed)
        send({ content: word });
      }
    }
    if (toolCalls) for (const [index, tc] of toolCalls.entries()) send({ tool_calls: [{ index, ...tc }] });
    send({}, finish, { usage });
    res.write("data: [DONE]\n\n");
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The last message's role, to tell the tool-call step from the reply step. */
export const lastRole = (req: ChatCompletionRequest) => req.messages.at(-1)?.role;
