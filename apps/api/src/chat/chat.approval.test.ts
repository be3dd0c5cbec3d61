/**
 * Approval before destructive tool calls (issue 17): a delete waits for the person's answer, with
 * the offline model and with a scripted one; Deny leaves the task and the model is told; Approve
 * deletes, once; the pending approval is stored (a reload shows it, and it can be answered then);
 * a new message lets it expire; nobody else can answer it. Through the JSON API and the stream.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { BULK_APPROVAL_THRESHOLD } from "@todo/contracts/constants";
import { TaskService } from "../tasks/tasks.service.ts";
import { buildApp, drivers, signUp, type TestDatabase } from "../../test/support.ts";
import { lastRole, startFakeOpenAI, type ChatCompletionRequest, type FakeOpenAI } from "../../test/fake-openai.ts";
import { bulkApproval, previewApproval } from "../mcp/mcp.approval.ts";
import { toModelMessages } from "./chat.service.ts";
import type { HistoryRow } from "./conversations.repository.ts";

const clock = () => new Date("2026-11-22T09:00:00Z");

/** Reads an SSE UI-message stream into its JSON chunks. */
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

type Me = Awaited<ReturnType<typeof signUp>>;
const lastAssistant = async (me: Me, conversationId: string) => {
  const conversation = (await me.get(`/api/conversations/${conversationId}`)).body;
  return conversation.messages.filter((m: { role: string }) => m.role === "assistant");
};

describe("the history a model is given, with approvals", () => {
  const approval = (id: string, state: "requested" | "approved" | "denied" | "expired") => ({
    id,
    state,
    toolCallId: `call-${id}`,
    description: "Delete #1 “Buy milk”",
    tasks: [{ number: 1, title: "Buy milk" }],
    total: 1,
  });
  const row = (id: string, state: "requested" | "approved" | "denied" | "expired", text = "", content = ""): HistoryRow[] => [
    { id: `u-${id}`, role: "user", content: "delete the milk", toolCalls: [] },
    { id: `a-${id}`, role: "assistant", content, toolCalls: [{ name: "delete_task", arguments: { number: 1 }, text, approval: approval(id, state) }] },
  ];

  test("the approvals being answered come last, as the SDK's request and response", () => {
    const messages = toModelMessages([...row("old", "denied", "not run: the person declined"), ...row("now", "approved", "", "Sure?")], new Set(["now"]));
    const last = messages.at(-1)!;
    assert.equal(last.role, "tool");
    assert.deepEqual(last.content, [{ type: "tool-approval-response", approvalId: "now", approved: true }]);
    const asking = messages.at(-2)!;
    assert.deepEqual(
      (asking.content as { type: string }[]).map((p) => p.type),
      ["text", "tool-call", "tool-approval-request"],
      "what the reply said goes before its calls",
    );
    const denied = messages[2]!.role === "assistant" ? messages[3]! : messages[2]!;
    assert.deepEqual((denied.content as { output: unknown }[])[0]!.output, { type: "execution-denied", reason: "not run: the person declined" });
  });

  test("later, a call reads as what became of it: its answer, or why it did not run", () => {
    const messages = toModelMessages([
      ...row("ran", "approved", "Deleted #1 Buy milk"),
      ...row("stopped", "approved"),
      ...row("expired", "expired", "not run: the person moved on without approving it"),
    ]);
    const outputs = messages.filter((m) => m.role === "tool").map((m) => (m.content as { output: unknown }[])[0]!.output);
    assert.deepEqual(outputs, [
      { type: "text", value: "Deleted #1 Buy milk" },
      { type: "execution-denied", reason: "not run: the reply stopped before it ran" },
      { type: "execution-denied", reason: "not run: the person moved on without approving it" },
    ]);
  });
});

