/** The chat history grouped by date, and its search. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { groupConversations, historyGroupOf, searchConversations } from "./conversation-groups.ts";

const now = new Date("2026-03-10T09:00:00Z");

describe("chat history", () => {
  it("groups by calendar day of last activity: Today, Yesterday, Last 7 days, Older", () => {
    assert.equal(historyGroupOf("2026-03-10T00:30:00Z", now, "UTC"), "Today");
    assert.equal(historyGroupOf("2026-03-09T23:59:00Z", now, "UTC"), "Yesterday");
    assert.equal(historyGroupOf("2026-03-04T12:00:00Z", now, "UTC"), "Last 7 days");
    assert.equal(historyGroupOf("2026-03-03T12:00:00Z", now, "UTC"), "Older");
    assert.equal(historyGroupOf("2025-12-31T12:00:00Z", now, "UTC"), "Older");
  });

  it("days are the person's: 23:30 UTC yesterday is today in Tokyo", () => {
    assert.equal(historyGroupOf("2026-03-09T23:30:00Z", now, "UTC"), "Yesterday");
    assert.equal(historyGroupOf("2026-03-09T23:30:00Z", now, "Asia/Tokyo"), "Today");
  });

  it("returns only non-empty groups, in order, keeping the list's order inside each", () => {
    const list = [
      { id: "a", updatedAt: "2026-03-10T08:00:00Z" },
      { id: "b", updatedAt: "2026-03-10T07:00:00Z" },
      { id: "c", updatedAt: "2026-03-06T07:00:00Z" },
      { id: "d", updatedAt: "2026-01-06T07:00:00Z" },
    ];
    assert.deepEqual(
      groupConversations(list, now, "UTC").map((g) => [g.label, g.conversations.map((c) => c.id)]),
      [
        ["Today", ["a", "b"]],
        ["Last 7 days", ["c"]],
        ["Older", ["d"]],
      ],
    );
    assert.deepEqual(groupConversations([], now), []);
  });

  it("search matches every word of the query in the title, in any case", () => {
    const list = [{ title: "Add buy milk tomorrow" }, { title: "What's left" }, { title: "Groceries for the week" }];
    assert.deepEqual(
      searchConversations(list, "MILK").map((c) => c.title),
      ["Add buy milk tomorrow"],
    );
    assert.deepEqual(
      searchConversations(list, "the week").map((c) => c.title),
      ["Groceries for the week"],
    );
    assert.equal(searchConversations(list, "  ").length, 3);
    assert.deepEqual(searchConversations(list, "zzz"), []);
  });
});
