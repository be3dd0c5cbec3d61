/** The chat stream as the browser reads it: SSE events out of a byte stream, folded into one message. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { UIMessageChunk } from "ai";
import { type ChatMessage, summarizeToolCall } from "./chat-messages.ts";
import { applyChunk, applyToEarlier, expireApprovals, readEvents } from "./chat-stream.ts";

/** A body that arrives in the given pieces, as a network delivers it. */
function body(...pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
}

async function events(stream: ReadableStream<Uint8Array>): Promise<UIMessageChunk[]> {
  const out: UIMessageChunk[] = [];
  for await (const event of readEvents(stream)) out.push(event);
  return out;
}

function fold(chunks: UIMessageChunk[]): ChatMessage {
  const open = new Map();
  return chunks.reduce((message, chunk) => applyChunk(message, chunk, open), { id: "local", role: "assistant", parts: [] } as ChatMessage);
}

describe("readEvents", () => {
  it("yields each data event's JSON, however the bytes are split", async () => {
    const sse = 'data: {"type":"start"}\n\ndata: {"type":"text-start","id":"t"}\n\n';
    const whole = await events(body(sse));
    assert.deepEqual(whole, [{ type: "start" }, { type: "text-start", id: "t" }]);
    // Split inside a line, inside the JSON and between the two newlines that end an event.
    assert.deepEqual(await events(body(sse.slice(0, 7), sse.slice(7, 20), sse.slice(20, 22), sse.slice(22))), whole);
    // One byte at a time, through a multi-byte character.
    const accented = 'data: {"type":"text-delta","id":"t","delta":"café ✓"}\n\n';
    const bytes = new TextEncoder().encode(accented);
    const oneByte = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const b of bytes) controller.enqueue(new Uint8Array([b]));
        controller.close();
      },
    });
    assert.deepEqual(await events(oneByte), [{ type: "text-delta", id: "t", delta: "café ✓" }]);
  });

  it("accepts CRLF line ends, joins multi-line data and ignores comments and other fields", async () => {
    const sse = ': keep-alive\r\nevent: message\r\ndata: {"type":\r\ndata: "finish"}\r\n\r\n';
    assert.deepEqual(await events(body(sse)), [{ type: "finish" }]);
  });

  it("stops at [DONE], and an event without its closing blank line is not yielded", async () => {
    assert.deepEqual(await events(body('data: {"type":"start"}\n\ndata: [DONE]\n\ndata: {"type":"finish"}\n\n')), [{ type: "start" }]);
    assert.deepEqual(await events(body('data: {"type":"start"}\n\ndata: {"type":"fin')), [{ type: "start" }]);
  });
});

