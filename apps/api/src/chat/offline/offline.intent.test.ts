import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseIntent, type Intent } from "./offline.intent.ts";
import { describeDate, localDate } from "./offline.dates.ts";
import { plainReply } from "./offline.reply.ts";

// Sunday 22 November 2026, 10:00 in Paris.
const now = new Date("2026-11-22T09:00:00Z");
const ctx = { now, timeZone: "Europe/Paris", today: "2026-11-22" };
const parse = (text: string) => parseIntent(text, ctx);

describe("offline assistant: understanding", () => {
  const cases: [string, Intent][] = [
    ["add buy milk for tomorrow, high priority", { kind: "add", args: { title: "Buy milk", priority: "high", dueDate: "2026-11-23" } }],
    ["add buy milk tomorrow, high priority", { kind: "add", args: { title: "Buy milk", priority: "high", dueDate: "2026-11-23" } }],
    ["Add a task to call mom on friday", { kind: "add", args: { title: "Call mom", dueDate: "2026-11-27" } }],
    ["remind me to pay rent by dec 5 #home", { kind: "add", args: { title: "Pay rent", dueDate: "2026-12-05", tags: ["home"] } }],
    ["new task: file taxes, urgent, tagged finance and home", { kind: "add", args: { title: "File taxes", priority: "high", tags: ["finance", "home"] } }],
    ["add low fat milk", { kind: "add", args: { title: "Low fat milk" } }],
    ["add water plants in 3 days with low priority", { kind: "add", args: { title: "Water plants", priority: "low", dueDate: "2026-11-25" } }],
    ["what's left?", { kind: "list", args: { status: "pending" } }],
    ["What do I have today?", { kind: "list", args: { status: "pending", dueBefore: "2026-11-22", sort: "due" } }],
    ["show my tasks", { kind: "list", args: { status: "all" } }],
    ["show done tasks", { kind: "list", args: { status: "completed" } }],
    ["list tasks tagged work", { kind: "list", args: { status: "all", tag: "work" } }],
    ["show #work tasks", { kind: "list", args: { status: "all", tag: "work" } }],
    ["anything overdue?", { kind: "list", args: { status: "pending", dueBefore: "2026-11-21" } }],
    ["show high priority tasks", { kind: "list", args: { status: "all", priority: "high" } }],
    ["I'm done with the milk", { kind: "complete", args: { match: "milk" } }],
    ["complete 3", { kind: "complete", args: { number: 3 } }],
    ["mark #4 as done", { kind: "complete", args: { number: 4 } }],
    ["finished the report", { kind: "complete", args: { match: "report" } }],
    ["the report is done", { kind: "complete", args: { match: "report" } }],
    ["check off task 2", { kind: "complete", args: { number: 2 } }],
    ["delete the meeting task", { kind: "delete", args: { match: "meeting" } }],
    ["remove 7", { kind: "delete", args: { number: 7 } }],
    ["reopen 3", { kind: "update", args: { number: 3, changes: { completed: false } } }],
    ["mark the milk as not done", { kind: "update", args: { match: "milk", changes: { completed: false } } }],
    ["rename 2 to Call the bank", { kind: "update", args: { number: 2, changes: { title: "Call the bank" } } }],
    ["move the milk to friday", { kind: "update", args: { match: "milk", changes: { dueDate: "2026-11-27" } } }],
    ["make 2 low priority", { kind: "update", args: { number: 2, changes: { priority: "low" } } }],
    ["set priority of the report to high", { kind: "update", args: { match: "report", changes: { priority: "high" } } }],
    [
      "update 3: high priority, due friday, #work",
      { kind: "update", args: { number: 3, changes: { priority: "high", dueDate: "2026-11-27", tags: ["work"] } } },
    ],
    ["clear the due date of 3", { kind: "update", args: { number: 3, changes: { dueDate: null } } }],
    ["what can you do?", { kind: "help" }],
    ["help", { kind: "help" }],
    ["hello!", { kind: "greeting" }],
    ["thanks", { kind: "thanks" }],
    ["add", { kind: "unclear", reason: "empty-add" }],
    ["the weather is nice", { kind: "unclear", reason: "unknown" }],
    ["la la la", { kind: "unclear", reason: "unknown" }],
    // Another language is told so, not answered as if it were English nonsense.
    ["ajoute du lait demain", { kind: "unclear", reason: "not-english" }],
    ["añade leche", { kind: "unclear", reason: "not-english" }],
    ["Füge Milch für morgen hinzu", { kind: "unclear", reason: "not-english" }],
    ["aggiungi latte domani", { kind: "unclear", reason: "not-english" }],
    ["добавь молоко на завтра", { kind: "unclear", reason: "not-english" }],
    ["牛乳を買うを追加", { kind: "unclear", reason: "not-english" }],
  ];
  for (const [text, expected] of cases) {
    test(`"${text}"`, () => assert.deepEqual(parse(text), expected));
  }
});

describe("offline assistant: another language", () => {
  test("the reply says it understands English, and that a configured model speaks more", () => {
    const reply = plainReply(parse("ajoute du lait demain"));
    assert.match(reply, /only understand English/);
    assert.match(reply, /language model configured/);
    assert.match(reply, /more languages/);
    assert.doesNotMatch(plainReply(parse("the weather is nice")), /English/);
  });
});

describe("offline assistant: dates", () => {
  test("today is the person's day, not the server's", () => {
    const lateEvening = new Date("2026-11-22T23:30:00Z");
    assert.equal(localDate(lateEvening, "UTC"), "2026-11-22");
    assert.equal(localDate(lateEvening, "Asia/Tokyo"), "2026-11-23");
    assert.equal(localDate(lateEvening, "America/Los_Angeles"), "2026-11-22");
    const tomorrowInTokyo = parseIntent("add call home tomorrow", { now: lateEvening, timeZone: "Asia/Tokyo", today: "2026-11-23" });
    assert.deepEqual(tomorrowInTokyo, { kind: "add", args: { title: "Call home", dueDate: "2026-11-24" } });
  });

  test("friendly labels", () => {
    assert.equal(describeDate("2026-11-22", "2026-11-22"), "today");
    assert.equal(describeDate("2026-11-23", "2026-11-22"), "tomorrow");
    assert.equal(describeDate("2026-11-27", "2026-11-22"), "Fri");
    assert.equal(describeDate("2026-12-05", "2026-11-22"), "5 Dec");
    assert.equal(describeDate("2027-01-03", "2026-11-22"), "3 Jan 2027");
    // The same month names whatever the ICU version (en-GB's September is "Sept" in newer ones).
    assert.equal(describeDate("2027-09-07", "2026-11-22"), "7 Sep 2027");
  });
});
