import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { buildApp, Client, drivers, signUp, type TestDatabase } from "../../test/support.ts";
import { TOOL_HISTORY_TURNS, titleFrom, toModelMessages } from "./chat.service.ts";
import type { HistoryRow } from "./conversations.repository.ts";
import { lastRole, startFakeOpenAI, type FakeOpenAI } from "../../test/fake-openai.ts";

/** Reads an SSE UI-message stream into its JSON chunks (each event: an `id:` line, then its `data:`). */
async function readStream(res: Response): Promise<any[]> {
  const text = await res.text();
  return text
    .split("\n\n")
    .map((block) =>
      block
        .split("\n")
        .find((line) => line.startsWith("data: "))
        ?.slice(6)
        .trim(),
    )
    .filter((d): d is string => !!d && d !== "[DONE]")
    .map((d) => JSON.parse(d));
}

const clock = () => new Date("2026-11-22T09:00:00Z");

describe("a conversation's title", () => {
  test("is a short cleaned form of the first request, not the message as typed", () => {
    assert.equal(titleFrom("hey, can you please add buy milk tomorrow?"), "Add buy milk tomorrow");
    assert.equal(titleFrom("  what's   left?? "), "What's left");
    assert.equal(titleFrom("Hello!"), "Hello!");
    assert.equal(titleFrom("pls show done tasks please"), "Show done tasks");
    const long = titleFrom("add call the accountant about the quarterly VAT return and the missing invoices from March");
    assert.ok(Array.from(long).length <= 40, long);
    assert.match(long, /^Add call the accountant about the\b.*…$/);
    assert.equal(titleFrom("😀".repeat(60)), `${"😀".repeat(39)}…`, "never cut inside a surrogate pair");
  });
});

describe("the history a model is given", () => {
  const turn = (i: number, reply: string): HistoryRow[] => [
    { id: `u${i}`, role: "user", content: `question ${i}`, toolCalls: [] },
    { id: `a${i}`, role: "assistant", content: reply, toolCalls: [{ name: "list_tasks", arguments: { status: "pending" }, text: `answer ${i}` }] },
  ];

  test("every message, and the tool calls of the latest turns or of a reply without text", () => {
    const turns = 8;
    const rows = Array.from({ length: turns }, (_, i) => turn(i, i === 0 ? "" : `reply ${i}`)).flat();
    const messages = toModelMessages(rows);
    const said = messages.filter((m) => typeof m.content === "string").map((m) => m.content);
    assert.deepEqual(said, Array.from({ length: turns }, (_, i) => [`question ${i}`, ...(i === 0 ? [] : [`reply ${i}`])]).flat());
    const answered = messages.filter((m) => m.role === "tool").map((m) => JSON.stringify(m.content).match(/answer (\d)/)![1]);
    const latest = Array.from({ length: TOOL_HISTORY_TURNS }, (_, i) => String(turns - TOOL_HISTORY_TURNS + i));
    assert.deepEqual(answered, ["0", ...latest], "turn 0 keeps its tool call: its reply has no text");
    const calls = messages.filter((m) => m.role === "assistant" && Array.isArray(m.content));
    assert.equal(calls.length, answered.length, "each tool result follows its call");
  });
});