describe("applyChunk", () => {
  it("builds the reply's text from its deltas and takes the server's message id and metadata", () => {
    const message = fold([
      { type: "start", messageId: "srv-1", messageMetadata: { conversationId: "c1" } },
      { type: "start-step" },
      { type: "text-start", id: "t" },
      { type: "text-delta", id: "t", delta: "Added " },
      { type: "text-delta", id: "t", delta: "#3." },
      { type: "text-end", id: "t" },
      { type: "finish-step" },
      { type: "finish" },
    ]);
    assert.equal(message.id, "srv-1");
    assert.deepEqual(message.metadata, { conversationId: "c1" });
    assert.deepEqual(message.parts, [{ type: "step-start" }, { type: "text", text: "Added #3.", state: "done" }]);
  });

  it("follows a tool call from its input to its output, in place", () => {
    const message = fold([
      { type: "tool-input-start", toolCallId: "call-1", toolName: "add_task", dynamic: true },
      { type: "tool-input-available", toolCallId: "call-1", toolName: "add_task", input: { title: "Buy milk" }, dynamic: true },
      { type: "tool-output-available", toolCallId: "call-1", output: { task: { number: 3 } }, dynamic: true },
      { type: "tool-input-start", toolCallId: "call-2", toolName: "delete_task", dynamic: true },
      { type: "tool-input-available", toolCallId: "call-2", toolName: "delete_task", input: { number: 9 }, dynamic: true },
      { type: "tool-output-error", toolCallId: "call-2", errorText: "no task #9", dynamic: true },
    ]);
    assert.deepEqual(message.parts, [
      {
        type: "dynamic-tool",
        toolName: "add_task",
        toolCallId: "call-1",
        state: "output-available",
        input: { title: "Buy milk" },
        output: { task: { number: 3 } },
      },
      { type: "dynamic-tool", toolName: "delete_task", toolCallId: "call-2", state: "output-error", input: { number: 9 }, errorText: "no task #9" },
    ]);
  });

  it("ignores deltas and outputs for parts it never saw", () => {
    const message = fold([
      { type: "text-delta", id: "nope", delta: "lost" },
      { type: "tool-output-available", toolCallId: "nope", output: {}, dynamic: true },
    ]);
    assert.deepEqual(message.parts, []);
  });

  it("an error chunk leaves what arrived in place (the hook reports the error with its code)", () => {
    const before = fold([
      { type: "text-start", id: "t" },
      { type: "text-delta", id: "t", delta: "Adding" },
    ]);
    const after = fold([
      { type: "text-start", id: "t" },
      { type: "text-delta", id: "t", delta: "Adding" },
      { type: "error", errorText: "the assistant is busy" },
    ]);
    assert.deepEqual(after, before);
  });
});

describe("approvals in the stream", () => {
  const descriptor = {
    id: "ap1",
    state: "requested",
    toolCallId: "c1",
    description: "Delete #3 “Buy milk”",
    tasks: [{ number: 3, title: "Buy milk" }],
    total: 1,
  };
  const asked = fold([
    { type: "start", messageId: "m1" },
    { type: "tool-input-start", toolCallId: "c1", toolName: "delete_task", dynamic: true },
    { type: "tool-input-available", toolCallId: "c1", toolName: "delete_task", input: { number: 3 }, dynamic: true },
    { type: "tool-approval-request", approvalId: "ap1", toolCallId: "c1", approvalDescriptor: descriptor },
    { type: "finish" },
  ]);

  it("a tool-approval-request makes the card ask, with what it will change", () => {
    const part = asked.parts.find((p) => p.type === "dynamic-tool");
    assert.equal(part?.state, "approval-requested");
    assert.deepEqual(part?.approval, { id: "ap1", descriptor });
  });

  it("the turn that goes on from the answer updates the card in the earlier message, not the new one", () => {
    const conversation: ChatMessage[] = [{ id: "u1", role: "user", parts: [{ type: "text", text: "delete the milk" }] }, asked];
    const ran = applyToEarlier(conversation, { type: "tool-output-available", toolCallId: "c1", output: { content: [], structuredContent: {} } });
    const part = ran?.[1]?.parts.find((p) => p.type === "dynamic-tool");
    assert.equal(part?.state, "output-available");
    assert.equal(part?.approval?.id, "ap1", "it keeps its approval");
    const denied = applyToEarlier(conversation, { type: "tool-output-denied", toolCallId: "c1" });
    assert.equal(denied?.[1]?.parts.find((p) => p.type === "dynamic-tool")?.state, "output-denied");
    assert.equal(applyToEarlier(conversation, { type: "tool-output-denied", toolCallId: "other" }), undefined);
    assert.equal(applyToEarlier(conversation, { type: "text-delta", id: "t", delta: "x" }), undefined);
  });

  it("a new message lets the cards still asking expire, as the server records them", () => {
    const [, expired] = expireApprovals([{ id: "u1", role: "user", parts: [] }, asked]);
    const part = expired?.parts.find((p) => p.type === "dynamic-tool");
    assert.equal(part?.state, "output-denied");
    assert.equal(summarizeToolCall(part!).label, "Not approved: the conversation moved on");
  });
});
