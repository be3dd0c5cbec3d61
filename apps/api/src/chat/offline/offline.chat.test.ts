import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildApp, pgliteDriver, signUp, type TestDatabase } from "../../../test/support.ts";

// The offline assistant's new understanding through the real app: several tasks from one message,
// follow-ups resolved from the stored conversation, counts and "what next" answered from list_tasks.
// (Understanding is the same on any database; the corpus test covers the phrasings.)
const clock = () => new Date("2026-11-22T09:00:00Z");

describe("the offline assistant in a conversation", () => {
  let db: TestDatabase;
  let app: ReturnType<typeof buildApp>["app"];
  before(async () => {
    db = await pgliteDriver.create();
    app = buildApp(db.handle, { clock }).app;
  });
  after(() => db.dispose());

  test("several tasks at once, follow-ups about the task just mentioned, counts and what to do next", async () => {
    const me = await signUp(app);
    const say = async (message: string, conversationId?: string) => {
      const res = await me.post("/api/chat", { message, timeZone: "Europe/Paris", ...(conversationId ? { conversationId } : {}) });
      assert.equal(res.status, 200, message);
      return res.body as { conversationId: string; reply: string; toolCalls: { name: string; arguments: Record<string, unknown> }[] };
    };

    const three = await say("add eggs, bread and milk #shopping");
    const id = three.conversationId;
    // One add_task call for the list: one change, which one "undo" reverts.
    assert.deepEqual(
      three.toolCalls.map((c) => [c.arguments.title, c.arguments.more]),
      [["Eggs", ["Bread", "Milk"]]],
    );
    assert.match(three.reply, /Added 3 tasks:\n• #1 Eggs[\s\S]*#2 Bread[\s\S]*#3 Milk/);

    // "it" is the task the last reply named, read back from the stored conversation.
    await say("add finish the report by friday, it's urgent", id);
    const moved = await say("actually make it tomorrow", id);
    assert.deepEqual(moved.toolCalls[0]!.arguments, { number: 4, changes: { dueDate: "2026-11-23" } });
    const report = (await me.get("/api/tasks/me")).body.find((t: { number: number }) => t.number === 4);
    assert.deepEqual([report.title, report.priority, report.dueDate], ["Finish the report", "high", "2026-11-23"]);
    await say("complete 2", id);

    const count = await say("how many tasks are left?", id);
    assert.equal(count.reply, "You have 3 open tasks.");
    const next = await say("what should I do next?", id);
    assert.match(next.reply, /^Next up: #4 “Finish the report” \(high · due tomorrow\)\.\nAfter that:\n• #3 Milk[^\n]*\n• #1 Eggs/);
    assert.doesNotMatch(next.reply, /Bread/, "done tasks are not next");

    // After a list of several, "it" is not clear: the assistant asks, and nothing changes.
    const which = await say("delete it", id);
    assert.deepEqual(which.toolCalls, []);
    assert.match(which.reply, /Which task do you mean/);
    assert.equal((await me.get("/api/tasks/me")).body.length, 4);

    const finished = await say("what did I finish?", id);
    assert.deepEqual(finished.toolCalls[0]!.arguments, { status: "completed" });
    assert.match(finished.reply, /You've finished 1 task: ✓ #2 Bread/);
    const unsure = await say("what did I finish yesterday?", id);
    assert.deepEqual(unsure.toolCalls, []);
    assert.match(unsure.reply, /not sure[\s\S]*“show done tasks”/);
  });
});
