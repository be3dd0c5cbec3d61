import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { oauthProvider } from "@better-auth/oauth-provider";
import { bearer, jwt, multiSession } from "better-auth/plugins";
import { session } from "../db/schema.ts";
import { databaseOnlySessions } from "./session-reader.ts";
import { buildApp, Client, drivers, signUp, type TestDatabase } from "../../test/support.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

for (const driver of drivers) {
  describe(`the session check on API routes, on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
    });
    after(() => db.dispose());

    const sessionRow = async (token: string) => (await db.handle.db.select().from(session).where(eq(session.token, token)))[0];
    const withCookie = (cookie: string) => new Client(app).call("GET", "/api/tasks", undefined, { cookie });

    async function cookieOf(): Promise<{ cookie: string; token: string }> {
      const user = await signUp(app);
      const res = await new Client(app).post("/api/auth/sign-in/email", { email: user.email, password: "correct horse battery" });
      const cookie = (res.headers.get("set-cookie") ?? "").match(/better-auth\.session_token=[^;]+/)?.[0];
      assert.ok(cookie, "sign-in sets the session cookie");
      return { cookie, token: res.body.token };
    }

    test("a browser's signed session cookie is accepted, and one with a forged signature is not", async () => {
      const { cookie } = await cookieOf();
      assert.equal((await withCookie(cookie)).status, 200);

      const [name, value] = cookie.split("=") as [string, string];
      const [token, signature] = decodeURIComponent(value).split(".") as [string, string];
      const otherToken = (await cookieOf()).token;
      const forged = await withCookie(`${name}=${encodeURIComponent(`${otherToken}.${signature}`)}`);
      assert.equal(forged.status, 401, "another session's token under this cookie's signature");
      assert.equal(forged.body.error.code, "unauthorized");
      assert.equal((await withCookie(`${name}=${token}`)).status, 401, "an unsigned cookie");
    });

    test("a cookie is read as Better Auth reads it: its exact signature format, and the first of two", async () => {
      const { cookie } = await cookieOf();
      const [name, value] = cookie.split("=") as [string, string];
      const [token, signature] = decodeURIComponent(value).split(".") as [string, string];
      const variants = {
        "without its padding": signature.replace(/=$/, ""),
        "in the URL-safe alphabet": signature.replace(/\+/g, "-").replace(/\//g, "_").replace(/=$/, ""),
        "with characters after it": `${signature}AAAA`,
      };
      for (const [what, variant] of Object.entries(variants)) {
        const res = await withCookie(`${name}=${encodeURIComponent(`${token}.${variant}`)}`);
        assert.equal(res.status, 401, `a signature ${what}`);
      }
      const other = (await cookieOf()).cookie;
      const [, otherValue] = other.split("=") as [string, string];
      assert.equal((await withCookie(`${name}=x\\y; ${name}=${otherValue}`)).status, 401, "a broken first cookie is not skipped");
      assert.equal((await withCookie(`${cookie}; ${name}=${otherValue}`)).status, 200, "the first of two valid ones is used");
    });

    test("bearer tokens: the raw token from sign-in, the signed one from set-auth-token, and a wrong one", async () => {
      const user = await signUp(app);
      const res = await new Client(app).post("/api/auth/sign-in/email", { email: user.email, password: "correct horse battery" });
      assert.equal((await new Client(app, res.body.token).get("/api/tasks")).status, 200);
      const signed = res.headers.get("set-auth-token");
      assert.ok(signed?.includes("."), "the signed form carries its signature");
      assert.equal((await new Client(app, signed!).get("/api/tasks")).status, 200);
      const [token, signature] = signed!.split(".") as [string, string];
      const forged = `${token}.${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
      assert.equal((await new Client(app, forged).get("/api/tasks")).status, 401, "a changed signature, after the right one was accepted");
      assert.equal((await new Client(app, signed!).get("/api/tasks")).status, 200, "and the right one again");
      assert.equal((await new Client(app, `${res.body.token.slice(0, -2)}xx`).get("/api/tasks")).status, 401);
      const basic = await new Client(app).call("GET", "/api/tasks", undefined, { authorization: `Basic ${res.body.token}` });
      assert.equal(basic.status, 401, "only the Bearer scheme carries a token");
    });

    test("an expired session is refused and removed", async () => {
      const user = await signUp(app);
      await db.handle.db.update(session).set({ expiresAt: sql`now() - interval '1 minute'` }).where(eq(session.token, user.token!));
      assert.equal((await user.get("/api/tasks")).status, 401);
      assert.equal(await sessionRow(user.token!), undefined, "Better Auth deletes the expired session");
    });

    test("a session due for its refresh is accepted and its expiry pushed forward", async () => {
      const user = await signUp(app);
      // Sessions last 7 days and are refreshed once a day: one ending within 6 days is due.
      await db.handle.db.update(session).set({ expiresAt: sql`now() + interval '1 hour'` }).where(eq(session.token, user.token!));
      assert.equal((await user.get("/api/tasks")).status, 200);
      const refreshed = await sessionRow(user.token!);
      assert.ok(refreshed!.expiresAt.getTime() > Date.now() + 6 * DAY_MS, `expiry pushed to ${refreshed!.expiresAt.toISOString()}`);
    });

    test("a browser whose session is refreshed gets its cookie renewed with it", async () => {
      const { cookie, token } = await cookieOf();
      await db.handle.db.update(session).set({ expiresAt: sql`now() + interval '1 hour'` }).where(eq(session.token, token));
      const res = await withCookie(cookie);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("set-cookie") ?? "", /better-auth\.session_token=[^;]+;.*Max-Age=604800/i, "a new 7-day cookie");
      const quiet = await withCookie(cookie);
      assert.equal(quiet.headers.get("set-cookie"), null, "no cookie when nothing was refreshed");
    });

    test("signing out ends the session for the cookie too", async () => {
      const { cookie } = await cookieOf();
      assert.equal((await withCookie(cookie)).status, 200);
      const out = await new Client(app).call("POST", "/api/auth/sign-out", {}, { cookie, origin: "http://localhost:3000" });
      assert.equal(out.status, 200);
      assert.equal((await withCookie(cookie)).status, 401);
    });
  });
}

describe("the session check's fast path", () => {
  test("is used only while Better Auth keeps sessions in the database alone and no plugin changes a read", () => {
    assert.equal(databaseOnlySessions({ plugins: [bearer()] }), true);
    assert.equal(databaseOnlySessions({ plugins: [bearer(), jwt({ disableSettingJwtHeader: true })] }), true);
    const provider = oauthProvider({ loginPage: "/sign-in", consentPage: "/consent" });
    assert.equal(databaseOnlySessions({ plugins: [bearer(), jwt({ disableSettingJwtHeader: true }), provider] }), true, "the OAuth provider changes no read");
    assert.equal(databaseOnlySessions({ plugins: [bearer(), multiSession()] }), false, "a plugin the fast path does not model");
    const storage = { get: () => null, getAndDelete: () => null, increment: () => 1, set: () => undefined, delete: () => undefined };
    assert.equal(databaseOnlySessions({ secondaryStorage: storage }), false);
    assert.equal(databaseOnlySessions({ session: { cookieCache: { enabled: true } } }), false);
    assert.equal(databaseOnlySessions({ session: { deferSessionRefresh: true } }), false);
    assert.equal(databaseOnlySessions({ plugins: [bearer({ requireSignature: true })] }), false);
  });
});
