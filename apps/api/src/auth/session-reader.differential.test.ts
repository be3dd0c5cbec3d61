/**
 * The session fast path against the library it shortcuts: generated requests (raw and signed bearer
 * tokens, signed and unsigned cookies, wrong signatures, malformed headers, two credentials at once)
 * over generated session states (live, due for refresh, expired, unknown) are answered once by
 * `createSessionCheck` and once, on the same database state restored, by Better Auth's own
 * `auth.api.getSession`. The answers must be identical: who (user and session) or nobody, every
 * cookie Better Auth sets, and what happens to the session row. Requests in the forms clients send
 * for a live session must be answered without Better Auth.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { serializeSignedCookie } from "better-call";
import { inArray } from "drizzle-orm";
import fc from "fast-check";
import { session } from "../db/schema.ts";
import { createSessionCheck, type SessionAnswer } from "./session-reader.ts";
import { buildApp, Client, drivers, signUp, type TestDatabase } from "../../test/support.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? 150);

/** Session states, away from their boundaries by minutes (sessions last 7 days, refreshed after 1). */
type State = "live" | "refresh-due" | "expired" | "unknown";
const expiresIn: Record<Exclude<State, "unknown">, fc.Arbitrary<number>> = {
  live: fc.integer({ min: 6 * DAY + 10 * MINUTE, max: 7 * DAY }),
  "refresh-due": fc.integer({ min: 2 * MINUTE, max: 6 * DAY - 10 * MINUTE }),
  expired: fc.integer({ min: -30 * DAY, max: -2 * MINUTE }),
};
const sessionSpec = fc.oneof(
  { weight: 3, arbitrary: fc.record({ state: fc.constant<State>("live"), offset: expiresIn.live, owner: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ state: fc.constant<State>("refresh-due"), offset: expiresIn["refresh-due"], owner: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ state: fc.constant<State>("expired"), offset: expiresIn.expired, owner: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ state: fc.constant<State>("unknown"), offset: fc.constant(0), owner: fc.nat(1) }) },
);

/** How a session token is written into a credential; "signed" is what Better Auth hands out. */
const tokenForms = [
  "raw",
  "signed",
  "signed, URL-encoded",
  "another token's signature",
  "signature with a character changed",
  "signature in the URL-safe alphabet",
  "signature without padding",
  "signature with more after it",
  "two dots",
  "empty",
  "percent garbage",
] as const;
type TokenForm = (typeof tokenForms)[number];
const tokenForm = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<TokenForm>("raw", "signed") },
  { weight: 3, arbitrary: fc.constantFrom<TokenForm>(...tokenForms) },
);

/** Characters that make headers odd without making them invalid for `Headers`. */
const oddText = fc.string({ unit: fc.constantFrom(...'aZ09 .=;,%"+/_-\t:é'.split("")), maxLength: 24 });

const bearer = fc.record({
  scheme: fc.constantFrom("Bearer ", "bearer ", "BEARER ", "Bearer  ", "Bearer", "Basic ", "Token "),
  form: tokenForm,
  trailing: fc.constantFrom("", " ", "\t"),
});
const cookie = fc.record({
  name: fc.constantFrom("session", "session", "session", "secure-prefixed", "other"),
  form: tokenForm,
  encoded: fc.boolean(),
  quoted: fc.boolean(),
  before: fc.constantFrom("", "theme=dark; ", "a=b;", "better-auth.session_token=; "),
  /** A second session cookie after the first (the other session's), Better Auth's cookie cache, "don't remember me". */
  extra: fc.constantFrom("none", "none", "second session cookie", "session_data", "session_data chunk", "dont_remember signed", "dont_remember forged"),
});
const request = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("bearer" as const), bearer }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("cookie" as const), cookie }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("both" as const), bearer, cookie }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("odd" as const), authorization: fc.option(oddText), cookie: fc.option(oddText) }) },
);
const scenario = fc.record({ mine: sessionSpec, other: sessionSpec, request });
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** A session token as Better Auth generates them: 32 letters and digits. */
const newToken = () => randomUUID().replaceAll("-", "").slice(0, 32);

