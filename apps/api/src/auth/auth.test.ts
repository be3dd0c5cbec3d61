import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildApp, Client, drivers, testConfig, type TestDatabase } from "../../test/support.ts";
import { loadConfig } from "../config.ts";

for (const driver of drivers) {
  describe(`accounts on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    let limited: ReturnType<typeof buildApp>["app"];

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
      limited = buildApp(db.handle, { config: { auth: { ...testConfig().auth, rateLimit: { max: 3, windowSeconds: 60 } } } }).app;
    });
    after(() => db.dispose());

    const email = () => `acct-${Math.random().toString(36).slice(2)}@example.test`;

    test("sign up, sign in, use the bearer token, sign out revokes it", async () => {
      const anon = new Client(app);
      const address = email();
      const up = await anon.post("/api/auth/sign-up/email", { name: "Ann", email: address, password: "correct horse battery" });
      assert.equal(up.status, 200);
      assert.equal(up.body.token, null, "sign-up never signs in (it answers alike for a taken email)");

      const signIn = await anon.post("/api/auth/sign-in/email", { email: address, password: "correct horse battery" });
      assert.equal(signIn.status, 200);
      assert.match(signIn.headers.get("set-cookie") ?? "", /better-auth\.session_token=.*HttpOnly/i, "browsers get an HttpOnly cookie");
      const user = new Client(app, signIn.body.token);
      assert.equal((await user.get("/api/tasks/me")).status, 200);
      const session = await user.get("/api/auth/get-session");
      assert.equal(session.body.user.email, address);
      assert.equal(session.body.user.password, undefined, "no password hash in responses");

      assert.equal((await user.post("/api/auth/sign-out", {})).status, 200);
      assert.equal((await user.get("/api/tasks/me")).status, 401, "a signed-out token no longer works");
      const second = await anon.post("/api/auth/sign-in/email", { email: address, password: "correct horse battery" });
      const third = await anon.post("/api/auth/sign-in/email", { email: address, password: "correct horse battery" });
      assert.equal((await new Client(app, third.body.token).post("/api/auth/sign-out", {})).status, 200);
      assert.equal((await new Client(app, second.body.token).get("/api/tasks/me")).status, 200, "other sessions of the user are untouched");
    });

    test("both loopback names work out of the box; another origin is told which one is set up and how to change it", async () => {
      const { trustedOrigins } = loadConfig({ DATA_DIR: "/tmp/todo-origins" }).auth;
      assert.deepEqual(trustedOrigins, ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"]);
      const outOfTheBox = buildApp(db.handle, { config: { auth: { ...testConfig().auth, trustedOrigins } } }).app;
      const anon = new Client(outOfTheBox);
      const address = email();
      // A cookie makes Better Auth check the origin, as it does for a browser that holds any cookie.
      const from = (origin: string) => ({ origin, cookie: "theme=dark" });
      const body = JSON.stringify({ name: "Lo", email: address, password: "correct horse battery" });
      assert.equal(
        (await anon.call("POST", "/api/auth/sign-up/email", body, { "content-type": "application/json", ...from("http://127.0.0.1:3000") })).status,
        200,
      );
      const signIn = JSON.stringify({ email: address, password: "correct horse battery" });
      for (const origin of ["http://127.0.0.1:3000", "http://localhost:3000", "http://[::1]:3000"]) {
        const res = await anon.call("POST", "/api/auth/sign-in/email", signIn, { "content-type": "application/json", ...from(origin) });
        assert.equal(res.status, 200, origin);
      }
      const elsewhere = await anon.call("POST", "/api/auth/sign-in/email", signIn, { "content-type": "application/json", ...from("http://todo.example:8080") });
      assert.equal(elsewhere.status, 403);
      assert.equal(elsewhere.body.error.code, "invalid_origin");
      assert.match(elsewhere.body.error.message, /accepts sign-ins from http:\/\/localhost:3000, http:\/\/127\.0\.0\.1:3000/);
      assert.match(elsewhere.body.error.message, /not from http:\/\/todo\.example:8080/);
      assert.match(elsewhere.body.error.message, /set FRONTEND_URL/);
      const other = loadConfig({ DATA_DIR: "/tmp/todo-origins", FRONTEND_URL: "https://todo.example.com/app" }).auth.trustedOrigins;
      assert.deepEqual(other, ["https://todo.example.com"], "a public origin brings no loopback names");
    });

    test("clear errors for a wrong password and a weak password; a taken email is not revealed", async () => {
      const anon = new Client(app);
      const address = email();
      await anon.post("/api/auth/sign-up/email", { name: "Bo", email: address, password: "correct horse battery" });
      const wrong = await anon.post("/api/auth/sign-in/email", { email: address, password: "not the password" });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error.code, "invalid_email_or_password");
      const taken = await anon.post("/api/auth/sign-up/email", { name: "Bo", email: address, password: "another good one" });
      const fresh = await anon.post("/api/auth/sign-up/email", { name: "Bo", email: email(), password: "another good one" });
      assert.equal(taken.status, 200);
      assert.deepEqual(Object.keys(taken.body).sort(), Object.keys(fresh.body).sort(), "a taken email answers as a new one");
      assert.deepEqual(Object.keys(taken.body.user).sort(), Object.keys(fresh.body.user).sort());
      assert.equal(taken.body.token, null);
      assert.equal(taken.headers.get("set-cookie"), fresh.headers.get("set-cookie"), "neither signs in");
      const hijack = await anon.post("/api/auth/sign-in/email", { email: address, password: "another good one" });
      assert.equal(hijack.status, 401, "the second sign-up changed nothing about the account");
      const weak = await anon.post("/api/auth/sign-up/email", { name: "Cy", email: email(), password: "short" });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.error.code, "password_too_short");
      assert.equal(typeof weak.body.error.message, "string");
    });

    test("sign-in attempts are rate-limited per client address", async () => {
      const attacker = new Client(limited, undefined, "192.0.2.50");
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await attacker.post("/api/auth/sign-in/email", { email: "x@example.test", password: "guess guess" })).status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429]);
      const blocked = await attacker.post("/api/auth/sign-in/email", { email: "x@example.test", password: "guess guess" });
      assert.equal(blocked.body.error.code, "rate_limited");
      assert.match(blocked.body.error.message, /try again in \d+ seconds/);
      const someoneElse = new Client(limited, undefined, "192.0.2.51");
      assert.equal((await someoneElse.post("/api/auth/sign-in/email", { email: "x@example.test", password: "guess guess" })).status, 401);
    });

    test("reading the session is not rate-limited (every page view does it)", async () => {
      const anon = new Client(limited, undefined, "192.0.2.60");
      const address = email();
      await anon.post("/api/auth/sign-up/email", { name: "Pat", email: address, password: "correct horse battery" });
      const signIn = await anon.post("/api/auth/sign-in/email", { email: address, password: "correct horse battery" });
      const reader = new Client(limited, signIn.body.token, "192.0.2.60");
      const statuses = new Set<number>();
      for (let i = 0; i < 310; i++) statuses.add((await reader.get("/api/auth/get-session")).status);
      assert.deepEqual([...statuses], [200], "more reads than any auth limit allows, all answered");
    });

    test("the OpenAPI document is generated from the route schemas", async () => {
      const doc = await new Client(app).get("/api/openapi.json");
      assert.equal(doc.status, 200);
      assert.equal(doc.body.openapi, "3.1.0");
      for (const path of [
        "/api/tasks",
        "/api/tasks/me",
        "/api/tasks/{id}",
        "/api/chat",
        "/api/chat/stream",
        "/api/chat/{id}/stream",
        "/api/chat/{id}/stop",
        "/api/conversations",
        "/api/conversations/{id}",
      ]) {
        assert.ok(doc.body.paths[path], `documents ${path}`);
      }
      const create = doc.body.paths["/api/tasks"].post.requestBody.content["application/json"].schema;
      assert.equal(create.properties.title.maxLength, 200, "limits come from the shared zod schema");
      assert.deepEqual(create.properties.priority.enum, ["low", "medium", "high"]);
    });
  });
}
