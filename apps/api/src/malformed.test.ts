/**
 * Several hundred generated malformed bodies, parameters and ids: every one answers a 4xx in the
 * one error shape (never a 5xx), and nothing already stored changes.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { buildApp, drivers, signUp, type TestDatabase } from "../test/support.ts";

const RUNS = 80;
const TASK_KEYS = ["title", "description", "completed", "priority", "dueDate", "tags"];
const okTitle = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0);
const notJson = fc.string().filter((s) => {
  try {
    JSON.parse(s);
    return false;
  } catch {
    return true;
  }
});
const notDate = fc.oneof(
  fc.string().filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
  fc.constantFrom("2026-02-30", "2026-13-01", "2026-00-10", "0000-00-00", "2025-02-29"),
  fc.integer(),
);
const badTag = fc.oneof(
  fc.string().filter((s) => !/^[\p{L}\p{N}_-]+$/u.test(s.trim()) || s.trim().length > 32),
  fc.integer(),
  fc.constant(null),
);
const unknownKeys = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !TASK_KEYS.includes(k) && k !== "__proto__"),
  fc.jsonValue(),
  { minKeys: 1, maxKeys: 3 },
);
/** Longer than `max` even after trimming (fc.string can start or end with spaces). */
const tooLong = (max: number) => fc.string({ minLength: max + 1, maxLength: max + 60 }).map((s) => `x${s}x`);
const notObject = fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.integer(), fc.constant(null), fc.string(), fc.boolean());

/** A task body with at least one thing wrong. */
const badCreateBody = fc.oneof(
  fc.record({ title: fc.oneof(fc.constant(""), fc.constant("   "), tooLong(200), fc.integer(), fc.boolean(), fc.constant(null)) }),
  fc.record({}),
  fc.record({
    title: okTitle,
    priority: fc.oneof(
      fc.string().filter((s) => !["low", "medium", "high"].includes(s)),
      fc.integer(),
    ),
  }),
  fc.record({ title: okTitle, dueDate: notDate }),
  fc.record({
    title: okTitle,
    tags: fc.oneof(fc.string(), fc.array(badTag, { minLength: 1, maxLength: 3 }), fc.array(fc.constant("ok"), { minLength: 11, maxLength: 15 })),
  }),
  fc.record({ title: okTitle, description: fc.oneof(tooLong(2000), fc.integer()) }),
  fc.tuple(okTitle, unknownKeys).map(([title, extra]) => ({ ...extra, title })),
  notObject,
);

