/**
 * VAPID keys are kept like the auth secret: VAPID_PRIVATE_KEY (raw base64url as web-push prints
 * it, or a PEM EC key as the chart generates it), made once into the data directory outside
 * production, and push is off in production without one. The public key is always derived.
 */
import assert from "node:assert/strict";
import { createECDH, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import webpush from "web-push";
import { ConfigError, loadConfig, vapidKeys } from "../config.ts";

const base = { BETTER_AUTH_SECRET: "x".repeat(32) };

test("a web-push key pair and the same key as PEM give the same keys", () => {
  const pair = webpush.generateVAPIDKeys();
  assert.deepEqual(vapidKeys(pair.privateKey), pair);
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const pem = privateKey.export({ format: "pem", type: "sec1" }).toString();
  const fromPem = vapidKeys(pem);
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(fromPem.privateKey, "base64url"));
  assert.equal(ecdh.getPublicKey().toString("base64url"), fromPem.publicKey);
  const pkcs8 = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  assert.deepEqual(vapidKeys(pkcs8), fromPem);
});

test("outside production a key is made once in the data directory and kept", () => {
  const dir = mkdtempSync(join(tmpdir(), "vapid-"));
  const first = loadConfig({ ...base, DATA_DIR: dir }).push;
  assert.ok(first);
  assert.equal(statSync(join(dir, "vapid-private-key")).mode & 0o777, 0o600);
  assert.equal(readFileSync(join(dir, "vapid-private-key"), "utf8"), first.privateKey);
  assert.deepEqual(loadConfig({ ...base, DATA_DIR: dir }).push, first);
  assert.equal(first.subject, "mailto:webpush@localhost");
});

test("production: push is off without a key, on with one; the subject follows FRONTEND_URL or VAPID_SUBJECT", () => {
  const dir = mkdtempSync(join(tmpdir(), "vapid-"));
  assert.equal(loadConfig({ ...base, NODE_ENV: "production", DATA_DIR: dir }).push, undefined);
  const pair = webpush.generateVAPIDKeys();
  const on = loadConfig({ ...base, NODE_ENV: "production", DATA_DIR: dir, VAPID_PRIVATE_KEY: pair.privateKey, FRONTEND_URL: "https://todo.example.com/app" });
  assert.deepEqual(on.push, { ...pair, subject: "https://todo.example.com" });
  const mail = loadConfig({ ...base, NODE_ENV: "production", VAPID_PRIVATE_KEY: pair.privateKey, VAPID_SUBJECT: "mailto:ops@example.com" });
  assert.equal(mail.push?.subject, "mailto:ops@example.com");
});

test("a bad key or subject stops start-up naming the variable", () => {
  assert.throws(
    () => loadConfig({ ...base, VAPID_PRIVATE_KEY: "too-short" }),
    (err: Error) => err instanceof ConfigError && /VAPID_PRIVATE_KEY: must be a P-256/.test(err.message),
  );
  const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  assert.throws(() => loadConfig({ ...base, VAPID_PRIVATE_KEY: rsa }), /VAPID_PRIVATE_KEY/);
  assert.throws(() => loadConfig({ ...base, VAPID_SUBJECT: "ops@example.com" }), /VAPID_SUBJECT: must be a mailto:/);
});
