/**
 * The outside review's attacks (issue 11), each against the real app on real databases: spoofed
 * client addresses, text PostgreSQL cannot store, a chat turn that fails after its tools acted,
 * tokens and prompts in the logs, unbounded reads and per-person limits, MCP batches, concurrent
 * chat turns, and Better Auth's answers (tokens to browsers, sign-up, password change, names).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { CHAT_LIMITS, TASK_LIMITS } from "@todo/contracts";
import { sql } from "drizzle-orm";
import { buildApp, capturingLogger, Client, drivers, fromAddress, signUp, testConfig, type TestDatabase } from "../test/support.ts";
import { lastRole, startFakeOpenAI, type FakeOpenAI } from "../test/fake-openai.ts";
import { compileTrust } from "./http/client-ip.ts";
import { connectMcp, toolText } from "../test/mcp-client.ts";

const modelAt = (baseURL: string) => createOpenAICompatible({ name: "fake", baseURL, apiKey: "test-key" }).chatModel("fake-model");
const PASSWORD = "correct horse battery";
const email = () => `hard-${Math.random().toString(36).slice(2)}@example.test`;

for (const driver of drivers) {
  describe(`hardening on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    let fake: FakeOpenAI;
    /** What the fake model does next, per test. */
    let script: Parameters<typeof startFakeOpenAI>[0] = () => ({ text: "ok" });

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
      fake = await startFakeOpenAI((req, i) => script(req, i));
    });
    after(async () => {
      await fake.close();
      await db.dispose();
    });

    const count = async (query: ReturnType<typeof sql>) => {
      const res = (await db.handle.db.execute(query)) as unknown as { rows: { n: unknown }[] };
      return Number(res.rows[0]?.n);
    };

    describe("1. client addresses and the sign-in limit", () => {
      test("invented X-Forwarded-For values from an untrusted peer all count against the peer", async () => {
        const limited = buildApp(db.handle, { config: { auth: { ...testConfig().auth, rateLimit: { max: 5, windowSeconds: 60 } } } }).app;
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) {
          const res = await limited.request(
            "/api/auth/sign-in/email",
            {
              method: "POST",
              headers: { "content-type": "application/json", "x-forwarded-for": `198.18.${i}.${i + 1}` },
              body: JSON.stringify({ email: "victim@example.test", password: `guess-${i}-guess` }),
            },
            fromAddress("203.0.113.99"),
          );
          statuses.push(res.status);
        }
        assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
        assert.ok(
          statuses.slice(5).every((s) => s === 429),
          `after 5 attempts every one is refused: ${statuses.join(",")}`,
        );
        assert.equal(await count(sql`select count(*) as n from rate_limit where key like '198.18.%'`), 0, "no counter per invented address");
      });

      test("a trusted proxy's chain is walked from the right, skipping trusted hops", async () => {
        const trust = compileTrust("loopback, 10.0.0.0/8");
        const behind = buildApp(db.handle, { config: { trustProxy: trust, auth: { ...testConfig().auth, rateLimit: { max: 2, windowSeconds: 60 } } } }).app;
        const attempt = (xff: string, peer = "127.0.0.1") =>
          behind.request(
            "/api/auth/sign-in/email",
            {
              method: "POST",
              headers: { "content-type": "application/json", "x-forwarded-for": xff },
              body: JSON.stringify({ email: "victim@example.test", password: "wrong wrong" }),
            },
            fromAddress(peer),
          );
        // The client spoofs a left-most entry; the proxies append the real address (192.0.2.10).
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await attempt(`6.6.6.${i}, 192.0.2.10, 10.1.2.3`)).status);
        assert.deepEqual(statuses, [401, 401, 429], "one bucket for 192.0.2.10 whatever it claims to the left");
        assert.equal((await attempt("192.0.2.11, 10.1.2.3")).status, 401, "another real client has its own bucket");
        // The same header from a peer that is not trusted is ignored: that peer is the client.
        assert.equal((await attempt("192.0.2.12", "198.51.100.200")).status, 401);
        assert.equal((await attempt("192.0.2.13", "198.51.100.200")).status, 401);
        assert.equal((await attempt("192.0.2.14", "198.51.100.200")).status, 429);
      });

      test("TRUSTED_PROXIES that is not an address list stops start-up naming the key", async () => {
        const { loadConfig } = await import("./config.ts");
        assert.throws(() => loadConfig({ TRUSTED_PROXIES: "10.0.0.0/8, not-an-ip", DATA_DIR: "/tmp/todo-hardening" }), /TRUSTED_PROXIES: "not-an-ip"/);
        assert.doesNotThrow(() => loadConfig({ TRUSTED_PROXIES: "loopback, 10.0.0.0/8, fd00::/8", DATA_DIR: "/tmp/todo-hardening" }));
      });

      test("sign-up is limited per address too", async () => {
        const limited = buildApp(db.handle, { config: { auth: { ...testConfig().auth, rateLimit: { max: 3, windowSeconds: 60 } } } }).app;
        const anon = new Client(limited, undefined, "203.0.113.150");
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await anon.post("/api/auth/sign-up/email", { name: "Spam", email: email(), password: PASSWORD })).status);
        assert.deepEqual(statuses, [200, 200, 200, 429]);
      });

      test("expired rate-limit counters are removed", async () => {
        const old = Date.now() - 3_600_000;
        await db.handle.db.execute(
          sql`insert into rate_limit (id, key, count, last_request) select 'old-' || g, 'old-' || g || '/sign-in/email', 1, ${old} from generate_series(1, 500) g`,
        );
        const fresh = buildApp(db.handle).app;
        await new Client(fresh, undefined, "203.0.113.160").post("/api/auth/sign-in/email", { email: "nobody@example.test", password: "whatever x" });
        for (let i = 0; i < 50 && (await count(sql`select count(*) as n from rate_limit where key like 'old-%'`)) > 0; i++)
          await new Promise((r) => setTimeout(r, 20));
        assert.equal(await count(sql`select count(*) as n from rate_limit where key like 'old-%'`), 0);
      });
    });

    describe("5. text PostgreSQL cannot store", () => {
      let me: Awaited<ReturnType<typeof signUp>>;
      before(async () => {
        me = await signUp(app);
      });

      test("NUL, lone surrogates, out-of-range dates and numbers: 400 naming the field, nothing stored", async () => {
        const cases: [string, string, unknown, string][] = [
          ["POST", "/api/tasks", { title: "a\u0000b" }, "title"],
          ["POST", "/api/tasks", { title: "\ud800" }, "title"],
          ["POST", "/api/tasks", { title: "ok", description: "x\u0000" }, "description"],
          ["POST", "/api/tasks", { title: "ok", description: "\udc00x" }, "description"],
          ["POST", "/api/tasks", { title: "ok", tags: ["a\u0000b"] }, "tags.0"],
          ["POST", "/api/tasks", { title: "ok", dueDate: "0000-01-01" }, "dueDate"],
          ["POST", "/api/chat", { message: "delete the dog\u0000" }, "message"],
          ["POST", "/api/chat", { message: "hi \ud83d" }, "message"],
        ];
        for (const [method, path, body, field] of cases) {
          const res = await me.call(method, path, body);
          assert.equal(res.status, 400, `${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
          assert.equal(res.body.error.field, field);
        }
        for (const query of ["q=a%00b", "dueBefore=0000-01-01", "dueAfter=0000-12-31"]) {
          const res = await me.get(`/api/tasks?${query}`);
          assert.equal(res.status, 400, `${query} → ${res.status} ${res.text}`);
        }
        assert.deepEqual((await me.get("/api/tasks/me")).body, []);
      });

      test("'delete the dog\\u0000' deletes nothing; MCP refuses a task number beyond the column", async () => {
        const dog = await me.post("/api/tasks", { title: "Walk the dog" });
        assert.equal((await me.post("/api/chat", { message: "delete the dog\u0000" })).status, 400);
        assert.equal((await me.get(`/api/tasks/${dog.body.id}`)).status, 200, "the task is still there");
        const mcp = await connectMcp(app, me.token!);
        try {
          const result = toolText(await mcp.callTool({ name: "complete_task", arguments: { number: 2147483648 } }));
          assert.equal(result.isError, true);
          assert.match(result.text, /number is at most 2147483647/);
        } finally {
          await mcp.close();
        }
      });

      test("a turn whose model fails after a tool acted keeps the message and the tool call", async () => {
        const modelApp = buildApp(db.handle, { model: modelAt(fake.baseURL) }).app;
        const you = await signUp(modelApp);
        const targets = {
          "/api/chat": (await you.post("/api/tasks", { title: "Walk the dog" })).body.id as string,
          "/api/chat/stream": (await you.post("/api/tasks", { title: "Feed the cat" })).body.id as string,
        };
        // complete_task: a delete would wait for the person's approval (chat.approval.test.ts) and not run at all.
        for (const [path, done] of Object.entries(targets)) {
          const words = path === "/api/chat" ? "dog" : "cat";
          script = (req) =>
            lastRole(req) === "tool"
              ? { status: 500, error: "model crashed after the tool" }
              : { toolCalls: [{ name: "complete_task", arguments: { match: words } }] };
          const res = await you.post(path, { message: `complete the ${words}` });
          if (path === "/api/chat") assert.equal(res.status, 502);
          assert.equal((await you.get(`/api/tasks/${done}`)).body.completed, true, "the tool really completed it");
          const list = (await you.get("/api/conversations")).body.conversations as { id: string }[];
          const conversation = (await you.get(`/api/conversations/${list[0]!.id}`)).body;
          const stored = conversation.messages as { role: string; content: string; toolCalls: { name: string; isError?: boolean }[] }[];
          assert.equal(stored[0]!.role, "user");
          assert.match(stored[0]!.content, /complete the/);
          const assistant = stored.find((m) => m.role === "assistant");
          assert.ok(assistant, `${path}: the history shows what the tool did`);
          assert.deepEqual(
            assistant.toolCalls.map((c) => c.name),
            ["complete_task"],
          );
          assert.notEqual(assistant.toolCalls[0]!.isError, true);
        }
      });

      test("a model's reply and tool arguments with NUL or lone surrogates are stored, made storable", async () => {
        const modelApp = buildApp(db.handle, { model: modelAt(fake.baseURL) }).app;
        const you = await signUp(modelApp);
        script = (req) =>
          lastRole(req) === "tool"
            ? { text: "done\u0000 \ud800 here" }
            : { toolCalls: [{ name: "list_tasks", arguments: { status: "pending", q: "x\u0000" } }] };
        const res = await you.post("/api/chat", { message: "list" });
        assert.equal(res.status, 200, res.text);
        const stored = (await you.get(`/api/conversations/${res.body.conversationId}`)).body.messages;
        assert.equal(stored[1].content, "done\ufffd \ufffd here");
        assert.equal(stored[1].toolCalls[0].isError, true, "the tool refused the NUL argument");
      });

      test("MCP tool errors carry no SQL, parameters or user id", async () => {
        const broken = await driver.create();
        try {
          const brokenApp = buildApp(broken.handle).app;
          const you = await signUp(brokenApp);
          await broken.handle.db.execute(sql`alter table tasks rename to tasks_moved`);
          const mcp = await connectMcp(brokenApp, you.token!);
          try {
            for (const [name, args] of [
              ["list_tasks", {}],
              ["add_task", { title: "Anything" }],
              ["complete_task", { match: "anything" }],
            ] as const) {
              const result = toolText(await mcp.callTool({ name, arguments: args }));
              assert.equal(result.isError, true);
              assert.doesNotMatch(result.text, /select|insert|tasks|params|query/i, `${name}: ${result.text}`);
              assert.ok(!result.text.includes(you.userId), `${name}: no user id`);
            }
          } finally {
            await mcp.close();
          }
        } finally {
          await broken.dispose();
        }
      });
    });

    describe("4. what the logs never contain", () => {
      test("a database error during a session read logs neither the token nor the query's values", async () => {
        const broken = await driver.create();
        try {
          const { logger, lines } = capturingLogger();
          const brokenApp = buildApp(broken.handle, { logger }).app;
          const you = await signUp(brokenApp);
          await broken.handle.db.execute(sql`alter table session rename to session_moved`);
          const res = await you.get("/api/tasks");
          assert.equal(res.status, 500);
          assert.equal(res.body.error.code, "internal_error");
          const log = lines.join("\n");
          assert.match(log, /unhandled error/, "the failure is logged");
          assert.ok(!log.includes(you.token!), "no session token in the logs");
          assert.doesNotMatch(log, /params/);
        } finally {
          await broken.dispose();
        }
      });

      test("a sign-up for a registered email logs that it happened, never whose email it was", async () => {
        const { logger, lines } = capturingLogger();
        const loggingApp = buildApp(db.handle, { logger }).app;
        const you = await signUp(loggingApp);
        const again = await new Client(loggingApp).post("/api/auth/sign-up/email", {
          name: "Someone Else",
          email: you.email,
          password: "another horse battery",
        });
        assert.equal(again.status, 200, "answered as any sign-up is");
        const log = lines.join("\n");
        assert.match(log, /existing email/, "Better Auth's line is kept");
        assert.ok(!log.includes(you.email), "without the address");
        assert.ok(!log.includes(you.email.split("@")[0]!), "nor its local part");
      });

      test("a failed model call logs neither the prompt nor the conversation", async () => {
        const { logger, lines } = capturingLogger();
        const modelApp = buildApp(db.handle, { model: modelAt(fake.baseURL), logger }).app;
        const you = await signUp(modelApp);
        const secret = "my bank PIN is 4921 and the vault code is purple-otter";
        script = () => ({ status: 400, error: `rejected: ${secret}` });
        const res = await you.post("/api/chat", { message: secret });
        assert.equal(res.status, 502);
        const log = lines.join("\n");
        assert.match(log, /model call failed/);
        assert.match(log, /"statusCode":400/, "logged by what it is");
        assert.ok(!log.includes("purple-otter"), "neither the message nor the provider's echo of it");
        assert.ok(!log.includes(you.token!));
      });
    });

    describe("3. bounded reads and per-person limits", () => {
      const bulkTasks = async (userId: string, n: number, title: (i: string) => ReturnType<typeof sql>, completed = false) => {
        await db.handle.db.execute(sql`
          insert into tasks (user_id, number, title, title_key, completed)
          select ${userId}, g, ${title("g")}, ' ' || lower(${title("g")}) || ' ', ${completed} from generate_series(1, ${n}) g`);
        await db.handle.db.execute(sql`insert into task_counters (user_id, last_number) values (${userId}, ${n})`);
      };

      test("GET /api/tasks/me answers pages of at most 100 with a Link to the next", async () => {
        const you = await signUp(app);
        await bulkTasks(you.userId, 150, () => sql`'Task ' || g`);
        const first = await you.get("/api/tasks/me");
        assert.equal(first.body.length, TASK_LIMITS.pageMax);
        assert.equal(first.body[0].number, 1);
        const next = first.headers.get("link")?.match(/<([^>]+)>; rel="next"/)?.[1];
        assert.equal(next, "/api/tasks/me?limit=100&after=100");
        const second = await you.get(next!);
        assert.equal(second.body.length, 50);
        assert.equal(second.body[49].number, 150);
        assert.equal(second.headers.get("link"), null);
        assert.equal((await you.get("/api/tasks/me?limit=101")).status, 400);
      });

      test("at 10,000 open tasks a new one is refused with the limit in the message", async () => {
        const you = await signUp(app);
        await bulkTasks(you.userId, TASK_LIMITS.openTasksMax, () => sql`'Chore ' || g`);
        const res = await you.post("/api/tasks", { title: "One more" });
        assert.equal(res.status, 409);
        assert.equal(res.body.error.code, "limit_reached");
        assert.match(res.body.error.message, /10,000 open tasks/);
        const mcp = await connectMcp(app, you.token!);
        try {
          const added = toolText(await mcp.callTool({ name: "add_task", arguments: { title: "Via MCP" } }));
          assert.equal(added.isError, true);
          assert.match(added.text, /10,000 open tasks/);
          // Title matching among them happens in SQL: the right one, and none for unknown words.
          const done = toolText(await mcp.callTool({ name: "complete_task", arguments: { match: "chore 9999" } }));
          assert.equal(done.isError, false, done.text);
          assert.match(done.text, /#9999 Chore 9999/);
          const none = toolText(await mcp.callTool({ name: "complete_task", arguments: { match: "zebra xylophone" } }));
          assert.match(none.text, /no task matches/);
        } finally {
          await mcp.close();
        }
      });

      test("200 conversations and 2,000 messages per conversation: then a clear 409", async () => {
        const you = await signUp(app);
        await db.handle.db.execute(
          sql`insert into conversations (id, user_id, title) select gen_random_uuid(), ${you.userId}, 'c' || g from generate_series(1, ${CHAT_LIMITS.conversationsMax}) g`,
        );
        const refused = await you.post("/api/chat", { message: "what's left?" });
        assert.equal(refused.status, 409);
        assert.match(refused.body.error.message, /200 conversations/);
        const full = (await you.get("/api/conversations")).body.conversations[0].id as string;
        await db.handle.db.execute(sql`
          insert into messages (conversation_id, user_id, role, content, created_at)
          select ${full}::uuid, ${you.userId}, case when g % 2 = 1 then 'user' else 'assistant' end, 'm' || g, now() - interval '1 hour' + g * interval '1 millisecond'
          from generate_series(1, ${CHAT_LIMITS.messagesPerConversation}) g`);
        const tooLong = await you.post("/api/chat", { message: "what's left?", conversationId: full });
        assert.equal(tooLong.status, 409);
        assert.match(tooLong.body.error.message, /2,000 messages/);
        // The conversation is read a page at a time, newest last, with the way to older ones.
        const page = (await you.get(`/api/conversations/${full}`)).body;
        assert.equal(page.messages.length, CHAT_LIMITS.pageDefault);
        assert.equal(page.messages.at(-1).content, "m2000");
        assert.equal(page.hasOlder, true);
        const older = (await you.get(`/api/conversations/${full}?before=${page.messages[0].id}&limit=200`)).body;
        assert.equal(older.messages.length, 200);
        assert.equal(older.messages.at(-1).content, "m1950");
        assert.equal((await you.get(`/api/conversations/${full}?limit=201`)).status, 400);
      });

      test("an MCP batch is capped, and a request's tool calls share one budget", async () => {
        const you = await signUp(app);
        const call = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "add_task", arguments: { title: `Batch ${id}` } } });
        const post = (body: unknown) =>
          app.request("/mcp", {
            method: "POST",
            headers: { authorization: `Bearer ${you.token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
            body: JSON.stringify(body),
          });
        const tooMany = await post(Array.from({ length: 20 }, (_, i) => call(i + 1)));
        assert.equal(tooMany.status, 400);
        assert.equal(((await tooMany.json()) as any).error.code, "batch_too_large");
        assert.equal((await you.get("/api/tasks/me")).body.length, 0, "nothing of it ran");
        const modelApp = buildApp(db.handle, { model: modelAt(fake.baseURL) }).app;
        const them = await signUp(modelApp);
        script = (req) =>
          lastRole(req) === "tool"
            ? { text: "done" }
            : { toolCalls: Array.from({ length: 14 }, (_, i) => ({ name: "add_task", arguments: { title: `Parallel ${i}` } })) };
        const turn = await them.post("/api/chat", { message: "add fourteen things" });
        assert.equal(turn.status, 200);
        assert.equal((await them.get("/api/tasks/me")).body.length, 10, "ten calls ran, the rest were refused");
        assert.equal(turn.body.toolCalls.filter((c: { isError?: boolean }) => c.isError).length, 4);
      });

      test("concurrent chat turns beyond the per-person cap answer 429 with Retry-After", async () => {
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        script = async () => {
          await gate;
          return { text: "finally" };
        };
        const modelApp = buildApp(db.handle, { model: modelAt(fake.baseURL), config: { chatConcurrency: { perUser: 2, total: 3 } } }).app;
        const [a, b] = [await signUp(modelApp), await signUp(modelApp)];
        const reached = async (n: number) => {
          while (fake.requests.length < n) await new Promise((r) => setTimeout(r, 10));
        };
        const start = fake.requests.length;
        const running = [a.post("/api/chat", { message: "one" }), a.post("/api/chat", { message: "two" })];
        await reached(start + 2);
        const third = await a.post("/api/chat", { message: "three" });
        assert.equal(third.status, 429);
        assert.equal(third.body.error.code, "busy");
        assert.equal(third.headers.get("retry-after"), "5");
        const otherPerson = b.post("/api/chat", { message: "mine" });
        await reached(start + 3);
        const fourth = await b.post("/api/chat", { message: "and mine" });
        assert.equal(fourth.status, 429, "the process-wide cap");
        assert.match(fourth.body.error.message, /busy with other people/);
        release();
        assert.deepEqual(
          (await Promise.all([...running, otherPerson])).map((r) => r.status),
          [200, 200, 200],
        );
        assert.equal((await a.post("/api/chat", { message: "now" })).status, 200, "slots come back");
      });
    });

    describe("6 and 7. Better Auth's answers", () => {
      test("a cookie session read carries no token; a bearer one is unchanged", async () => {
        const address = email();
        const anon = new Client(app);
        await anon.post("/api/auth/sign-up/email", { name: "Cookie", email: address, password: PASSWORD });
        const signIn = await anon.post("/api/auth/sign-in/email", { email: address, password: PASSWORD });
        const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
        for (const path of ["/api/auth/get-session", "/api/auth/list-sessions"]) {
          const res = await anon.call("GET", path, undefined, { cookie });
          assert.equal(res.status, 200, path);
          assert.ok(!res.text.includes(signIn.body.token), `${path}: no session token for a browser`);
          assert.doesNotMatch(res.text, /"token"/);
        }
        const bearer = await new Client(app, signIn.body.token).get("/api/auth/get-session");
        assert.equal(bearer.body.user.email, address);
      });

      test("changing the password signs every other session out and keeps this one", async () => {
        const address = email();
        const anon = new Client(app);
        await anon.post("/api/auth/sign-up/email", { name: "Pw", email: address, password: PASSWORD });
        const laptop = new Client(app, (await anon.post("/api/auth/sign-in/email", { email: address, password: PASSWORD })).body.token);
        const phone = new Client(app, (await anon.post("/api/auth/sign-in/email", { email: address, password: PASSWORD })).body.token);
        const changed = await laptop.post("/api/auth/change-password", {
          currentPassword: PASSWORD,
          newPassword: "a brand new passphrase",
          revokeOtherSessions: false,
        });
        assert.equal(changed.status, 200, changed.text);
        assert.equal((await phone.get("/api/tasks/me")).status, 401, "the other session is revoked");
        assert.equal((await new Client(app, changed.body.token).get("/api/tasks/me")).status, 200, "this device goes on with its new session");
      });

      test("the account's name is bounded and storable", async () => {
        const anon = new Client(app);
        for (const [name, pattern] of [
          ["x".repeat(65_000), /name is at most 100 characters/],
          ["Eve\u0000", /name contains a NUL/],
          ["\ud800Eve", /name contains a lone UTF-16 surrogate/],
          ["   ", /name cannot be empty/],
        ] as const) {
          const res = await anon.post("/api/auth/sign-up/email", { name, email: email(), password: PASSWORD });
          assert.equal(res.status, 400, res.text.slice(0, 200));
          assert.match(res.body.error.message, pattern);
        }
        const you = await signUp(app);
        const renamed = await you.post("/api/auth/update-user", { name: "y".repeat(101) });
        assert.equal(renamed.status, 400);
      });

      test("Better Auth's empty-bodied errors reach clients in the one error shape", async () => {
        for (const [method, path] of [
          ["GET", "/api/auth/no-such-route"],
          ["POST", "/api/auth/no-such-route"],
          ["GET", "/api/auth/sign-in/email"],
        ] as const) {
          const res = await new Client(app).call(method, path, method === "POST" ? {} : undefined);
          assert.ok(res.status >= 400 && res.status < 500, `${method} ${path} → ${res.status}`);
          assert.equal(typeof res.body?.error?.code, "string", `${method} ${path}: ${res.text}`);
          assert.equal(typeof res.body?.error?.message, "string");
        }
      });
    });
  });
}