for (const driver of drivers) {
  describe(`the assistant on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle, { clock }).app;
    });
    after(() => db.dispose());

    test("the offline assistant acts through the MCP tools and the tasks really change", async () => {
      const me = await signUp(app);
      const added = await me.post("/api/chat", { message: "add buy milk tomorrow, high priority", timeZone: "Europe/Paris" });
      assert.equal(added.status, 200);
      assert.deepEqual(
        added.body.toolCalls.map((t: { name: string }) => t.name),
        ["add_task"],
      );
      assert.deepEqual(added.body.toolCalls[0].arguments, { title: "Buy milk", priority: "high", dueDate: "2026-11-23" });
      assert.equal(added.body.toolCalls[0].result.task.title, "Buy milk");
      assert.match(added.body.reply, /Added #1 “Buy milk” \(high · due tomorrow\)/);
      const conversationId = added.body.conversationId;

      const tasks = (await me.get("/api/tasks/me")).body;
      assert.equal(tasks.length, 1);
      assert.equal(tasks[0].priority, "high");
      assert.equal(tasks[0].dueDate, "2026-11-23");

      await me.post("/api/chat", { message: "add team meeting on friday #work", conversationId });
      const left = await me.post("/api/chat", { message: "what's left?", conversationId });
      // The reply sums up; the tasks themselves come on the tool's card (its result).
      assert.match(left.body.reply, /^You have 2 open tasks\b/);
      assert.doesNotMatch(left.body.reply, /Buy milk|Team meeting/, "the list is not said twice");
      assert.deepEqual(left.body.toolCalls[0].result.tasks.map((t: { number: number; title: string }) => `#${t.number} ${t.title}`).sort(), [
        "#1 Buy milk",
        "#2 Team meeting",
      ]);

      const done = await me.post("/api/chat", { message: "I'm done with the milk", conversationId });
      assert.equal(done.body.toolCalls[0].name, "complete_task");
      assert.match(done.body.reply, /“Buy milk” is done/);
      assert.equal((await me.get("/api/tasks?status=completed")).body.tasks[0].title, "Buy milk");

      const after = await me.post("/api/chat", { message: "what's left?", conversationId });
      assert.match(after.body.reply, /You have 1 open task: • #2 Team meeting/);
      assert.doesNotMatch(after.body.reply, /Buy milk/);

      // Deleting waits for the person's approval (chat.approval.test.ts), then runs.
      const asked = await me.post("/api/chat", { message: "delete the meeting task", conversationId });
      assert.equal(asked.body.pendingApprovals[0].description, "Delete #2 “Team meeting”");
      const removed = await me.post("/api/chat", { conversationId, approvals: [{ id: asked.body.pendingApprovals[0].id, approved: true }] });
      assert.match(removed.body.reply, /Deleted #2 “Team meeting”/);
      assert.equal((await me.get("/api/tasks?status=pending")).body.total, 0);

      const conversation = await me.get(`/api/conversations/${conversationId}`);
      assert.equal(conversation.body.title, "Add buy milk tomorrow, high priority");
      assert.equal(conversation.body.messages.length, 13, "six turns, each a user message and a reply, and the reply that went on from the approval");
      assert.deepEqual(
        conversation.body.messages.slice(0, 2).map((m: { role: string }) => m.role),
        ["user", "assistant"],
      );
      const stored = conversation.body.messages[1].toolCalls[0];
      assert.equal(stored.name, "add_task");
      assert.equal(stored.result.task.title, "Buy milk", "the structured result, for screens");
      assert.match(stored.text, /^Added #1 Buy milk · high · due 2026-11-23/, "and the tool's text answer, for the model");
    });

    test("a failed tool call is explained, not hidden", async () => {
      const me = await signUp(app);
      await me.post("/api/tasks", { title: "Team meeting" });
      await me.post("/api/tasks", { title: "Meeting notes" });
      const res = await me.post("/api/chat", { message: "delete the meeting task" });
      assert.equal(res.body.toolCalls[0].isError, true);
      assert.match(res.body.reply, /several tasks match "meeting": #1 Team meeting; #2 Meeting notes/);
      assert.equal((await me.get("/api/tasks/me")).body.length, 2, "nothing was deleted");
      const missing = await me.post("/api/chat", { message: "complete 42" });
      assert.match(missing.body.reply, /there is no task #42/);
    });

    test("help and hints need no tool", async () => {
      const me = await signUp(app);
      const help = await me.post("/api/chat", { message: "what can you do?" });
      assert.deepEqual(help.body.toolCalls, []);
      assert.match(help.body.reply, /add buy milk tomorrow/);
      const unclear = await me.post("/api/chat", { message: "the weather is nice" });
      assert.match(unclear.body.reply, /I can add, list, complete, update and delete tasks/);
    });

    test("the streaming variant speaks the AI SDK UI-message stream and stores the turn", async () => {
      const me = await signUp(app);
      const res = await app.request("/api/chat/stream", {
        method: "POST",
        headers: { authorization: `Bearer ${me.token}`, "content-type": "application/json" },
        body: JSON.stringify({ message: "add call mom friday" }),
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-vercel-ai-ui-message-stream"), "v1");
      assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
      const conversationId = res.headers.get("x-conversation-id");
      assert.ok(conversationId);
      const chunks = await readStream(res);
      const types = chunks.map((c) => c.type);
      assert.equal(chunks[0].type, "start");
      assert.equal(chunks[0].messageMetadata.conversationId, conversationId);
      for (const t of ["tool-input-available", "tool-output-available", "text-start", "text-delta", "finish"]) {
        assert.ok(types.includes(t), `stream has ${t}`);
      }
      assert.ok(types.indexOf("tool-output-available") < types.indexOf("text-start"), "tool progress comes before the reply");
      const output = chunks.find((c) => c.type === "tool-output-available");
      assert.equal(output.output.structuredContent.task.title, "Call mom", "the MCP result as it is");
      const text = chunks
        .filter((c) => c.type === "text-delta")
        .map((c) => c.delta)
        .join("");
      assert.match(text, /Added #1 “Call mom”/);
      assert.ok(chunks.filter((c) => c.type === "text-delta").length > 1, "the reply arrives in pieces");

      // Stored once the stream finished.
      let stored: Awaited<ReturnType<typeof me.get>> | undefined;
      for (let i = 0; i < 50; i++) {
        stored = await me.get(`/api/conversations/${conversationId}`);
        if (stored.status === 200) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(stored!.status, 200);
      assert.equal(stored!.body.messages[1].content, text);
      assert.equal(stored!.body.messages[1].toolCalls[0].name, "add_task");
    });

    test("conversations: list newest first, fetch, delete", async () => {
      const me = await signUp(app);
      const first = await me.post("/api/chat", { message: "hello" });
      const second = await me.post("/api/chat", { message: "what's left?" });
      const list = await me.get("/api/conversations");
      assert.deepEqual(
        list.body.conversations.map((c: { id: string }) => c.id),
        [second.body.conversationId, first.body.conversationId],
      );
      assert.equal((await me.delete(`/api/conversations/${first.body.conversationId}`)).status, 204);
      assert.equal((await me.get(`/api/conversations/${first.body.conversationId}`)).status, 404);
      assert.equal((await me.get("/api/conversations")).body.conversations.length, 1);
      const fresh = "0b7c2f4e-5a1d-4c3b-9e8f-7a6b5c4d3e2f";
      const started = await me.post("/api/chat", { message: "hi", conversationId: fresh });
      assert.equal(started.status, 200, "an id nobody stored yet starts a conversation under it");
      assert.equal(started.body.conversationId, fresh);
    });

    test("conversations: the server names a new one from its request, and the person can rename it", async () => {
      const me = await signUp(app);
      const first = await me.post("/api/chat", { message: "hey can you please add buy milk tomorrow!" });
      const second = await me.post("/api/chat", { message: "what's left?" });
      const path = `/api/conversations/${first.body.conversationId}`;
      assert.equal((await me.get(path)).body.title, "Add buy milk tomorrow");
      const renamed = await me.patch(path, { title: "  Groceries  " });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.title, "Groceries");
      assert.equal((await me.get(path)).body.title, "Groceries");
      const list = await me.get("/api/conversations");
      assert.deepEqual(
        list.body.conversations.map((c: { id: string; title: string }) => [c.id, c.title]),
        [
          [second.body.conversationId, "What's left"],
          [first.body.conversationId, "Groceries"],
        ],
        "renaming keeps the history's order",
      );
      for (const [body, message] of [
        [{ title: "   " }, /Give the conversation a name/],
        [{ title: "x".repeat(81) }, /at most 80/],
        [{}, /title/],
      ] as const) {
        const bad = await me.patch(path, body);
        assert.equal(bad.status, 400);
        assert.match(bad.body.error.message, message);
      }
      assert.equal((await me.get(path)).body.title, "Groceries", "a refused rename changes nothing");
      assert.equal((await me.patch("/api/conversations/0b7c2f4e-5a1d-4c3b-9e8f-7a6b5c4d3e2f", { title: "x" })).status, 404);
      assert.equal((await me.patch("/api/conversations/not-an-id", { title: "x" })).status, 400);
    });

    describe("with a real model over an OpenAI-compatible API (a fake server on 127.0.0.1)", () => {
      let fake: FakeOpenAI;
      let failing: FakeOpenAI;
      before(async () => {
        fake = await startFakeOpenAI((req) => {
          if (lastRole(req) === "tool") return { text: "Done — I added Buy oat milk for you." };
          const user = JSON.stringify(req.messages.at(-1)?.content);
          if (user.includes("oat milk")) {
            return { toolCalls: [{ name: "add_task", arguments: { title: "Buy oat milk", priority: "high" } }] };
          }
          if (user.includes("what's left")) return { toolCalls: [{ name: "list_tasks", arguments: { status: "pending" } }] };
          return { text: "Hello from the model." };
        });
        failing = await startFakeOpenAI((req) =>
          JSON.stringify(req.messages).includes("busy") ? { status: 429, error: "slow down" } : { status: 500, error: "boom: internal" },
        );
      });
      after(async () => {
        await fake.close();
        await failing.close();
      });
      const modelAt = (baseURL: string) => createOpenAICompatible({ name: "fake", baseURL, apiKey: "test-key" }).chatModel("fake-model");

      test("tool call → MCP tool → result → final text", async () => {
        const modelApp = buildApp(db.handle, { model: modelAt(fake.baseURL), clock }).app;
        const me = await signUp(modelApp);
        const before = fake.requests.length;
        const res = await me.post("/api/chat", { message: "please add oat milk, it's urgent" });
        assert.equal(res.status, 200);
        assert.equal(res.body.reply, "Done — I added Buy oat milk for you.");
        assert.deepEqual(res.body.toolCalls[0].arguments, { title: "Buy oat milk", priority: "high" });
        assert.equal((await me.get("/api/tasks/me")).body[0].title, "Buy oat milk");

        const [first, second] = fake.requests.slice(before);
        assert.deepEqual(first!.tools!.map((t) => t.function.name).sort(), [
          "add_task",
          "complete_task",
          "delete_task",
          "list_tasks",
          "undo",
          "update_task",
          "update_tasks",
        ]);
        assert.match(first!.messages[0]!.content as string, /Today is Sunday 2026-11-22/);
        const toolMessage = second!.messages.find((m) => m.role === "tool");
        assert.match(String(toolMessage?.content), /Buy oat milk/, "the model is given the tool's result");
      });

      test("a conversation resumes after an app restart, history included", async () => {
        const first = buildApp(db.handle, { model: modelAt(fake.baseURL), clock }).app;
        const me = await signUp(first);
        const turn1 = await me.post("/api/chat", { message: "add oat milk please" });
        const restarted = buildApp(db.reopen(), { model: modelAt(fake.baseURL), clock }).app;
        const again = Object.assign(Object.create(Object.getPrototypeOf(me)), me, { app: restarted });
        const before = fake.requests.length;
        const turn2 = await again.post("/api/chat", { message: "what's left?", conversationId: turn1.body.conversationId });
        assert.equal(turn2.status, 200);
        const seen = JSON.stringify(fake.requests[before]!.messages);
        assert.match(seen, /add oat milk please/, "the earlier user message is in the model's history");
        assert.match(seen, /add_task/, "so is the earlier tool call");
        const earlierResult = fake.requests[before]!.messages.find((m) => m.role === "tool");
        assert.match(String(earlierResult?.content), /^Added #1 Buy oat milk · high/, "and its result, as the tool's text answer");
        const stored = await again.get(`/api/conversations/${turn1.body.conversationId}`);
        assert.equal(stored.body.messages.length, 4);
      });

      test("model failures answer a clear error; the person's message stays in the history", async () => {
        const failingApp = buildApp(db.handle, { model: modelAt(failing.baseURL) }).app;
        const me = await signUp(failingApp);
        const limited = await me.post("/api/chat", { message: "are you busy?" });
        assert.equal(limited.status, 503);
        assert.equal(limited.body.error.code, "model_rate_limited");
        const broken = await me.post("/api/chat", { message: "hello" });
        assert.equal(broken.status, 502);
        assert.equal(broken.body.error.code, "model_unavailable");
        assert.doesNotMatch(broken.text, /boom|internal|stack/i, "the provider's internals are not leaked");
        const conversations = (await me.get("/api/conversations")).body.conversations as { id: string }[];
        assert.equal(conversations.length, 2, "each failed turn kept the person's message");
        for (const c of conversations) {
          const stored = (await me.get(`/api/conversations/${c.id}`)).body.messages as { role: string }[];
          assert.deepEqual(
            stored.map((m) => m.role),
            ["user"],
            "and no reply was invented",
          );
        }
      });

      test("a streamed first turn whose model failed can be retried under the id it announced", async () => {
        const failingApp = buildApp(db.handle, { model: modelAt(failing.baseURL) }).app;
        const me = await signUp(failingApp);
        const res = await failingApp.request("/api/chat/stream", {
          method: "POST",
          headers: { authorization: `Bearer ${me.token}`, "content-type": "application/json" },
          body: JSON.stringify({ message: "hello" }),
        });
        const conversationId = res.headers.get("x-conversation-id")!;
        const chunks = await readStream(res);
        const error = chunks.find((c) => c.type === "error");
        assert.match(error.errorText, /unavailable/);
        assert.doesNotMatch(error.errorText, /boom/, "the provider's message is not leaked");
        const workingApp = buildApp(db.handle, { model: modelAt(fake.baseURL), clock }).app;
        const before = fake.requests.length;
        const retried = await workingApp.request("/api/chat", {
          method: "POST",
          headers: { authorization: `Bearer ${me.token}`, "content-type": "application/json" },
          body: JSON.stringify({ message: "hello", conversationId, retry: true }),
        });
        assert.equal(retried.status, 200);
        const stored = await me.get(`/api/conversations/${conversationId}`);
        const messages = stored.body.messages as { role: string; content: string }[];
        assert.deepEqual(
          messages.map((m) => [m.role, m.content]),
          [
            ["user", "hello"],
            ["assistant", "Hello from the model."],
          ],
          "the failed turn's message, stored once, then the retried turn's reply",
        );
        const seen = fake.requests[before]!.messages.filter((m) => m.role === "user");
        assert.deepEqual(
          seen.map((m) => m.content),
          ["hello"],
          "the model is asked the message once",
        );
      });

      test("a retry stores the message as new when the last one was answered, and only in the caller's conversation", async () => {
        const failingApp = buildApp(db.handle, { model: modelAt(failing.baseURL) }).app;
        const workingApp = buildApp(db.handle, { model: modelAt(fake.baseURL), clock }).app;
        const me = await signUp(workingApp);
        const first = await me.post("/api/chat", { message: "hello" });
        assert.equal(first.status, 200);
        const { conversationId } = first.body;
        // The same words again, as a retry of a reply that came: a new message of the person's.
        assert.equal((await me.post("/api/chat", { message: "hello", conversationId, retry: true })).status, 200);
        const roles = async () => ((await me.get(`/api/conversations/${conversationId}`)).body.messages as { role: string }[]).map((m) => m.role);
        assert.deepEqual(await roles(), ["user", "assistant", "user", "assistant"]);
        // A failed reply, then a retry with other words (what failed was never the last message): stored.
        const failingMe = new Client(failingApp, me.token);
        assert.equal((await failingMe.post("/api/chat", { message: "hello there", conversationId })).status, 502);
        assert.equal((await me.post("/api/chat", { message: "something else", conversationId, retry: true })).status, 200);
        assert.deepEqual(await roles(), ["user", "assistant", "user", "assistant", "user", "user", "assistant"]);
        // Someone else's retry of it answers nothing and stores nothing.
        const other = await signUp(workingApp);
        const theirs = await other.post("/api/chat", { message: "something else", conversationId, retry: true });
        assert.equal(theirs.status, 404);
        assert.equal((await me.get(`/api/conversations/${conversationId}`)).body.messages.length, 7);
        const bad = await me.post("/api/chat", { retry: true, conversationId });
        assert.equal(bad.status, 400);
      });

      test("streaming with a real model shows tool progress then text", async () => {
        const modelApp = buildApp(db.handle, { model: modelAt(fake.baseURL), clock }).app;
        const me = await signUp(modelApp);
        const res = await modelApp.request("/api/chat/stream", {
          method: "POST",
          headers: { authorization: `Bearer ${me.token}`, "content-type": "application/json" },
          body: JSON.stringify({ message: "add oat milk" }),
        });
        const chunks = await readStream(res);
        const output = chunks.find((c) => c.type === "tool-output-available");
        assert.equal(output.output.structuredContent.task.title, "Buy oat milk");
        assert.equal(
          chunks
            .filter((c) => c.type === "text-delta")
            .map((c) => c.delta)
            .join(""),
          "Done — I added Buy oat milk for you.",
        );
      });
    });
  });
}