const badPatchBody = fc.oneof(
  fc.constant({}),
  fc.record({ completed: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
  fc.record({ title: fc.oneof(fc.constant(""), tooLong(200), fc.constant(null)) }),
  fc.record({ dueDate: notDate.filter((d) => d !== null) }),
  fc.record({ tags: fc.array(badTag, { minLength: 1, maxLength: 2 }) }),
  fc.record({ priority: fc.string().filter((s) => !["low", "medium", "high"].includes(s)) }),
  unknownKeys,
  notObject,
);

const badQuery = fc.oneof(
  fc.record({ status: fc.string().filter((s) => !["all", "pending", "completed"].includes(s)) }),
  fc.record({ priority: fc.string().filter((s) => !["low", "medium", "high"].includes(s)) }),
  fc.record({ sort: fc.string().filter((s) => !["created", "due", "priority", "title"].includes(s)) }),
  fc.record({ order: fc.string().filter((s) => !["asc", "desc"].includes(s)) }),
  fc.record({ limit: fc.oneof(fc.integer({ min: 101 }), fc.integer({ max: 0 }), fc.constantFrom("abc", "1.5", "NaN", "Infinity")) }),
  fc.record({ offset: fc.oneof(fc.integer({ max: -1 }), fc.constantFrom("x", "-0.5")) }),
  fc.record({ dueBefore: notDate.map(String) }),
  fc.record({ dueAfter: notDate.map(String) }),
  fc.record({ q: tooLong(200) }),
  fc.record({ [`zz${Math.random().toString(36).slice(2, 6)}`]: fc.string() }),
);

const badChatBody = fc.oneof(
  fc.record({ message: fc.oneof(fc.constant(""), fc.constant("  "), tooLong(4000), fc.integer(), fc.constant(null)) }),
  fc.record({
    message: okTitle,
    conversationId: fc.oneof(
      fc.string().filter((s) => !/^[0-9a-f-]{36}$/i.test(s)),
      fc.integer(),
    ),
  }),
  fc.record({
    message: okTitle,
    timeZone: fc.oneof(
      fc.string({ maxLength: 12 }).map((s) => `Nowhere/${s}`),
      fc.constant("Mars/Olympus_Mons"),
      fc.integer(),
    ),
  }),
  fc
    .tuple(
      okTitle,
      unknownKeys.filter((k) => !("message" in k) && !("conversationId" in k) && !("timeZone" in k)),
    )
    .map(([message, extra]) => ({ ...extra, message })),
  notObject,
);

const notUuid = fc
  .string({ minLength: 1, maxLength: 40 })
  .filter((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) && !s.includes("/") && !s.includes("?") && !s.includes("#"));

for (const driver of drivers) {
  describe(`malformed input on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    let me: Awaited<ReturnType<typeof signUp>>;
    let taskId: string;
    let snapshot: () => Promise<string>;
    let before0: string;

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
      me = await signUp(app);
      taskId = (await me.post("/api/tasks", { title: "Stays as it is", tags: ["keep"], dueDate: "2026-12-24" })).body.id;
      const chat = await me.post("/api/chat", { message: "add another keeper" });
      assert.equal(chat.status, 200);
      snapshot = async () =>
        JSON.stringify([
          (await me.get("/api/tasks/me")).body,
          (await me.get("/api/conversations")).body,
          (await me.get(`/api/conversations/${chat.body.conversationId}`)).body,
        ]);
      before0 = await snapshot();
    });
    after(() => db.dispose());

    const expect4xx = (res: { status: number; body: any; text: string }, what: string) => {
      assert.ok(res.status >= 400 && res.status < 500, `${what} → ${res.status} ${res.text.slice(0, 200)}`);
      assert.equal(typeof res.body?.error?.code, "string", `${what}: error shape`);
      assert.equal(typeof res.body?.error?.message, "string", `${what}: error shape`);
    };
    const send = (method: string, path: string, body: unknown) =>
      me.call(method, path, typeof body === "string" ? JSON.stringify(body) : body === undefined ? "null" : JSON.stringify(body), {
        "content-type": "application/json",
      });

    test("POST /api/tasks", async () => {
      await fc.assert(
        fc.asyncProperty(badCreateBody, async (body) => expect4xx(await send("POST", "/api/tasks", body), JSON.stringify(body))),
        { numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(notJson, async (raw) => expect4xx(await me.call("POST", "/api/tasks", raw, { "content-type": "application/json" }), raw)),
        { numRuns: 30 },
      );
    });

    test("PATCH /api/tasks/:id", async () => {
      await fc.assert(
        fc.asyncProperty(badPatchBody, async (body) => expect4xx(await send("PATCH", `/api/tasks/${taskId}`, body), JSON.stringify(body))),
        { numRuns: RUNS },
      );
    });

    test("task ids in the path", async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(notUuid, fc.uuid({ version: 4 })), fc.constantFrom("GET", "PATCH", "DELETE"), async (id, method) => {
          const path = `/api/tasks/${encodeURIComponent(id)}`;
          const res = method === "PATCH" ? await send("PATCH", path, { title: "changed" }) : await me.call(method, path);
          expect4xx(res, `${method} ${path}`);
        }),
        { numRuns: RUNS },
      );
    });

    test("GET /api/tasks query parameters", async () => {
      await fc.assert(
        fc.asyncProperty(badQuery, async (query) => {
          const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
          expect4xx(await me.get(`/api/tasks?${qs}`), qs);
        }),
        { numRuns: RUNS },
      );
    });

    test("POST /api/chat and conversation ids", async () => {
      await fc.assert(
        fc.asyncProperty(badChatBody, async (body) => expect4xx(await send("POST", "/api/chat", body), JSON.stringify(body))),
        { numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(notUuid, async (id) => expect4xx(await me.get(`/api/conversations/${encodeURIComponent(id)}`), id)),
        { numRuns: 30 },
      );
    });

    test("oversized bodies are refused with 413", async () => {
      const res = await send("POST", "/api/tasks", { title: "x", description: "y".repeat(70_000) });
      assert.equal(res.status, 413);
      assert.equal(res.body.error.code, "payload_too_large");
    });

    test("nothing stored changed", async () => {
      assert.equal(await snapshot(), before0);
    });
  });
}