for (const driver of drivers) {
  describe(`the session fast path answers as Better Auth does, on ${driver.name}`, () => {
    let db: TestDatabase;
    let built: ReturnType<typeof buildApp>;
    let secret: string;
    let names: { sessionToken: string; sessionData: string; dontRemember: string };
    const userIds: string[] = [];

    before(async () => {
      db = await driver.create();
      built = buildApp(db.handle);
      const context = await built.auth.$context;
      secret = context.secret;
      names = {
        sessionToken: context.authCookies.sessionToken.name,
        sessionData: context.authCookies.sessionData.name,
        dontRemember: context.authCookies.dontRememberToken.name,
      };
      for (const name of ["Ada", "Grace"]) userIds.push((await signUp(built.app, name)).userId);
    });
    after(() => db.dispose());

    /** `token.signature` as better-call signs a cookie value (decoded). */
    const signed = async (token: string) => decodeURIComponent((await serializeSignedCookie("", token, secret)).slice(1));

    async function written(form: TokenForm, token: string, otherToken: string): Promise<string> {
      const value = await signed(token);
      const signature = value.slice(value.lastIndexOf(".") + 1);
      switch (form) {
        case "raw":
          return token;
        case "signed":
          return value;
        case "signed, URL-encoded":
          return encodeURIComponent(value);
        case "another token's signature": {
          const other = await signed(otherToken);
          return `${token}.${other.slice(other.lastIndexOf(".") + 1)}`;
        }
        case "signature with a character changed":
          return `${token}.${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
        case "signature in the URL-safe alphabet":
          return `${token}.${signature.replaceAll("+", "-").replaceAll("/", "_")}`;
        case "signature without padding":
          return `${token}.${signature.slice(0, -1)}`;
        case "signature with more after it":
          return `${value}AAAA`;
        case "two dots":
          return `${token}.${value}`;
        case "empty":
          return "";
        case "percent garbage":
          return `${token}%E0%A4%A.${signature}`;
      }
    }

    async function headersFor(r: Scenario["request"], mine: string, other: string): Promise<Headers> {
      const headers = new Headers();
      if (r.kind === "odd") {
        if (r.authorization !== null) headers.set("authorization", r.authorization);
        if (r.cookie !== null) headers.set("cookie", r.cookie);
        return headers;
      }
      if (r.kind === "bearer" || r.kind === "both") {
        const { scheme, form, trailing } = r.bearer;
        headers.set("authorization", `${scheme}${await written(form, mine, other)}${trailing}`);
      }
      if (r.kind === "cookie" || r.kind === "both") {
        const c = r.cookie;
        // With both, the cookie carries the other session, so which one wins shows.
        const token = r.kind === "both" ? other : mine;
        const name = { session: names.sessionToken, "secure-prefixed": `__Secure-${names.sessionToken}`, other: "session_token" }[c.name];
        let value = await written(c.form, token, mine);
        if (c.encoded) value = encodeURIComponent(value);
        if (c.quoted) value = `"${value}"`;
        let header = `${c.before}${name}=${value}`;
        if (c.extra === "second session cookie") header += `; ${names.sessionToken}=${encodeURIComponent(await signed(other))}`;
        if (c.extra === "session_data") header += `; ${names.sessionData}=eyJzZXNzaW9uIjp7fX0`;
        if (c.extra === "session_data chunk") header += `; ${names.sessionData}.0=eyJzZXNzaW9uIjp7fX0`;
        if (c.extra === "dont_remember signed") header += `; ${(await serializeSignedCookie(names.dontRemember, "true", secret)).split(";")[0]}`;
        if (c.extra === "dont_remember forged") header += `; ${names.dontRemember}=true.${"A".repeat(43)}=`;
        headers.set("cookie", header);
      }
      return headers;
    }

    /** Whether this request is one the fast path must answer itself. */
    function clientForm(s: Scenario): boolean {
      if (s.mine.state !== "live") return false;
      const r = s.request;
      if (r.kind === "bearer") {
        return ["Bearer ", "bearer ", "BEARER ", "Bearer  "].includes(r.bearer.scheme) && (r.bearer.form === "raw" || r.bearer.form === "signed");
      }
      if (r.kind === "cookie") {
        const c = r.cookie;
        return (
          c.name === "session" &&
          c.form === "signed" &&
          (c.before === "" || c.before === "theme=dark; " || c.before === "a=b;") &&
          ["none", "second session cookie", "dont_remember signed", "dont_remember forged"].includes(c.extra)
        );
      }
      return false;
    }

    type Row = typeof session.$inferInsert;
    /** Puts exactly these session rows back as they were (the others of the case stay absent). */
    async function restore(all: Row[], stored: Row[]) {
      await db.handle.db.delete(session).where(
        inArray(
          session.id,
          all.map((r) => r.id!),
        ),
      );
      if (stored.length > 0) await db.handle.db.insert(session).values(stored);
    }
    /** Each session afterwards: gone, untouched, or its expiry pushed forward. */
    async function effects(rows: Row[]) {
      const now = await db.handle.db
        .select()
        .from(session)
        .where(
          inArray(
            session.id,
            rows.map((r) => r.id!),
          ),
        );
      return rows.map((r) => {
        const row = now.find((n) => n.id === r.id);
        if (!row) return "absent";
        return row.expiresAt.getTime() > (r.expiresAt as Date).getTime() + MINUTE ? "refreshed" : "unchanged";
      });
    }

    const seen = new Map<string, number>();

    test("on generated requests and session states", async () => {
      let getSessionCalls = 0;
      const { auth } = built;
      const countingGetSession = ((ctx: Parameters<typeof auth.api.getSession>[0]) => {
        getSessionCalls++;
        return auth.api.getSession(ctx);
      }) as typeof auth.api.getSession;
      const check = createSessionCheck({ $context: auth.$context, api: { getSession: countingGetSession } }, db.handle.db);
      const betterAuth = async (headers: Headers): Promise<SessionAnswer> => {
        const result = await auth.api.getSession({ headers, returnHeaders: true });
        return {
          identity: result.response ? { userId: result.response.user.id, sessionId: result.response.session.id } : null,
          setCookies: result.headers.getSetCookie(),
        };
      };
      const settle = async (answer: () => Promise<SessionAnswer>) => answer().catch((err: unknown) => ({ thrown: String(err) }));

      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const now = Date.now();
          const rows: Row[] = [s.mine, s.other].map((spec) => ({
            id: randomUUID(),
            token: newToken(),
            userId: userIds[spec.owner]!,
            expiresAt: new Date(now + spec.offset),
            createdAt: new Date(now),
            updatedAt: new Date(now),
          }));
          // An unknown session is a token with no row.
          const stored = rows.filter((_, i) => [s.mine, s.other][i]!.state !== "unknown");
          const tokens = rows.map((r) => r.token);
          const headers = () => headersFor(s.request, tokens[0]!, tokens[1]!);

          await restore(rows, stored);
          getSessionCalls = 0;
          const fast = await settle(async () => check(await headers()));
          const fastEffects = await effects(rows);
          const answeredAlone = getSessionCalls === 0;
          // Answered alone, it had no effect: asking again (a remembered signature now) gives the same.
          if (answeredAlone) assert.deepEqual(await settle(async () => check(await headers())), fast, "the same answer the second time");

          await restore(rows, stored);
          const library = await settle(async () => betterAuth(await headers()));
          const libraryEffects = await effects(rows);

          const label = `${s.request.kind}/${s.mine.state}${clientForm(s) ? "/client form" : ""}`;
          seen.set(label, (seen.get(label) ?? 0) + 1);
          assert.deepEqual(fast, library, `the same answer for ${JSON.stringify({ ...s, headers: [...(await headers())] })}`);
          assert.deepEqual(fastEffects, libraryEffects, "the same effect on the sessions");
          if (clientForm(s)) assert.ok(answeredAlone, `answered without Better Auth: ${JSON.stringify(s)}`);
          await restore(rows, []);
        }),
        { numRuns: RUNS },
      );

      // The generator reached the cases that matter: the fast path's own answers and Better Auth's.
      const count = (prefix: string) => [...seen].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
      for (const label of ["bearer/live/client form", "cookie/live/client form", "bearer/refresh-due", "cookie/expired", "both/", "odd/"]) {
        assert.ok(count(label) > 0, `no generated case for ${label}: ${JSON.stringify([...seen])}`);
      }
    });

    test("the generated forms are the ones Better Auth hands out", async () => {
      const user = await signUp(built.app, "Linus");
      const res = await new Client(built.app).post("/api/auth/sign-in/email", { email: user.email, password: "correct horse battery" });
      const token = res.body.token as string;
      assert.equal(res.headers.get("set-auth-token"), await signed(token), "set-auth-token is token.signature");
      const cookieValue = res.headers
        .getSetCookie()
        .find((c) => c.startsWith(`${names.sessionToken}=`))
        ?.split(";")[0];
      assert.equal(cookieValue, `${names.sessionToken}=${encodeURIComponent(await signed(token))}`, "the cookie is the same, URL-encoded");
    });
  });
}
