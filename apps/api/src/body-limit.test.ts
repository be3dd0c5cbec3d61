/**
 * One request body limit, BODY_LIMIT_BYTES of @todo/contracts, on every route that reads a body:
 * REST, the chat (JSON and stream), MCP and auth. One byte over it is a 413 that says the limit in
 * words, whether the size is declared or only found while reading; at the limit the route answers.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BODY_LIMIT_BYTES } from "@todo/contracts";
import { buildApp, drivers, fromAddress, signUp, type TestDatabase } from "../test/support.ts";

const ROUTES = ["/api/tasks", "/api/chat", "/api/chat/stream", "/api/changes/undo", "/mcp", "/api/auth/sign-in/email"];

/** A JSON body of exactly `bytes` bytes. */
function jsonOfSize(bytes: number): string {
  const shell = JSON.stringify({ title: "Pad", description: "" });
  return JSON.stringify({ title: "Pad", description: "x".repeat(bytes - shell.length) });
}

/** The body a chunk at a time, with no declared length: the limit is found while reading. */
function chunked(body: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(body);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + 8192));
      at += 8192;
    },
  });
}

for (const driver of drivers) {
  describe(`request body limit on ${driver.name}`, () => {
    let db: TestDatabase;
    let app: ReturnType<typeof buildApp>["app"];
    let token: string;

    before(async () => {
      db = await driver.create();
      app = buildApp(db.handle).app;
      token = (await signUp(app)).token!;
    });
    after(() => db.dispose());

    const send = async (path: string, body: string | ReadableStream<Uint8Array>, declared: boolean) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      };
      if (declared && typeof body === "string") headers["content-length"] = String(Buffer.byteLength(body));
      const req = new Request(`http://localhost${path}`, { method: "POST", headers, body, ...(typeof body === "string" ? {} : { duplex: "half" }) });
      const res = await app.request(req, undefined, fromAddress("203.0.113.9"));
      const text = await res.text();
      return { status: res.status, text };
    };

    for (const path of ROUTES) {
      test(`POST ${path}: one byte over is 413 saying the limit, declared or not; at the limit it is read`, async () => {
        const over = jsonOfSize(BODY_LIMIT_BYTES + 1);
        for (const [declared, body] of [
          [true, over],
          [false, chunked(over)],
        ] as const) {
          const res = await send(path, body, declared);
          assert.equal(res.status, 413, `${declared ? "declared" : "chunked"}: ${res.text.slice(0, 200)}`);
          const error = JSON.parse(res.text).error;
          assert.equal(error.code, "payload_too_large");
          assert.equal(error.message, "this request is too large: a request body can be at most 64 KB");
        }
        const at = await send(path, jsonOfSize(BODY_LIMIT_BYTES), true);
        assert.notEqual(at.status, 413, at.text.slice(0, 200));
      });
    }

    test("nothing of the refused bodies was stored", async () => {
      const me = await signUp(app);
      const res = await app.request(
        new Request("http://localhost/api/tasks", {
          method: "POST",
          headers: { authorization: `Bearer ${me.token}`, "content-type": "application/json" },
          body: jsonOfSize(BODY_LIMIT_BYTES + 1),
        }),
        undefined,
        fromAddress("203.0.113.9"),
      );
      assert.equal(res.status, 413);
      assert.deepEqual((await me.get("/api/tasks/me")).body, []);
    });
  });
}
