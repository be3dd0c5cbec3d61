/** A shortcut key never fires while the person types in a field. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isTypingTarget, TASK_SHORTCUTS } from "./shortcuts.ts";

const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, ...extra }) as unknown as EventTarget;

describe("keyboard shortcuts", () => {
  it("text fields, text areas, selects and editable content take the key", () => {
    for (const type of ["text", "search", "date", "email", "TEXT"]) assert.equal(isTypingTarget(el("INPUT", { type })), true, type);
    assert.equal(isTypingTarget(el("TEXTAREA")), true);
    assert.equal(isTypingTarget(el("SELECT")), true);
    assert.equal(isTypingTarget(el("DIV", { isContentEditable: true })), true);
  });

  it("a checkbox, a button, a row or the page leave the key to the shortcuts", () => {
    assert.equal(isTypingTarget(el("INPUT", { type: "checkbox" })), false);
    assert.equal(isTypingTarget(el("BUTTON")), false);
    assert.equal(isTypingTarget(el("LI")), false);
    assert.equal(isTypingTarget(el("BODY", { isContentEditable: false })), false);
    assert.equal(isTypingTarget(null), false);
  });

  it("the list in the ? dialog names every key the page answers", () => {
    const keys = TASK_SHORTCUTS.flatMap((s) => s.keys);
    for (const key of ["q", "n", "/", "↓", "↑", "x", "e", "Del", "Space", "Esc", "?"]) assert.ok(keys.includes(key as never), key);
  });
});
