import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildApp, Client, drivers, signUp, type TestDatabase } from "../../test/support.ts";

for (const driver of drivers) {
  describe(`tasks REST on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
    });
    after(() => db.dispose());

    test("create, read, update, complete and delete a task", async () => {
      const alice = await signUp(app);
      const created = await alice.post("/api/tasks", {
        title: "  Buy milk ",
        priority: "high",
        dueDate: "2026-11-23",
        tags: ["Groceries", "groceries", "home"],
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.title, "Buy milk");
      assert.equal(created.body.number, 1);
      assert.equal(created.body.completed, false);
      assert.deepEqual(created.body.tags, ["groceries", "home"]);
      assert.equal(created.body.dueDate, "2026-11-23");

      const fetched = await alice.get(`/api/tasks/${created.body.id}`);
      assert.equal(fetched.status, 200);
      assert.deepEqual(fetched.body, created.body);

      const done = await alice.patch(`/api/tasks/${created.body.id}`, { completed: true, priority: "low" });
      assert.equal(done.status, 200);
      assert.equal(done.body.completed, true);
      assert.equal(done.body.priority, "low");
      assert.ok(done.body.completedAt, "completedAt is set when completed");

      const reopened = await alice.patch(`/api/tasks/${created.body.id}`, { completed: false, dueDate: null });
      assert.equal(reopened.body.completedAt, null);
      assert.equal(reopened.body.dueDate, null);

      assert.equal((await alice.delete(`/api/tasks/${created.body.id}`)).status, 204);
      assert.equal((await alice.get(`/api/tasks/${created.body.id}`)).status, 404);
      const second = await alice.post("/api/tasks", { title: "Next" });
      assert.equal(second.body.number, 2, "numbers are never reused");
    });

    test("GET /api/tasks/me answers the caller's tasks as an array", async () => {
      const bob = await signUp(app);
      await bob.post("/api/tasks", { title: "One" });
      await bob.post("/api/tasks", { title: "Two" });
      const me = await bob.get("/api/tasks/me");
      assert.equal(me.status, 200);
      assert.deepEqual(
        me.body.map((t: { title: string }) => t.title),
        ["One", "Two"],
      );
    });

    test("filters, text search, sort and pagination", async () => {
      const carol = await signUp(app);
      const make = (title: string, extra: Record<string, unknown> = {}) => carol.post("/api/tasks", { title, ...extra });
      const a = await make("Write report", { priority: "high", dueDate: "2026-12-01", tags: ["work"], description: "quarterly numbers" });
      await make("Buy milk", { priority: "low", dueDate: "2026-11-23", tags: ["home"] });
      const c = await make("Call plumber", { priority: "medium", tags: ["home"] });
      await make("100% done_ish", { priority: "medium" });
      await carol.patch(`/api/tasks/${c.body.id}`, { completed: true });

      const titles = async (query: string) => ((await carol.get(`/api/tasks?${query}`)).body.tasks as { title: string }[]).map((t) => t.title);

      assert.deepEqual(await titles("status=completed"), ["Call plumber"]);
      assert.equal((await titles("status=pending")).length, 3);
      assert.deepEqual(await titles("priority=high"), ["Write report"]);
      assert.deepEqual(await titles("tag=home&sort=title"), ["Buy milk", "Call plumber"]);
      assert.deepEqual(await titles("dueBefore=2026-11-30"), ["Buy milk"]);
      assert.deepEqual(await titles("dueAfter=2026-11-24"), ["Write report"]);
      assert.deepEqual(await titles("q=QUARTERLY"), ["Write report"], "q searches descriptions, case-insensitively");
      assert.deepEqual(await titles("q=100%25"), ["100% done_ish"], "LIKE wildcards in q are literal");
      assert.deepEqual(await titles("q=_"), ["100% done_ish"]);
      assert.deepEqual((await titles("sort=due")).slice(0, 2), ["Buy milk", "Write report"], "due dates first, soonest first");
      assert.deepEqual(await titles("sort=priority&order=desc&status=pending"), ["Write report", "100% done_ish", "Buy milk"]);
      assert.deepEqual(await titles("sort=title&order=asc"), ["100% done_ish", "Buy milk", "Call plumber", "Write report"]);
      assert.deepEqual(await titles("sort=created&order=asc"), ["Write report", "Buy milk", "Call plumber", "100% done_ish"]);

      const page1 = await carol.get("/api/tasks?sort=title&order=asc&limit=2&offset=0");
      const page2 = await carol.get("/api/tasks?sort=title&order=asc&limit=2&offset=2");
      assert.equal(page1.body.total, 4);
      assert.deepEqual(
        [...page1.body.tasks, ...page2.body.tasks].map((t: { title: string }) => t.title),
        ["100% done_ish", "Buy milk", "Call plumber", "Write report"],
      );
      assert.equal(a.status, 201);
    });

    test("bad input answers 400 naming the field, and changes nothing", async () => {
      const dave = await signUp(app);
      const task = await dave.post("/api/tasks", { title: "Keep me" });
      const cases: [string, unknown, string][] = [
        ["title", { title: "" }, "title"],
        ["long title", { title: "x".repeat(201) }, "title"],
        ["priority", { title: "x", priority: "urgent" }, "priority"],
        ["due date", { title: "x", dueDate: "2026-02-30" }, "dueDate"],
        ["tags", { title: "x", tags: ["two words"] }, "tags.0"],
        ["unknown key", { title: "x", userId: "someone-else" }, "userId"],
      ];
      for (const [label, body, field] of cases) {
        const res = await dave.post("/api/tasks", body);
        assert.equal(res.status, 400, label);
        assert.equal(res.body.error.code, "validation_error", label);
        assert.equal(res.body.error.field, field, label);
        assert.match(res.body.error.message, new RegExp(field.split(".")[0]!), label);
      }
      const patch = await dave.patch(`/api/tasks/${task.body.id}`, {});
      assert.equal(patch.status, 400);
      assert.match(patch.body.error.message, /nothing to update/);
      const badJson = await dave.call("POST", "/api/tasks", "{not json", { "content-type": "application/json" });
      assert.equal(badJson.status, 400);
      assert.equal(badJson.body.error.code, "invalid_json");
      const after = await dave.get("/api/tasks/me");
      assert.deepEqual(
        after.body.map((t: { title: string }) => t.title),
        ["Keep me"],
      );
    });

    test("every task route needs a signed-in user", async () => {
      const anonymous = new Client(app);
      for (const [method, path] of [
        ["GET", "/api/tasks"],
        ["GET", "/api/tasks/me"],
        ["POST", "/api/tasks"],
        ["GET", "/api/tasks/00000000-0000-4000-8000-000000000000"],
        ["PATCH", "/api/tasks/00000000-0000-4000-8000-000000000000"],
        ["DELETE", "/api/tasks/00000000-0000-4000-8000-000000000000"],
      ] as const) {
        const res = await anonymous.call(method, path, method === "GET" || method === "DELETE" ? undefined : { title: "x" });
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(res.body.error.code, "unauthorized");
      }
    });
  });
}
