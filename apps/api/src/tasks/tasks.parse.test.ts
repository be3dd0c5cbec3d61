import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildApp, Client, drivers, signUp, type TestDatabase } from "../../test/support.ts";

/** Sunday 22 November 2026, 10:00 in Paris: "friday" is the 27th. */
const NOW = new Date("2026-11-22T09:00:00Z");

for (const driver of drivers) {
  describe(`POST /api/tasks/parse (quick add) on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle, { clock: () => NOW }).app;
    });
    after(() => db.dispose());

    test("reads a line the way the assistant does: title, due date, tags, priority", async () => {
      const alice = await signUp(app);
      const res = await alice.post("/api/tasks/parse", { text: "pay rent friday #home !high", timeZone: "Europe/Paris" });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { title: "Pay rent", priority: "high", dueDate: "2026-11-27", tags: ["home"] });

      const plain = await alice.post("/api/tasks/parse", { text: "buy milk" });
      assert.deepEqual(plain.body, { title: "Buy milk", tags: [] }, "no priority or date when none is named");

      const more = await alice.post("/api/tasks/parse", { text: "call the bank tmrw #work #Calls !low", timeZone: "Europe/Paris" });
      assert.deepEqual(more.body, { title: "Call the bank", priority: "low", dueDate: "2026-11-23", tags: ["work", "calls"] });

      const list = await alice.post("/api/tasks/parse", { text: "eggs, bread and milk #shopping" });
      assert.equal(list.body.title, "Eggs, bread and milk", "the add box adds one task: a list stays one title");

      const onlyDetails = await alice.post("/api/tasks/parse", { text: "friday #home" });
      assert.equal(onlyDetails.body.title, "", "nothing left for a title");
    });

    test("the day is the person's: late Sunday evening in Los Angeles is still Sunday there", async () => {
      const late = buildApp(db.handle, { clock: () => new Date("2026-11-23T05:00:00Z") }).app;
      const me = await signUp(late);
      const la = await me.post("/api/tasks/parse", { text: "pay rent tomorrow", timeZone: "America/Los_Angeles" });
      assert.equal(la.body.dueDate, "2026-11-23");
      const utc = await me.post("/api/tasks/parse", { text: "pay rent tomorrow" });
      assert.equal(utc.body.dueDate, "2026-11-24", "UTC by default");
    });

    test("stores nothing, for the caller or anyone else", async () => {
      const bob = await signUp(app);
      const carol = await signUp(app);
      await carol.post("/api/tasks", { title: "Carol's own" });
      for (const text of ["pay rent friday #home !high", "buy milk"]) assert.equal((await bob.post("/api/tasks/parse", { text })).status, 200);
      assert.equal((await bob.get("/api/tasks")).body.total, 0);
      const carols = (await carol.get("/api/tasks")).body;
      assert.deepEqual(
        carols.tasks.map((t: { title: string }) => t.title),
        ["Carol's own"],
      );
    });

    test("bad input answers 400 saying what is wrong", async () => {
      const dave = await signUp(app);
      const cases: [unknown, RegExp][] = [
        [{}, /text/],
        [{ text: 42 }, /text/],
        [{ text: "a".repeat(401) }, /text is at most/],
        [{ text: "x", timeZone: "Mars/Olympus" }, /IANA time zone/],
        [{ text: "x", extra: 1 }, /extra|unrecognized/i],
        [{ text: "nul \u0000 here" }, /text/],
      ];
      for (const [body, message] of cases) {
        const res = await dave.post("/api/tasks/parse", body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.text, message, JSON.stringify(body));
      }
      const notJson = await dave.call("POST", "/api/tasks/parse", "{not json", { "content-type": "application/json" });
      assert.equal(notJson.status, 400);
    });

    test("needs a signed-in user", async () => {
      const res = await new Client(app).post("/api/tasks/parse", { text: "pay rent friday" });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, "unauthorized");
    });
  });
}
