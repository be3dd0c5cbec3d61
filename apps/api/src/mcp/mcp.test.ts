/**
 * The MCP tools as an outside client sees them (a real MCP client over POST /mcp): what tools/list
 * answers (the definitions the assistant gets are the same), accurate annotations, failures that
 * carry `{ code, message }` and change nothing, and the domain rules the tools rely on.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ERROR_CODES } from "@todo/contracts";
import { buildApp, drivers, signUp, type TestDatabase } from "../../test/support.ts";
import { connectMcp, toolText } from "../../test/mcp-client.ts";
import { taskToolDefinitions } from "./mcp.server.ts";

for (const driver of drivers) {
  describe(`MCP tools on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    let me: Awaited<ReturnType<typeof signUp>>;
    const snapshot = async () => (await me.get("/api/tasks/me")).body;

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
      me = await signUp(app);
      await me.post("/api/tasks", { title: "Buy milk" });
      await me.post("/api/tasks", { title: "Milk the cow" });
    });
    after(() => db.dispose());

    test("tools/list: the assistant's definitions, accurate annotations, output schemas, lean inputs", async () => {
      const mcp = await connectMcp(app, me.token!);
      try {
        const { tools } = await mcp.listTools();
        const definitions = taskToolDefinitions();
        assert.deepEqual(
          tools.map((t) => t.name),
          definitions.map((d) => d.name),
        );
        for (const tool of tools) {
          const { $schema: _, ...inputSchema } = tool.inputSchema as Record<string, unknown>;
          const definition = definitions.find((d) => d.name === tool.name)!;
          assert.deepEqual(inputSchema, definition.inputSchema, `${tool.name}: the model gets what tools/list answers`);
          assert.equal(tool.description, definition.description);
          assert.ok(tool.outputSchema, `${tool.name} declares its output`);
          const a = tool.annotations ?? {};
          assert.equal(a.readOnlyHint === true, tool.name === "list_tasks", `${tool.name}: readOnlyHint only on list_tasks`);
          // MCP's default for destructiveHint is true (meaningful when not read-only): every other tool must say false.
          const destructive = a.readOnlyHint !== true && a.destructiveHint !== false;
          // update_tasks can delete, and undo can remove an added task: both are destructive.
          assert.equal(
            destructive,
            ["delete_task", "update_tasks", "undo"].includes(tool.name),
            `${tool.name}: destructiveHint on delete_task, update_tasks, undo`,
          );
          assert.equal(a.idempotentHint === true, ["complete_task", "update_task", "update_tasks"].includes(tool.name), `${tool.name}: idempotentHint`);
        }
        const json = JSON.stringify(definitions);
        assert.doesNotMatch(json, /0\[48\]|\[2468\]/, "no generated leap-year pattern for dates");
        assert.match(json, /"format":"date"/);
      } finally {
        await mcp.close();
      }
    });

    test("a failed call answers isError with { code, message } and changes nothing", async () => {
      const mcp = await connectMcp(app, me.token!);
      try {
        const before = await snapshot();
        const cases = [
          { name: "complete_task", arguments: { match: "milk" }, code: "ambiguous", says: /several tasks match "milk": #1 Buy milk; #2 Milk the cow/ },
          { name: "delete_task", arguments: { number: 99 }, code: "not_found", says: /no task #99/ },
          { name: "add_task", arguments: { title: "x".repeat(201) }, code: "validation_error", says: /^title is at most 200 characters$/ },
          { name: "update_task", arguments: { number: 1, changes: { dueDate: "2026-02-30" } }, code: "validation_error", says: /changes\.dueDate/ },
          { name: "delete_task", arguments: {}, code: "validation_error", says: /number or words from its title/ },
        ];
        for (const c of cases) {
          const result = toolText(await mcp.callTool({ name: c.name, arguments: c.arguments }));
          assert.equal(result.isError, true, c.name);
          assert.ok((ERROR_CODES as readonly string[]).includes(result.structured.error.code));
          assert.equal(result.structured.error.code, c.code, `${c.name} ${JSON.stringify(c.arguments)}`);
          assert.match(result.structured.error.message, c.says);
          assert.equal(result.text, result.structured.error.message, "the text answer is the message");
        }
        assert.deepEqual(await snapshot(), before);
      } finally {
        await mcp.close();
      }
    });

    test("complete_task resolves among open tasks and is a no-op on a done one", async () => {
      const mcp = await connectMcp(app, me.token!);
      try {
        const done = toolText(await mcp.callTool({ name: "complete_task", arguments: { number: 1 } }));
        assert.equal(done.structured.task.completed, true);
        // "milk" now names one open task (#2): the done #1 no longer makes it ambiguous.
        const open = toolText(await mcp.callTool({ name: "complete_task", arguments: { match: "milk" } }));
        assert.equal(open.isError, false, open.text);
        assert.equal(open.structured.task.number, 2);
        const again = toolText(await mcp.callTool({ name: "complete_task", arguments: { number: 1 } }));
        assert.equal(again.structured.task.completedAt, done.structured.task.completedAt, "completing a done task changes nothing");
        assert.equal(again.structured.task.updatedAt, done.structured.task.updatedAt);
      } finally {
        await mcp.close();
      }
    });
  });
}
