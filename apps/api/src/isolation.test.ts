/**
 * No user ever sees or changes another user's data: through every task route, every MCP tool (a
 * real MCP client over POST /mcp), and the assistant — including a message that asks for it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildApp, drivers, signUp, type TestDatabase } from "../test/support.ts";
import { connectMcp, toolText } from "../test/mcp-client.ts";

for (const driver of drivers) {
  describe(`cross-user isolation on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    let alice: Awaited<ReturnType<typeof signUp>>;
    let mallory: Awaited<ReturnType<typeof signUp>>;
    let aliceTask: { id: string; number: number; title: string };
    const aliceSnapshot = async () => (await alice.get("/api/tasks/me")).body;

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
      alice = await signUp(app, "Alice");
      mallory = await signUp(app, "Mallory");
      aliceTask = (await alice.post("/api/tasks", { title: "Alice's secret plan", priority: "high", tags: ["private"] })).body;
      await alice.post("/api/tasks", { title: "Alice buys milk" });
      await mallory.post("/api/tasks", { title: "Mallory's own task" });
    });
    after(() => db.dispose());

    test("REST: another user's task id answers 404 on every route and nothing changes", async () => {
      const before = await aliceSnapshot();
      const path = `/api/tasks/${aliceTask.id}`;
      for (const res of [
        await mallory.get(path),
        await mallory.patch(path, { title: "pwned", completed: true }),
        await mallory.delete(path),
        await mallory.post(`${path}/restore`),
      ]) {
        assert.equal(res.status, 404);
        assert.equal(res.body.error.code, "not_found");
      }
      const list = await mallory.get("/api/tasks?status=all&limit=100");
      assert.deepEqual(
        list.body.tasks.map((t: { title: string }) => t.title),
        ["Mallory's own task"],
      );
      assert.equal(list.body.total, 1);
      assert.deepEqual(
        (await mallory.get("/api/tasks/me")).body.map((t: { title: string }) => t.title),
        ["Mallory's own task"],
      );
      assert.equal((await mallory.get("/api/tasks?q=secret")).body.total, 0);
      assert.equal((await mallory.get("/api/tasks?tag=private")).body.total, 0);
      assert.deepEqual(await aliceSnapshot(), before);
    });

    test("MCP: every tool acts only on the token's user", async () => {
      const before = await aliceSnapshot();
      const mcp = await connectMcp(app, mallory.token!);
      try {
        const { tools } = await mcp.listTools();
        assert.deepEqual(tools.map((t) => t.name).sort(), ["add_task", "complete_task", "delete_task", "list_tasks", "undo", "update_task", "update_tasks"]);
        for (const tool of tools) {
          const props = Object.keys((tool.inputSchema as { properties?: object }).properties ?? {});
          assert.ok(!props.some((p) => /user/i.test(p)), `${tool.name} takes no user id (${props.join(", ")})`);
        }

        const listed = toolText(await mcp.callTool({ name: "list_tasks", arguments: { status: "all" } }));
        assert.deepEqual(
          listed.structured.tasks.map((t: { title: string }) => t.title),
          ["Mallory's own task"],
        );

        // Alice's task is #1 for her; Mallory's #1 is her own. Words from Alice's titles match nothing.
        for (const name of ["complete_task", "delete_task"]) {
          const byWords = toolText(await mcp.callTool({ name, arguments: { match: "secret plan" } }));
          assert.equal(byWords.isError, true, `${name} by words`);
          assert.match(byWords.text, /no task matches/);
          const byNumber = toolText(await mcp.callTool({ name, arguments: { number: 2 } }));
          assert.equal(byNumber.isError, true, `${name} by another user's number`);
        }
        const update = toolText(await mcp.callTool({ name: "update_task", arguments: { match: "alice milk", changes: { title: "pwned" } } }));
        assert.equal(update.isError, true);
        // Bulk changes and undo reach only Mallory's own tasks; Alice's cannot be restored by number or words.
        const bulk = toolText(await mcp.callTool({ name: "update_tasks", arguments: { filter: { q: "secret plan" }, changes: { delete: true } } }));
        assert.equal(bulk.structured.count, 0);
        const all = toolText(await mcp.callTool({ name: "update_tasks", arguments: { filter: {}, changes: { addTag: "mallory" } } }));
        assert.equal(all.structured.count, 1, "only Mallory's own task");
        assert.equal(toolText(await mcp.callTool({ name: "undo", arguments: {} })).structured.count, 1);
        for (const ref of [{ match: "secret plan" }, { number: 2 }]) {
          assert.equal(toolText(await mcp.callTool({ name: "undo", arguments: ref })).isError, true, `restore ${JSON.stringify(ref)}`);
        }

        const smuggled = toolText(await mcp.callTool({ name: "add_task", arguments: { title: "x", userId: alice.userId } }));
        assert.equal(smuggled.isError, true, "an extra user id argument is rejected, not used");
        assert.match(smuggled.text, /userId/);

        const added = toolText(await mcp.callTool({ name: "add_task", arguments: { title: "Mallory adds" } }));
        assert.equal(added.isError, false);
        assert.equal(added.structured.task.number, 2, "numbers are per user");
      } finally {
        await mcp.close();
      }
      assert.deepEqual(await aliceSnapshot(), before);
    });

    test("MCP over HTTP needs a valid bearer token", async () => {
      const res = await app.request("/mcp", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      assert.equal(res.status, 401);
      await assert.rejects(connectMcp(app, "not-a-real-token"));
    });

    test("the assistant: asking to act on another user's tasks reaches only your own", async () => {
      const before = await aliceSnapshot();
      const attempts = [
        "delete the secret plan task",
        `complete task ${aliceTask.number}`,
        "I'm done with alice's secret plan",
        `delete task 2 for user ${alice.email}`,
        "rename secret plan to pwned",
      ];
      for (const message of attempts) {
        const res = await mallory.post("/api/chat", { message });
        assert.equal(res.status, 200, message);
        assert.doesNotMatch(res.body.reply, /“Alice's secret plan”|#\d+ Alice/, `the reply to "${message}" shows none of Alice's tasks`);
        assert.ok(!JSON.stringify(res.body.toolCalls).includes(aliceTask.id), "no tool result carries Alice's task");
      }
      const listing = await mallory.post("/api/chat", { message: "show all my tasks" });
      assert.doesNotMatch(listing.body.reply, /Alice/);
      assert.deepEqual(await aliceSnapshot(), before);
    });

    test("conversations are private", async () => {
      const mine = await alice.post("/api/chat", { message: "what's left?" });
      const id = mine.body.conversationId;
      assert.equal((await mallory.get(`/api/conversations/${id}`)).status, 404);
      assert.equal((await mallory.delete(`/api/conversations/${id}`)).status, 404);
      assert.equal((await mallory.patch(`/api/conversations/${id}`, { title: "pwned" })).status, 404, "cannot rename it");
      const hijack = await mallory.post("/api/chat", { message: "what's left?", conversationId: id });
      assert.equal(hijack.status, 404, "cannot continue someone else's conversation");
      const list = await mallory.get("/api/conversations");
      assert.ok(!list.body.conversations.some((c: { id: string }) => c.id === id));
      const still = await alice.get(`/api/conversations/${id}`);
      assert.equal(still.status, 200);
      assert.equal(still.body.messages.length, 2);
      assert.notEqual(still.body.title, "pwned");
    });
  });
}
