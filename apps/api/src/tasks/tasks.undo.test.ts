/**
 * Undo, the Trash and bulk changes, through every surface: REST, MCP (a real client over POST /mcp)
 * and the chat (the offline assistant). Each kind of change is undone exactly; two undos undo two
 * changes; nobody's undo, trash, restore or bulk change reaches another person's tasks.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { TRASH_DAYS, type Task } from "@todo/contracts";
import { buildApp, drivers, signUp, silentLogger, type TestDatabase } from "../../test/support.ts";
import { connectMcp, toolText } from "../../test/mcp-client.ts";
import { TaskService } from "./tasks.service.ts";
import { scheduleTrashPurge } from "./trash.purge.ts";

type Person = Awaited<ReturnType<typeof signUp>>;

/** A task without the fields every write changes. */
const stable = ({ updatedAt: _u, ...t }: Task) => t;
const all = async (p: Person): Promise<Task[]> => (await p.get("/api/tasks/me")).body;
const trash = async (p: Person): Promise<Task[]> => (await p.get("/api/tasks/trash")).body.tasks;
const undo = (p: Person) => p.post("/api/changes/undo");

for (const driver of drivers) {
  describe(`undo, trash and bulk on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    let service: TaskService;

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
      service = new TaskService(db.handle.db);
    });
    after(() => db.dispose());

    test("each kind of change is undone exactly (REST)", async () => {
      const me = await signUp(app);
      const a = (await me.post("/api/tasks", { title: "Write report", priority: "high", dueDate: "2026-12-01", tags: ["work"], description: "q4" })).body;
      const original = stable(a);

      // update: every field it changed goes back
      await me.patch(`/api/tasks/${a.id}`, { title: "Write the report", priority: "low", dueDate: null, tags: ["home"], description: "" });
      let u = await undo(me);
      assert.equal(u.status, 200);
      assert.equal(u.body.op, "update");
      assert.deepEqual(stable((await me.get(`/api/tasks/${a.id}`)).body), original);

      // complete, then undo: open again with no completedAt
      await me.patch(`/api/tasks/${a.id}`, { completed: true });
      u = await undo(me);
      assert.equal(u.body.op, "complete");
      assert.deepEqual(stable((await me.get(`/api/tasks/${a.id}`)).body), original);

      // reopen, then undo: done again with its very completedAt
      const done = (await me.patch(`/api/tasks/${a.id}`, { completed: true })).body;
      await me.patch(`/api/tasks/${a.id}`, { completed: false });
      u = await undo(me);
      assert.equal(u.body.op, "reopen");
      assert.deepEqual(stable((await me.get(`/api/tasks/${a.id}`)).body), stable(done));
      await me.patch(`/api/tasks/${a.id}`, { completed: false });

      // delete, then undo: back, same number, out of the Trash
      assert.equal((await me.delete(`/api/tasks/${a.id}`)).status, 204);
      assert.equal((await me.get(`/api/tasks/${a.id}`)).status, 404);
      u = await undo(me);
      assert.equal(u.body.op, "delete");
      assert.deepEqual(stable((await me.get(`/api/tasks/${a.id}`)).body), original);
      assert.deepEqual(await trash(me), []);

      // restore, then undo: in the Trash again
      await me.delete(`/api/tasks/${a.id}`);
      await me.post(`/api/tasks/${a.id}/restore`);
      u = await undo(me);
      assert.equal(u.body.op, "restore");
      assert.deepEqual(
        (await trash(me)).map((t) => t.id),
        [a.id],
      );
      await me.post(`/api/tasks/${a.id}/restore`);

      // add, then undo: gone altogether (not in the Trash either); numbers are not reused
      const b = (await me.post("/api/tasks", { title: "Temporary" })).body;
      u = await undo(me);
      assert.equal(u.body.op, "add");
      assert.equal((await me.get(`/api/tasks/${b.id}`)).status, 404);
      assert.deepEqual(
        (await all(me)).map((t) => t.number),
        [a.number],
      );
      assert.equal((await trash(me)).length, 0);
      assert.equal((await me.post("/api/tasks", { title: "Next" })).body.number, b.number + 1);
    });

    test("two undos in a row undo two changes; then there is nothing to undo", async () => {
      const me = await signUp(app);
      const t = (await me.post("/api/tasks", { title: "Call mom" })).body;
      await me.patch(`/api/tasks/${t.id}`, { priority: "high" });
      await me.patch(`/api/tasks/${t.id}`, { completed: true });
      assert.equal((await undo(me)).body.op, "complete");
      assert.equal((await undo(me)).body.op, "update");
      const now = (await me.get(`/api/tasks/${t.id}`)).body;
      assert.deepEqual([now.completed, now.priority], [false, "medium"]);
      assert.equal((await undo(me)).body.op, "add");
      const none = await undo(me);
      assert.equal(none.status, 404);
      assert.equal(none.body.error.code, "not_found");
      assert.deepEqual(await all(me), []);
    });

    test("the Trash: hidden from every read, restorable under its number, not counted as open", async () => {
      const me = await signUp(app);
      const milk = (await me.post("/api/tasks", { title: "Buy milk", tags: ["shopping"] })).body;
      await me.post("/api/tasks", { title: "Buy bread" });
      await me.delete(`/api/tasks/${milk.id}`);
      assert.deepEqual(
        (await all(me)).map((t) => t.title),
        ["Buy bread"],
      );
      assert.equal((await me.get("/api/tasks?q=milk")).body.total, 0);
      assert.equal((await me.get("/api/tasks?tag=shopping")).body.total, 0);
      const trashed = await trash(me);
      assert.equal(trashed.length, 1);
      assert.ok(trashed[0]!.deletedAt);
      assert.equal((await me.delete(`/api/tasks/${milk.id}`)).status, 404, "a deleted task cannot be deleted again");
      assert.equal((await me.patch(`/api/tasks/${milk.id}`, { title: "x" })).status, 404, "nor changed");
      const restored = await me.post(`/api/tasks/${milk.id}/restore`);
      assert.equal(restored.status, 200);
      assert.equal(restored.body.number, milk.number);
      assert.equal(restored.body.deletedAt, null);
      assert.equal((await me.post(`/api/tasks/${milk.id}/restore`)).status, 404, "only a task in the Trash can be restored");
      const counts = await service.previewBulk(me.userId, { status: "pending" });
      assert.equal(counts.count, 2);
    });

    test("purgeTrash removes what was deleted more than the Trash's days ago, and the change log as old", async () => {
      const me = await signUp(app);
      const t = (await me.post("/api/tasks", { title: "Old thing" })).body;
      const kept = (await me.post("/api/tasks", { title: "Kept" })).body;
      await me.delete(`/api/tasks/${t.id}`);
      const day = 86_400_000;
      const deletedAt = new Date((await trash(me))[0]!.deletedAt!).getTime();
      await service.purgeTrash(new Date(deletedAt + (TRASH_DAYS - 1) * day));
      assert.equal((await trash(me)).length, 1, "still restorable within the Trash's days");
      const purged = await service.purgeTrash(new Date(deletedAt + (TRASH_DAYS + 1) * day));
      assert.ok(purged.tasks >= 1);
      assert.ok(purged.changes >= 3);
      assert.deepEqual(await trash(me), []);
      // The server's schedule runs the same purge, at once and then periodically (a fake clock here).
      const late = (await me.post("/api/tasks", { title: "Deleted later" })).body;
      await me.delete(`/api/tasks/${late.id}`);
      const schedule = scheduleTrashPurge(service, silentLogger, () => new Date(Date.now() + (TRASH_DAYS + 1) * day));
      await schedule.first;
      schedule.stop();
      assert.deepEqual(await trash(me), []);
      assert.deepEqual(
        (await all(me)).map((x) => x.id),
        [kept.id],
        "live tasks are never purged",
      );
      assert.equal((await undo(me)).status, 404, "the purged log has nothing left to undo");
    });

    test("bulk over REST: changes exactly the tasks a list shows, as one change; one undo reverts it", async () => {
      const me = await signUp(app);
      for (const title of ["Eggs", "Bread", "Milk"]) await me.post("/api/tasks", { title, tags: ["shopping"] });
      const other = (await me.post("/api/tasks", { title: "Report", tags: ["work"] })).body;
      const beforeAll = (await all(me)).map(stable);
      const preview = await me.post("/api/tasks/bulk/preview", { filter: { tag: "shopping" } });
      assert.deepEqual(preview.body.count, 3);
      const res = await me.post("/api/tasks/bulk", { filter: { tag: "shopping", status: "pending" }, changes: { completed: true } });
      assert.equal(res.status, 200);
      assert.equal(res.body.count, 3);
      assert.equal((await me.get(`/api/tasks/${other.id}`)).body.completed, false);
      assert.equal((await me.post("/api/tasks/bulk", { filter: { tag: "shopping", status: "pending" }, changes: { completed: true } })).body.count, 0);
      const del = await me.post("/api/tasks/bulk", { filter: { status: "completed" }, changes: { delete: true } });
      assert.equal(del.body.count, 3);
      assert.equal((await trash(me)).length, 3);
      assert.equal((await undo(me)).body.count, 3);
      assert.equal((await undo(me)).body.op, "bulk");
      assert.deepEqual((await all(me)).map(stable), beforeAll, "two undos: exactly as before both bulk changes");
      const bad = await me.post("/api/tasks/bulk", { filter: {}, changes: {} });
      assert.equal(bad.status, 400);
      assert.equal((await me.post("/api/tasks/bulk", { filter: {}, changes: { delete: true, priority: "low" } })).status, 400);
      // each bulk change, undone exactly
      for (const changes of [{ priority: "high" }, { dueDate: "2027-01-02" }, { addTag: "errand" }, { completed: true }]) {
        const r = await me.post("/api/tasks/bulk", { filter: { status: "all" }, changes });
        assert.equal(r.body.count, 4, JSON.stringify(changes));
        await undo(me);
        assert.deepEqual((await all(me)).map(stable), beforeAll, JSON.stringify(changes));
      }
    });

    test("isolation over REST: nobody's undo, trash, restore or bulk change reaches another person", async () => {
      const alice = await signUp(app);
      const bob = await signUp(app);
      const a = (await alice.post("/api/tasks", { title: "Alice's task", tags: ["shopping"] })).body;
      await alice.delete(`/api/tasks/${a.id}`);
      const a2 = (await alice.post("/api/tasks", { title: "Alice's other", tags: ["shopping"] })).body;
      const aliceBefore = { live: await all(alice), trash: await trash(alice) };

      assert.deepEqual(await trash(bob), []);
      assert.equal((await bob.post(`/api/tasks/${a.id}/restore`)).status, 404);
      assert.equal((await undo(bob)).status, 404);
      assert.equal((await bob.post("/api/tasks/bulk", { filter: {}, changes: { completed: true } })).body.count, 0);
      assert.equal((await bob.post("/api/tasks/bulk", { filter: { tag: "shopping" }, changes: { delete: true } })).body.count, 0);
      assert.equal((await bob.post("/api/tasks/bulk/preview", { filter: {} })).body.count, 0);
      await bob.post("/api/tasks", { title: "Bob's" });
      assert.equal((await undo(bob)).body.op, "add");
      assert.deepEqual({ live: await all(alice), trash: await trash(alice) }, aliceBefore);
      assert.equal((await alice.get(`/api/tasks/${a2.id}`)).status, 200);
    });

    test("a bulk filter selects exactly what list_tasks lists (generated filters)", async () => {
      const me = await signUp(app);
      const tags = ["home", "work", "shopping"];
      const dates = [null, "2026-11-20", "2026-11-25", "2026-12-01"];
      const titles = ["Buy milk", "Call mom", "Write report", "Pay rent", "Milk the cow", "Book 100% flights"];
      let i = 0;
      for (const title of titles) {
        for (const priority of ["low", "medium", "high"]) {
          const t = (
            await me.post("/api/tasks", { title, priority, dueDate: dates[i % 4], tags: [tags[i % 3]!, ...(i % 5 === 0 ? [tags[(i + 1) % 3]!] : [])] })
          ).body;
          if (i % 3 === 0) await me.patch(`/api/tasks/${t.id}`, { completed: true });
          if (i % 7 === 0) await me.delete(`/api/tasks/${t.id}`);
          i++;
        }
      }
      const filterArb = fc.record(
        {
          status: fc.constantFrom("all", "pending", "completed"),
          priority: fc.constantFrom("low", "medium", "high"),
          tag: fc.constantFrom(...tags),
          dueBefore: fc.constantFrom("2026-11-20", "2026-11-25", "2026-12-31"),
          dueAfter: fc.constantFrom("2026-11-19", "2026-11-25"),
          q: fc.constantFrom("milk", "MOM", "100%", "re", "_"),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(filterArb, async (filter) => {
          const listed = await service.listTasks(me.userId, { status: "all", ...filter, sort: "created", limit: 100, offset: 0 });
          const preview = await service.previewBulk(me.userId, { status: "all", ...filter });
          assert.equal(preview.count, listed.total);
          const listedNumbers = listed.tasks.map((t) => t.number).sort((x, y) => x - y);
          assert.deepEqual(
            preview.tasks.map((t) => t.number),
            listedNumbers.slice(0, 5),
          );
          // The change itself touches exactly those tasks, then undo puts them back.
          const changed = await service.updateMany(me.userId, { status: "all", ...filter }, { addTag: "probe" });
          const tagged = await service.listTasks(me.userId, { status: "all", tag: "probe", sort: "created", limit: 100, offset: 0 });
          assert.deepEqual(
            tagged.tasks.map((t) => t.number).sort((x, y) => x - y),
            listedNumbers,
          );
          assert.equal(changed.count, listed.total);
          if (changed.count > 0) await service.undo(me.userId);
          assert.equal((await service.listTasks(me.userId, { status: "all", tag: "probe", sort: "created", limit: 100, offset: 0 })).total, 0);
        }),
        { numRuns: 40 },
      );
    });

    test("MCP: add several, update_tasks, undo and restore, each for the caller only", async () => {
      const alice = await signUp(app);
      const bob = await signUp(app);
      await alice.post("/api/tasks", { title: "Alice's milk", tags: ["shopping"] });
      const aliceBefore = await all(alice);
      const mcp = await connectMcp(app, bob.token!);
      const bobAlso = await connectMcp(app, alice.token!);
      try {
        const call = async (name: string, args: Record<string, unknown>) => toolText(await mcp.callTool({ name, arguments: args }));
        const added = await call("add_task", { title: "Eggs", tags: ["shopping"], more: ["Bread", "Milk"] });
        assert.equal(added.isError, false, added.text);
        assert.deepEqual(
          added.structured.tasks.map((t: Task) => [t.number, t.title, t.tags]),
          [
            [1, "Eggs", ["shopping"]],
            [2, "Bread", ["shopping"]],
            [3, "Milk", ["shopping"]],
          ],
        );
        const bulk = await call("update_tasks", { filter: { tag: "shopping" }, changes: { completed: true } });
        assert.equal(bulk.structured.count, 3, bulk.text);
        const del = await call("update_tasks", { filter: { status: "completed" }, changes: { delete: true } });
        assert.equal(del.structured.count, 3);
        const back = await call("undo", { match: "bread" });
        assert.equal(back.structured.task.number, 2, back.text);
        const undone = await call("undo", {});
        assert.equal(undone.structured.op, "restore");
        assert.equal((await call("undo", {})).structured.op, "bulk");
        assert.deepEqual(
          (await all(bob)).map((t) => [t.title, t.completed]),
          [
            ["Eggs", true],
            ["Bread", true],
            ["Milk", true],
          ],
        );
        assert.equal((await call("undo", {})).structured.count, 3);
        assert.equal((await call("undo", {})).structured.op, "add");
        assert.deepEqual(await all(bob), []);
        const nothing = await call("undo", {});
        assert.equal(nothing.isError, true);
        assert.equal(nothing.structured.error.code, "not_found");
        // Alice's task (#1 in her list) is out of Bob's reach by number or by words.
        await alice.delete(`/api/tasks/${aliceBefore[0]!.id}`);
        for (const ref of [{ number: 1 }, { match: "alice milk" }]) {
          const r = await call("undo", ref);
          assert.equal(r.isError, true);
          assert.equal(r.structured.error.code, "not_found");
        }
        assert.equal((await trash(alice)).length, 1);
        const restored = toolText(await bobAlso.callTool({ name: "undo", arguments: { match: "milk" } }));
        assert.equal(restored.structured.task.number, 1, "Alice restores her own");
        assert.deepEqual((await all(alice)).map(stable), aliceBefore.map(stable));
      } finally {
        await mcp.close();
        await bobAlso.close();
      }
    });

    test("chat: undo refuses a change the tasks page has changed since, and says so; nothing moves", async () => {
      const me = await signUp(app);
      const said = await me.post("/api/chat", { message: "add buy stamps", timeZone: "UTC" });
      assert.equal(said.status, 200, said.text);
      const chat = said.body.conversationId as string;
      const stamps = (await all(me)).find((t) => t.title === "Buy stamps")!;
      assert.equal((await me.patch(`/api/tasks/${stamps.id}`, { completed: true })).status, 200, "ticked off on the tasks page");

      const undo = await me.post("/api/chat", { message: "undo", conversationId: chat, timeZone: "UTC" });
      assert.equal(undo.status, 200, undo.text);
      assert.match(undo.body.reply, /changed since/);
      const now = (await all(me)).find((t) => t.id === stamps.id);
      assert.ok(now, "the task the chat added is still there");
      assert.equal(now.completed, true, "and still done");
    });

    test("chat: several added as one change, bulk, undo (this conversation's), restore; never another person's", async () => {
      const alice = await signUp(app);
      const bob = await signUp(app);
      const say = async (p: Person, message: string, conversationId?: string) => {
        const res = await p.post("/api/chat", { message, timeZone: "UTC", ...(conversationId ? { conversationId } : {}) });
        assert.equal(res.status, 200, message);
        return res.body as {
          conversationId: string;
          reply: string;
          toolCalls: { name: string; isError?: boolean; result: any }[];
          pendingApprovals: { id: string; total: number }[];
        };
      };
      /** A change that waits for approval (a delete, a bulk change of 3 or more): nothing happens until it is approved. */
      const sayApproved = async (p: Person, message: string, conversationId: string, total: number) => {
        const before = JSON.stringify(await all(p));
        const asked = await say(p, message, conversationId);
        assert.equal(asked.pendingApprovals.length, 1, `${message}: waits for approval`);
        assert.equal(asked.pendingApprovals[0]!.total, total, `${message}: the count shown before it runs`);
        assert.equal(JSON.stringify(await all(p)), before, `${message}: nothing changed before the approval`);
        const res = await p.post("/api/chat", { conversationId, approvals: [{ id: asked.pendingApprovals[0]!.id, approved: true }] });
        assert.equal(res.status, 200, res.text);
        return res.body as Awaited<ReturnType<typeof say>>;
      };
      const first = await say(alice, "add eggs, bread and milk to shopping");
      const chat = first.conversationId;
      assert.deepEqual(
        (await all(alice)).map((t) => [t.title, t.tags]),
        [
          ["Eggs", ["shopping"]],
          ["Bread", ["shopping"]],
          ["Milk", ["shopping"]],
        ],
      );
      await alice.post("/api/tasks", { title: "Alice's report", tags: ["work"] });
      const done = await sayApproved(alice, "complete all shopping tasks", chat, 3);
      assert.equal(done.toolCalls[0]!.result.count, 3, done.reply);
      assert.match(done.reply, /Updated 3 tasks/);

      // Another conversation's change is not this conversation's to undo.
      const other = await say(alice, "add call the bank");
      assert.ok(other.conversationId !== chat);

      const undone = await say(alice, "undo", chat);
      assert.match(undone.reply, /Undone/);
      assert.deepEqual(
        (await all(alice)).map((t) => t.completed),
        [false, false, false, false, false],
      );
      await say(alice, "undo that", chat);
      assert.deepEqual(
        (await all(alice)).map((t) => t.title),
        ["Alice's report", "Call the bank"],
        "the second undo removed the three added in this conversation, nothing else",
      );
      const nothing = await say(alice, "undo", chat);
      assert.match(nothing.reply, /nothing to undo in this conversation/);

      // Delete, then bring it back: same number.
      const bank = (await all(alice)).find((t) => t.title === "Call the bank")!;
      await sayApproved(alice, "delete the bank task", chat, 1);
      assert.equal((await trash(alice)).length, 1);
      const back = await say(alice, "bring back the bank task", chat);
      assert.match(back.reply, new RegExp(`Restored #${bank.number}`));
      assert.equal((await all(alice)).find((t) => t.title === "Call the bank")!.number, bank.number);

      // "clear completed" puts the done ones in the Trash.
      await say(alice, "mark all tasks as done", chat);
      const cleared = await say(alice, "clear completed", chat);
      assert.equal(cleared.toolCalls[0]!.result.count, 2, cleared.reply);
      assert.deepEqual(await all(alice), []);
      await say(alice, "undo", chat);
      const aliceNow = await all(alice);
      assert.equal(aliceNow.length, 2);

      // Bob's words reach only Bob's tasks.
      const bobChat = await say(bob, "mark all tasks as done");
      assert.equal(bobChat.toolCalls[0]!.result.count, 0);
      assert.match((await say(bob, "clear completed")).reply, /nothing changed/);
      assert.match((await say(bob, "undo")).reply, /nothing to undo/);
      assert.equal((await say(bob, "bring back the bank task")).toolCalls[0]!.isError, true);
      assert.equal((await say(bob, "delete all shopping tasks")).toolCalls[0]!.result.count, 0);
      assert.deepEqual(await all(alice), aliceNow);
    });
  });
}
