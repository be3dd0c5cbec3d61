/**
 * The chat's screens classify errors by code, never by wording: each message below is reworded
 * into text that says nothing of its kind, and the classification stays.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Message } from "@todo/contracts";
import { chatErrorKind } from "./chat-errors.ts";
import { summarizeToolCall, toUIMessages } from "./chat-messages.ts";

const REWORDED = "Lorem ipsum dolor sit amet";

test("a chat error's kind comes from its code, whatever its message says", () => {
  assert.equal(chatErrorKind({ code: "model_unavailable", message: REWORDED }), "model-down");
  assert.equal(chatErrorKind({ code: "model_rate_limited", message: REWORDED }), "model-busy");
  assert.equal(chatErrorKind({ code: "rate_limited", message: REWORDED }), "rate-limited");
  assert.equal(chatErrorKind({ code: "backend_unavailable", message: REWORDED }), "offline");
  assert.equal(chatErrorKind({ code: "network_error", message: REWORDED }), "offline");
  assert.equal(chatErrorKind({ code: "unauthorized", message: REWORDED }), "signed-out");
  assert.equal(chatErrorKind({ code: "interrupted", message: REWORDED }), "interrupted");
  assert.equal(chatErrorKind({ code: "model_timeout", message: REWORDED }), "model-slow");
  // The old wording no longer decides anything.
  assert.equal(chatErrorKind({ code: "internal_error", message: "the assistant's model is unavailable right now" }), "other");
});

test("a failed tool call's card is classified by its code, live and after a reload, whatever its message says", () => {
  const live = {
    toolName: "complete_task",
    state: "output-available",
    output: { isError: true, content: [{ type: "text", text: REWORDED }], structuredContent: { error: { code: "ambiguous", message: REWORDED } } },
  };
  const stored: Message = {
    id: "00000000-0000-4000-8000-000000000001",
    role: "assistant",
    content: "",
    createdAt: new Date(0).toISOString(),
    toolCalls: [
      { name: "complete_task", arguments: { match: "milk" }, isError: true, text: REWORDED, result: { error: { code: "ambiguous", message: REWORDED } } },
    ],
  };
  const reloaded = toUIMessages([stored])[0]!.parts[0] as unknown as Parameters<typeof summarizeToolCall>[0];
  for (const [when, part] of [
    ["live", live],
    ["after reload", reloaded],
  ] as const) {
    const summary = summarizeToolCall(part);
    assert.equal(summary.status, "error", when);
    assert.equal(summary.code, "ambiguous", when);
    assert.equal(summary.label, "Several tasks match", when);
    assert.equal(summary.detail, REWORDED, `${when}: the message is shown as it is`);
  }
});
