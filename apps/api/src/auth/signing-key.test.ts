/**
 * A changed BETTER_AUTH_SECRET (a chart that generated a new one) must not break /api/auth/token:
 * the real process, restarted on the same embedded database with another secret, makes a new
 * signing key, keeps the old public key in the JWKS and says so in one log line.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { json, signUpAndIn, startBackend } from "../../test/process.ts";

test("a secret that changed: /api/auth/token still answers, with a new key beside the old one", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "todo-secret-"));
  try {
    const first = await startBackend({ DATA_DIR: dataDir, BETTER_AUTH_SECRET: "the-first-secret-0123456789abcdefghij" });
    const who = { name: "Key", email: "key@example.test", password: "correct horse battery" };
    let oldKeys: { kid: string }[];
    try {
      const token = await signUpAndIn(first.url, who);
      assert.equal((await json(`${first.url}/api/auth/token`, { token })).status, 200);
      oldKeys = (await json(`${first.url}/api/auth/jwks`)).body.keys;
      assert.equal(oldKeys.length, 1);
    } finally {
      await first.stop();
    }

    const second = await startBackend({ DATA_DIR: dataDir, BETTER_AUTH_SECRET: "a-different-secret-0123456789abcdefgh" });
    try {
      const fresh = await signUpAndIn(second.url, { ...who, email: "key2@example.test" });
      const jwt = await json(`${second.url}/api/auth/token`, { token: fresh });
      assert.equal(jwt.status, 200, JSON.stringify(jwt.body));
      assert.equal(typeof jwt.body.token, "string");
      const keys = (await json(`${second.url}/api/auth/jwks`)).body.keys as { kid: string }[];
      assert.equal(keys.length, 2, "the new key, and the old public key for tokens signed before");
      assert.ok(keys.some((k) => k.kid === oldKeys[0]!.kid));
      const kid = JSON.parse(Buffer.from(jwt.body.token.split(".")[0], "base64url").toString()).kid;
      assert.notEqual(kid, oldKeys[0]!.kid, "tokens are signed with the new key");
      assert.equal(second.output().match(/could not be decrypted/g)?.length, 1, "one clear log line");
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
