/**
 * Web Push end to end on a fake push service on 127.0.0.1: a browser's subscription is registered
 * through the API, notify() sends to it, and the test decrypts the message as a browser would
 * (RFC 8291 with node:crypto, not the library that encrypted it) and checks the VAPID signature.
 * A push service answering 410 makes the subscription be forgotten; another person's browser
 * never gets it.
 */
import assert from "node:assert/strict";
import { createECDH, createPublicKey, createDecipheriv, hkdfSync, randomBytes, verify } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { PushPayload } from "@todo/contracts";
import { createApp } from "../app.ts";
import { OfflineLanguageModel } from "../chat/offline/offline.model.ts";
import { vapidKeys } from "../config.ts";
import { drivers, signUp, silentLogger, testConfig, type TestDatabase } from "../../test/support.ts";

/** A browser's side of a push subscription: its key pair and auth secret. */
function fakeBrowser(endpoint: string) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh,
    auth,
    subscription: { endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") } },
  };
}

/** RFC 8291 (Message Encryption for Web Push) over RFC 8188's aes128gcm, as the browser decrypts. */
function decryptPush(body: Buffer, browser: ReturnType<typeof fakeBrowser>): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20] as number;
  const senderPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  assert.ok(record.length <= rs, "one record");
  const shared = browser.ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), browser.ecdh.getPublicKey(), senderPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, browser.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  assert.equal(padded[end], 2, "the last record ends with the 0x02 delimiter");
  return padded.subarray(0, end).toString("utf8");
}

