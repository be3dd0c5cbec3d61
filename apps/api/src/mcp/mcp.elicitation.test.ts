/**
 * Over MCP, a change that needs approval (mcp.approval.ts: deleting) asks the client's person
 * through elicitation when the client supports it: yes runs it (on the task the question named),
 * anything else changes nothing. A client without elicitation runs the tool as it always did (its
 * own approval UI applies, guided by the tools' annotations). MCP SDK clients on an in-memory
 * transport, with and without the `elicitation` capability.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ElicitRequestSchema, type ElicitRequest, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { TaskService } from "../tasks/tasks.service.ts";
import { buildApp, drivers, signUp, type TestDatabase } from "../../test/support.ts";
import { toolText } from "../../test/mcp-client.ts";
import { createMcpServer } from "./mcp.server.ts";

for (const driver of drivers) {
  describe(`MCP confirmation by elicitation on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    let tasks: TaskService;

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
      tasks = new TaskService(db.handle.db);
    });
    after(() => db.dispose());

    /** An MCP client for `userId`; with `answer`, it declares elicitation and answers each question so. */
    async function connect(userId: string, answer?: (req: ElicitRequest) => ElicitResult) {
      const server = createMcpServer(tasks, userId);
      const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
      await server.connect(serverTransport);
      const asked: ElicitRequest["params"][] = [];
      const client = new Client({ name: "elicitation-test", version: "1.0.0" }, answer ? { capabilities: { elicitation: {} } } : {});
      if (answer) {
        client.setRequestHandler(ElicitRequestSchema, async (req) => {
          asked.push(req.params);
          return answer(req);
        });
      }
      await client.connect(clientTransport);
      return { client, asked, close: () => client.close() };
    }

    test("a client with elicitation is asked; yes deletes the task the question named", async () => {
      const me = await signUp(app);
      const milk = (await me.post("/api/tasks", { title: "Buy milk" })).body;
      const { client, asked, close } = await connect(me.userId, () => ({ action: "accept", content: { confirm: true } }));
      try {
        const result = toolText(await client.callTool({ name: "delete_task", arguments: { match: "milk" } }));
        assert.equal(result.isError, false, result.text);
        assert.equal(asked.length, 1);
        assert.match(String(asked[0]!.message), new RegExp(`^Delete #${milk.number} “Buy milk”\\?`));
        assert.equal(result.structured.task.id, milk.id);
        assert.equal((await me.get(`/api/tasks/${milk.id}`)).status, 404);
      } finally {
        await close();
      }
    });

    test("decline, cancel or a half answer change nothing", async () => {
      const me = await signUp(app);
      const task = (await me.post("/api/tasks", { title: "Walk the dog" })).body;
      const answers: ElicitResult[] = [{ action: "decline" }, { action: "cancel" }, { action: "accept", content: { confirm: false } }];
      for (const answer of answers) {
        const { client, asked, close } = await connect(me.userId, () => answer);
        try {
          const result = toolText(await client.callTool({ name: "delete_task", arguments: { number: task.number } }));
          assert.equal(asked.length, 1);
          assert.equal(result.isError, false);
          assert.match(result.text, /^Not done: the person did not confirm \(Delete #\d+ “Walk the dog”\)\. Nothing changed\./);
          assert.equal((await me.get(`/api/tasks/${task.id}`)).status, 200, `${answer.action}: still there`);
        } finally {
          await close();
        }
      }
    });

    test("a client without elicitation runs the tool (its own approval UI applies)", async () => {
      const me = await signUp(app);
      const task = (await me.post("/api/tasks", { title: "Old receipts" })).body;
      const { client, close } = await connect(me.userId);
      try {
        const { tools } = await client.listTools();
        assert.equal(tools.find((t) => t.name === "delete_task")?.annotations?.destructiveHint, true, "the annotation its UI reads");
        const result = toolText(await client.callTool({ name: "delete_task", arguments: { number: task.number } }));
        assert.equal(result.isError, false);
        assert.equal((await me.get(`/api/tasks/${task.id}`)).status, 404);
      } finally {
        await close();
      }
    });

    test("nothing is asked for what changes no task, nor about another person's task", async () => {
      const a = await signUp(app);
      const b = await signUp(app);
      const hers = (await a.post("/api/tasks", { title: "Secret plan" })).body;
      await b.post("/api/tasks", { title: "My own" });
      const { client, asked, close } = await connect(b.userId, () => ({ action: "accept", content: { confirm: true } }));
      try {
        const missing = toolText(await client.callTool({ name: "delete_task", arguments: { match: "secret plan" } }));
        assert.equal(missing.isError, true);
        assert.equal(missing.structured.error.code, "not_found");
        const added = toolText(await client.callTool({ name: "add_task", arguments: { title: "Call mom" } }));
        assert.equal(added.isError, false);
        assert.equal(asked.length, 0, "no question: the preview of B's call sees only B's tasks");
        assert.equal((await a.get(`/api/tasks/${hers.id}`)).status, 200);
      } finally {
        await close();
      }
    });
  });
}