for (const driver of drivers) {
  describe(`approval before deleting, offline assistant, on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle, { clock }).app;
    });
    after(() => db.dispose());

    test("a delete waits; Deny leaves the task and says so; Approve deletes it, once", async () => {
      const me = await signUp(app);
      const milk = (await me.post("/api/tasks", { title: "Buy milk" })).body;

      const asked = await me.post("/api/chat", { message: "delete the milk task" });
      assert.equal(asked.status, 200);
      const conversationId = asked.body.conversationId;
      assert.equal(asked.body.pendingApprovals.length, 1);
      const pending = asked.body.pendingApprovals[0];
      assert.equal(pending.tool, "delete_task");
      assert.deepEqual(pending.input, { number: milk.number }, "pinned to the task the person sees");
      assert.equal(pending.description, `Delete #${milk.number} “Buy milk”`);
      assert.deepEqual(pending.tasks, [{ number: milk.number, title: "Buy milk" }]);
      assert.equal(asked.body.toolCalls[0].approval.state, "requested");
      assert.equal((await me.get(`/api/tasks/${milk.id}`)).status, 200, "nothing happens before the answer");

      // A reload: the stored conversation still shows the pending approval.
      const [stored] = await lastAssistant(me, conversationId);
      assert.equal(stored.toolCalls[0].approval.state, "requested");
      assert.equal(stored.toolCalls[0].approval.id, pending.id);
      assert.equal(stored.toolCalls[0].approval.description, pending.description);

      const denied = await me.post("/api/chat", { conversationId, approvals: [{ id: pending.id, approved: false }] });
      assert.equal(denied.status, 200, denied.text);
      assert.match(denied.body.reply, /didn't delete that\. Nothing changed/);
      assert.deepEqual(denied.body.pendingApprovals, []);
      assert.equal((await me.get(`/api/tasks/${milk.id}`)).status, 200, "Deny leaves the task");
      assert.equal((await lastAssistant(me, conversationId))[0].toolCalls[0].approval.state, "denied");

      const again = await me.post("/api/chat", { conversationId, approvals: [{ id: pending.id, approved: true }] });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, "approval_decided");
      assert.equal((await me.get(`/api/tasks/${milk.id}`)).status, 200, "a declined approval cannot be turned into a yes");

      const second = await me.post("/api/chat", { message: "delete the milk task", conversationId });
      const approval = second.body.pendingApprovals[0];
      const approved = await me.post("/api/chat", { conversationId, approvals: [{ id: approval.id, approved: true }] });
      assert.equal(approved.status, 200, approved.text);
      assert.match(approved.body.reply, /Deleted #1 “Buy milk”/);
      assert.equal(approved.body.toolCalls[0].name, "delete_task");
      assert.equal(approved.body.toolCalls[0].result.task.title, "Buy milk");
      assert.equal((await me.get(`/api/tasks/${milk.id}`)).status, 404, "Approve deletes");

      const twice = await me.post("/api/chat", { conversationId, approvals: [{ id: approval.id, approved: true }] });
      assert.equal(twice.status, 409);
      assert.equal(twice.body.error.code, "approval_decided");
      assert.match(twice.body.error.message, /already given/);

      const assistant = await lastAssistant(me, conversationId);
      const asking = assistant.find((m: { toolCalls: { approval?: { id: string } }[] }) => m.toolCalls[0]?.approval?.id === approval.id);
      assert.equal(asking.toolCalls[0].approval.state, "approved");
      assert.equal(asking.toolCalls[0].result.task.title, "Buy milk", "the answer is stored with the call it approved");
      assert.match(asking.toolCalls[0].text, /^Deleted #1 Buy milk/);
      const deletes = assistant.flatMap((m: { toolCalls: { name: string; result: unknown }[] }) => m.toolCalls).filter((c: { result: unknown }) => c.result);
      assert.equal(deletes.length, 1, "one delete ran");

      // The conversation goes on with the history it had: the model sees what happened.
      const left = await me.post("/api/chat", { message: "what's left?", conversationId });
      assert.equal(left.status, 200);
      assert.match(left.body.reply, /Nothing here/);
    });

    test("approving a stale request for a task already gone says so", async () => {
      const me = await signUp(app);
      const task = (await me.post("/api/tasks", { title: "Walk the dog" })).body;
      const asked = await me.post("/api/chat", { message: `delete ${task.number}` });
      const { id } = asked.body.pendingApprovals[0];
      await me.delete(`/api/tasks/${task.id}`);
      const approved = await me.post("/api/chat", { conversationId: asked.body.conversationId, approvals: [{ id, approved: true }] });
      assert.equal(approved.status, 200);
      assert.equal(approved.body.toolCalls[0]?.isError, true, approved.text);
      assert.equal(approved.body.toolCalls[0].result.error.code, "not_found");
      assert.match(approved.body.reply, /couldn't delete that: there is no task #1/);
    });

    test("a delete that names no task fails at once, asking nothing", async () => {
      const me = await signUp(app);
      const res = await me.post("/api/chat", { message: "delete task 99" });
      assert.deepEqual(res.body.pendingApprovals, []);
      assert.equal(res.body.toolCalls[0].result.error.code, "not_found");
    });

    test("a new message lets a pending approval expire: it cannot be approved later", async () => {
      const me = await signUp(app);
      const task = (await me.post("/api/tasks", { title: "Call mom" })).body;
      const asked = await me.post("/api/chat", { message: "delete call mom" });
      const conversationId = asked.body.conversationId;
      const { id } = asked.body.pendingApprovals[0];
      const moved = await me.post("/api/chat", { message: "what's left?", conversationId });
      assert.match(moved.body.reply, /#1 Call mom/);
      const [first] = await lastAssistant(me, conversationId);
      assert.equal(first.toolCalls[0].approval.state, "expired");
      const late = await me.post("/api/chat", { conversationId, approvals: [{ id, approved: true }] });
      assert.equal(late.status, 409);
      assert.match(late.body.error.message, /expired/);
      assert.equal((await me.get(`/api/tasks/${task.id}`)).status, 200);
    });

    test("isolation: nobody else can answer a person's approval", async () => {
      const a = await signUp(app);
      const b = await signUp(app);
      const task = (await a.post("/api/tasks", { title: "Secret plan" })).body;
      const asked = await a.post("/api/chat", { message: "delete the secret plan" });
      const conversationId = asked.body.conversationId;
      const { id } = asked.body.pendingApprovals[0];

      const inHers = await b.post("/api/chat", { conversationId, approvals: [{ id, approved: true }] });
      assert.equal(inHers.status, 404);
      const own = await b.post("/api/chat", { message: "hello" });
      const inMine = await b.post("/api/chat", { conversationId: own.body.conversationId, approvals: [{ id, approved: true }] });
      assert.equal(inMine.status, 404);
      assert.equal(inMine.body.error.code, "not_found");
      assert.equal((await b.post("/api/chat/stream", { conversationId, approvals: [{ id, approved: true }] })).status, 404);
      assert.equal((await a.get(`/api/tasks/${task.id}`)).status, 200);

      const [stored] = await lastAssistant(a, conversationId);
      assert.equal(stored.toolCalls[0].approval.state, "requested", "still hers to answer");
      const mine = await a.post("/api/chat", { conversationId, approvals: [{ id, approved: true }] });
      assert.equal(mine.status, 200);
      assert.equal((await a.get(`/api/tasks/${task.id}`)).status, 404);
    });

    test("two answers at once: one runs, the other is told it was answered", async () => {
      const me = await signUp(app);
      await me.post("/api/tasks", { title: "Keep me" });
      const task = (await me.post("/api/tasks", { title: "Old receipts" })).body;
      const asked = await me.post("/api/chat", { message: "delete old receipts" });
      const { id } = asked.body.pendingApprovals[0];
      const body = { conversationId: asked.body.conversationId, approvals: [{ id, approved: true }] };
      const answers = await Promise.all([me.post("/api/chat", body), me.post("/api/chat", body)]);
      assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409]);
      assert.equal((await me.get(`/api/tasks/${task.id}`)).status, 404);
      assert.equal((await me.get("/api/tasks/me")).body.length, 1);
    });

    test("the stream carries the approval request with its preview, then the approved call's answer", async () => {
      const me = await signUp(app);
      const task = (await me.post("/api/tasks", { title: "Team meeting" })).body;
      const stream = async (body: unknown) =>
        app.request("/api/chat/stream", {
          method: "POST",
          headers: { authorization: `Bearer ${me.token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const res = await stream({ message: "delete the meeting" });
      assert.equal(res.status, 200);
      const conversationId = res.headers.get("x-conversation-id");
      const chunks = await readStream(res);
      const request = chunks.find((c) => c.type === "tool-approval-request");
      assert.ok(request, "a tool-approval-request part");
      // What the card shows goes with the request (the UI-message stream's approvalDescriptor).
      assert.equal(request.approvalDescriptor.id, request.approvalId);
      assert.equal(request.approvalDescriptor.toolCallId, request.toolCallId);
      assert.equal(request.approvalDescriptor.description, `Delete #${task.number} “Team meeting”`);
      assert.deepEqual(request.approvalDescriptor.tasks, [{ number: task.number, title: "Team meeting" }]);
      assert.equal(chunks.filter((c) => c.type === "tool-output-available").length, 0);

      const go = await stream({ conversationId, approvals: [{ id: request.approvalId, approved: true }] });
      assert.equal(go.status, 200);
      const after = await readStream(go);
      const output = after.find((c) => c.type === "tool-output-available");
      assert.equal(output.toolCallId, request.toolCallId, "the answer names the call the card shows");
      assert.match(
        after
          .filter((c) => c.type === "text-delta")
          .map((c) => c.delta)
          .join(""),
        /Deleted #1 “Team meeting”/,
      );
      assert.equal((await me.get(`/api/tasks/${task.id}`)).status, 404);
      // After a reload, the card is found by the same id.
      const [stored] = await lastAssistant(me, conversationId!);
      assert.equal(stored.toolCalls[0].approval.toolCallId, request.toolCallId);
    });

    test("bad approval requests are refused with what is wrong", async () => {
      const me = await signUp(app);
      const missing = await me.post("/api/chat", { approvals: [{ id: "x", approved: true }] });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.field, "conversationId");
      const both = await me.post("/api/chat", { message: "hi", conversationId: crypto.randomUUID(), approvals: [{ id: "x", approved: true }] });
      assert.equal(both.status, 400);
      const none = await me.post("/api/chat", {});
      assert.equal(none.status, 400);
      const unknown = await me.post("/api/chat", { conversationId: crypto.randomUUID(), approvals: [{ id: "x", approved: true }] });
      assert.equal(unknown.status, 404);
    });

    test("the bulk policy asks from BULK_APPROVAL_THRESHOLD tasks on, and previews what it selects", async () => {
      const me = await signUp(app);
      const tasks = new TaskService(db.handle.db);
      const policy = bulkApproval("Complete", (input) => ({ tag: input.tag as string }));
      for (let i = 1; i < BULK_APPROVAL_THRESHOLD; i++) await me.post("/api/tasks", { title: `Shop ${i}`, tags: ["shopping"] });
      assert.equal(await policy(tasks, me.userId, { tag: "shopping" }), undefined, "below the threshold: no approval");
      await me.post("/api/tasks", { title: `Shop ${BULK_APPROVAL_THRESHOLD}`, tags: ["shopping"] });
      await me.post("/api/tasks", { title: "Not shopping", tags: ["work"] });
      const preview = await policy(tasks, me.userId, { tag: "shopping" });
      assert.equal(preview?.total, BULK_APPROVAL_THRESHOLD);
      assert.match(preview!.description, /^Complete 3 tasks: #\d “Shop \d”/);
      const other = await signUp(app);
      assert.equal(await policy(tasks, other.userId, { tag: "shopping" }), undefined, "another person's tasks count for nothing");
      assert.equal(await previewApproval(tasks, me.userId, "list_tasks", {}), undefined, "reading never asks");
    });
  });

  describe(`approval with a scripted model on ${driver.name}`, () => {
    let db: TestDatabase;
    let fake: FakeOpenAI;
    let app: ReturnType<typeof buildApp>["app"];
    const toolMessage = (req: ChatCompletionRequest) => req.messages.at(-1);

    before(async () => {
      db = await driver.create();
      fake = await startFakeOpenAI((req) => {
        if (lastRole(req) === "tool") {
          const content = String(toolMessage(req)?.content ?? "");
          return { text: /not run/.test(content) ? "Understood, I left it." : "Done, it is gone." };
        }
        return { toolCalls: [{ name: "delete_task", arguments: { match: "milk" } }] };
      });
      const model = createOpenAICompatible({ name: "fake", baseURL: fake.baseURL, apiKey: "test-key" }).chatModel("fake-model");
      app = buildApp(db.handle, { model, clock }).app;
    });
    after(async () => {
      await fake.close();
      await db.dispose();
    });

    test("the model's delete waits; Deny tells the model, which replies; Approve runs it", async () => {
      const me = await signUp(app);
      const task = (await me.post("/api/tasks", { title: "Buy milk" })).body;
      const asked = await me.post("/api/chat", { message: "get rid of the milk" });
      assert.equal(asked.status, 200, asked.text);
      const conversationId = asked.body.conversationId;
      const { id } = asked.body.pendingApprovals[0];
      const calls = fake.requests.length;

      const denied = await me.post("/api/chat", { conversationId, approvals: [{ id, approved: false, reason: "I still need it" }] });
      assert.equal(denied.status, 200, denied.text);
      assert.equal(denied.body.reply, "Understood, I left it.");
      const told = fake.requests[calls]!;
      assert.equal(lastRole(told), "tool");
      assert.match(String(toolMessage(told)?.content), /not run: the person declined \(I still need it\)/, "the model is told, with the reason");
      assert.equal((await me.get(`/api/tasks/${task.id}`)).status, 200);

      const again = await me.post("/api/chat", { message: "no really, delete the milk", conversationId });
      const approval = again.body.pendingApprovals[0];
      assert.notEqual(approval.id, id);
      const approved = await me.post("/api/chat", { conversationId, approvals: [{ id: approval.id, approved: true }] });
      assert.equal(approved.status, 200, approved.text);
      assert.equal(approved.body.reply, "Done, it is gone.");
      const result = JSON.parse(String(toolMessage(fake.requests.at(-1)!)?.content));
      assert.equal(result.task.title, "Buy milk", "the model reads the tool's answer");
      assert.equal((await me.get(`/api/tasks/${task.id}`)).status, 404);

      // The history the model gets later is whole: each call with its answer (or why it did not run).
      const before = fake.requests.length;
      await me.post("/api/chat", { message: "thanks", conversationId });
      const later = fake.requests[before]!;
      const toolAnswers = later.messages.filter((m) => m.role === "tool").map((m) => String(m.content));
      assert.equal(toolAnswers.length, 2);
      assert.match(toolAnswers[0]!, /not run: the person declined/);
      assert.match(toolAnswers[1]!, /^Deleted #1 Buy milk/);
    });
  });
}