/** Checks `Authorization: vapid t=<JWT>, k=<public key>`: signed by the server's VAPID key, for this push service. */
function checkVapid(header: string | undefined, publicKey: string, audience: string) {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(header ?? "");
  assert.ok(match, `a VAPID authorization header: ${header}`);
  const [, jwt, k] = match as unknown as [string, string, string];
  assert.equal(k, publicKey);
  const [head, claims, signature] = jwt.split(".") as [string, string, string];
  const point = Buffer.from(k, "base64url");
  const key = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") },
    format: "jwk",
  });
  assert.ok(verify("sha256", Buffer.from(`${head}.${claims}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url")));
  const payload = JSON.parse(Buffer.from(claims, "base64url").toString("utf8"));
  assert.equal(payload.aud, audience);
  assert.match(payload.sub, /^(mailto:|https:)/);
}

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

for (const driver of drivers) {
  describe(`Web Push on ${driver.name}`, () => {
    let db: TestDatabase;
    let service: Server;
    let base: string;
    const received: Received[] = [];
    /** Paths the fake push service answers 410 Gone for (an unsubscribed browser). */
    const gone = new Set<string>();
    const keys = vapidKeys(randomBytes(32).toString("base64url"));
    let built: ReturnType<typeof createApp>;

    before(async () => {
      db = await driver.create();
      service = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
          res.statusCode = gone.has(req.url ?? "") ? 410 : 201;
          res.end();
        });
      });
      await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
      built = createApp({
        config: testConfig({ push: { ...keys, subject: "mailto:ops@example.test" } }),
        database: db.handle,
        logger: silentLogger,
        model: new OfflineLanguageModel(),
      });
    });
    after(async () => {
      await built.notificationHub.close();
      await new Promise((resolve) => service.close(resolve));
      await db.dispose();
    });

    test("the web app gets the VAPID public key", async () => {
      const alice = await signUp(built.app, "Alice");
      const res = await alice.get("/api/push/config");
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { enabled: true, publicKey: keys.publicKey });
    });

    test("notify() pushes to each of the owner's browsers a payload they decrypt; a 410 forgets that browser; others get nothing", async () => {
      const alice = await signUp(built.app, "Alice");
      const bob = await signUp(built.app, "Bob");
      const task = (await alice.post("/api/tasks", { title: "Water the plants" })).body.id;
      const laptop = fakeBrowser(`${base}/push/alice-laptop`);
      const phone = fakeBrowser(`${base}/push/alice-phone`);
      const bobs = fakeBrowser(`${base}/push/bob`);
      for (const [who, browser] of [
        [alice, laptop],
        [alice, phone],
        [bob, bobs],
      ] as const) {
        const res = await who.post("/api/push/subscriptions", browser.subscription);
        assert.equal(res.status, 204, res.text);
      }
      gone.add("/push/alice-phone");
      received.length = 0;

      await built.notifier.notify(alice.userId, {
        reminderId: "r1",
        taskId: task,
        title: "Water the plants",
        body: "Due at 10:00",
        dueAt: null,
        late: true,
        fireAt: new Date().toISOString(),
      });

      assert.deepEqual(received.map((r) => r.path).sort(), ["/push/alice-laptop", "/push/alice-phone"], "Bob's browser got nothing");
      const toLaptop = received.find((r) => r.path === "/push/alice-laptop") as Received;
      assert.equal(toLaptop.headers["content-encoding"], "aes128gcm");
      assert.ok(Number(toLaptop.headers.ttl) > 0);
      checkVapid(toLaptop.headers.authorization as string, keys.publicKey, base);
      const payload = JSON.parse(decryptPush(toLaptop.body, laptop)) as PushPayload;
      assert.equal(payload.type, "notification");
      assert.equal(payload.notification.title, "Water the plants");
      assert.equal(payload.notification.body, "Due at 10:00");
      assert.equal(payload.notification.late, true);
      assert.equal(payload.notification.taskId, task);
      assert.equal(payload.url, `/tasks?task=${task}`);
      // The phone's copy was encrypted for the phone's keys, not the laptop's.
      const toPhone = received.find((r) => r.path === "/push/alice-phone") as Received;
      assert.throws(() => decryptPush(toPhone.body, laptop));
      assert.equal(JSON.parse(decryptPush(toPhone.body, phone)).notification.id, payload.notification.id);

      // The push service said the phone is gone: the next notification goes to the laptop only.
      received.length = 0;
      await built.notifier.notify(alice.userId, {
        reminderId: "r2",
        taskId: task,
        title: "Again",
        body: "",
        dueAt: null,
        late: false,
        fireAt: new Date().toISOString(),
      });
      assert.deepEqual(
        received.map((r) => r.path),
        ["/push/alice-laptop"],
      );
    });

    test("subscriptions: bad ones are refused with 400, only the owner can remove theirs, a browser signed in as someone else moves over", async () => {
      const alice = await signUp(built.app, "Alice");
      const mallory = await signUp(built.app, "Mallory");
      const browser = fakeBrowser(`${base}/push/shared-browser`);
      const bad = [
        { ...browser.subscription, endpoint: "not a url" },
        { ...browser.subscription, endpoint: "http://push.example.com/x" },
        { ...browser.subscription, keys: { ...browser.subscription.keys, p256dh: "short" } },
        { ...browser.subscription, keys: { p256dh: browser.subscription.keys.p256dh } },
        { endpoint: browser.subscription.endpoint },
      ];
      for (const body of bad) {
        const res = await alice.post("/api/push/subscriptions", body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, "validation_error");
      }
      assert.equal((await alice.post("/api/push/subscriptions", browser.subscription)).status, 204);
      const steal = await mallory.call("DELETE", "/api/push/subscriptions", { endpoint: browser.subscription.endpoint });
      assert.equal(steal.status, 404);

      const task = (await alice.post("/api/tasks", { title: "Mine" })).body.id;
      received.length = 0;
      await built.notifier.notify(alice.userId, {
        reminderId: "r3",
        taskId: task,
        title: "Mine",
        body: "",
        dueAt: null,
        late: false,
        fireAt: new Date().toISOString(),
      });
      assert.deepEqual(
        received.map((r) => r.path),
        ["/push/shared-browser"],
      );

      // Mallory signs in on the same browser: it is hers now, and Alice's reminders stop going there.
      assert.equal((await mallory.post("/api/push/subscriptions", browser.subscription)).status, 204);
      received.length = 0;
      await built.notifier.notify(alice.userId, {
        reminderId: "r4",
        taskId: task,
        title: "Still mine",
        body: "",
        dueAt: null,
        late: false,
        fireAt: new Date().toISOString(),
      });
      assert.deepEqual(received, []);
      assert.equal((await mallory.call("DELETE", "/api/push/subscriptions", { endpoint: browser.subscription.endpoint })).status, 204);
    });

    test("without VAPID keys push is off: the config says so and subscribing is refused", async () => {
      const off = createApp({ config: testConfig(), database: db.reopen(), logger: silentLogger, model: new OfflineLanguageModel() });
      const alice = await signUp(off.app, "Alice");
      assert.deepEqual((await alice.get("/api/push/config")).body, { enabled: false, publicKey: null });
      const res = await alice.post("/api/push/subscriptions", fakeBrowser(`${base}/push/x`).subscription);
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, "unprocessable");
    });
  });
}
