/**
 * Waiting for a database that starts late (issue 18: the in-cluster PostgreSQL starts with the
 * release): the wait retries a refused connection with backoff and gives up only at its deadline
 * or on an error waiting cannot fix; the server process listens meanwhile (live 200, ready 503,
 * other routes 503) instead of exiting, and serves once the database answers. The database goes
 * away and comes back through a TCP proxy in front of the real PostgreSQL.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { after, describe, test } from "node:test";
import { openPostgres } from "./client.ts";
import { DatabaseUnavailableError, isTransientConnectError, reasonOf, waitForDatabase } from "./wait.ts";
import { adminUrl, createPostgresDatabase, postgresOnly } from "../../test/support.ts";
import { freePort, json } from "../../test/process.ts";
import { startTcpProxy, type TcpProxy } from "../../test/tcp-proxy.ts";

const apiDir = fileURLToPath(new URL("../..", import.meta.url));

/** A PostgreSQL URL that goes through `proxy` instead of straight to the server. */
function through(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(proxy.port);
  return u.toString();
}

/** Resolves once `output()` has matched `pattern` `times` times (the process's own log lines). */
async function untilLogged(output: () => string, pattern: RegExp, times: number, exited: () => boolean): Promise<void> {
  for (;;) {
    const seen = output().match(new RegExp(pattern.source, "g"))?.length ?? 0;
    if (seen >= times) return;
    if (exited()) throw new Error(`the process exited before logging ${pattern} ${times} times:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("waiting for the database", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(() => Promise.all(cleanups.map((c) => c())));

  test("tells errors waiting can fix from those it cannot", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.96.0.12:5432"), { code: "ECONNREFUSED" });
    const bothFamilies = Object.assign(new AggregateError([refused, refused]), { code: undefined });
    const starting = Object.assign(new Error("the database system is starting up"), { code: "57P03" });
    const badPassword = Object.assign(new Error('password authentication failed for user "todo"'), { code: "28P01" });
    const noDatabase = Object.assign(new Error('database "todo" does not exist'), { code: "3D000" });
    assert.equal(isTransientConnectError(refused), true);
    assert.equal(isTransientConnectError(bothFamilies), true);
    assert.equal(isTransientConnectError(starting), true);
    assert.equal(isTransientConnectError(new Error("Connection terminated unexpectedly")), true);
    assert.equal(isTransientConnectError(badPassword), false);
    assert.equal(isTransientConnectError(noDatabase), false);
    // What gets logged is the code, never the message with an address or a user name in it.
    assert.equal(reasonOf(badPassword), "28P01");
  });

  test("gives up at its deadline on a database that never answers, after retrying with backoff", async () => {
    const port = await freePort(); // nothing listens there
    const handle = openPostgres(`postgres://todo:secret@127.0.0.1:${port}/todo`, 0, 1);
    cleanups.push(() => handle.close());
    const retries: { attempt: number; retryInMs: number; reason: string }[] = [];
    await assert.rejects(
      waitForDatabase(handle, { timeoutMs: 1_000, initialDelayMs: 50, maxDelayMs: 200, onRetry: (r) => retries.push(r) }),
      (err: Error) => err instanceof DatabaseUnavailableError && /did not answer within 1 s .*ECONNREFUSED/.test(err.message),
    );
    assert.ok(retries.length >= 2, `retried ${retries.length} times`);
    assert.deepEqual(
      retries.slice(0, 2).map((r) => r.retryInMs),
      [50, 100],
      "the delay doubles",
    );
    assert.ok(retries.every((r) => r.reason === "ECONNREFUSED"));
    assert.ok(!retries.some((r) => JSON.stringify(r).includes("secret")), "the password never reaches a log line");
  });

  test("stops when asked to (SIGTERM during start-up)", async () => {
    const port = await freePort();
    const handle = openPostgres(`postgres://todo@127.0.0.1:${port}/todo`, 0, 1);
    cleanups.push(() => handle.close());
    const stop = new AbortController();
    const waiting = waitForDatabase(handle, { initialDelayMs: 60_000, signal: stop.signal, onRetry: () => stop.abort() });
    await assert.rejects(waiting, /stopped while waiting for the database/);
  });

  test("connects once a late database comes up", postgresOnly, async () => {
    const db = await createPostgresDatabase();
    const target = new URL(adminUrl!);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.cut();
    const handle = openPostgres(through(db.url, proxy), 0, 2);
    cleanups.push(async () => {
      await handle.close();
      await proxy.close();
      await db.drop();
    });
    const attempts = await waitForDatabase(handle, {
      initialDelayMs: 20,
      maxDelayMs: 50,
      onRetry: ({ attempt }) => {
        if (attempt === 3) void proxy.restore();
      },
    });
    assert.ok(attempts >= 4, `answered at attempt ${attempts}`);
    await handle.ping();
  });

  test("does not wait for a database that does not exist: that is a setting to fix", postgresOnly, async () => {
    const url = new URL(adminUrl!);
    url.pathname = "/todo_no_such_database_e2c1";
    const handle = openPostgres(url.toString(), 0, 1);
    cleanups.push(() => handle.close());
    let retried = 0;
    await assert.rejects(waitForDatabase(handle, { initialDelayMs: 10, onRetry: () => retried++ }), (err: { code?: string }) => err.code === "3D000");
    assert.equal(retried, 0);
  });

  test("the server process listens while its database is down (live 200, ready 503, routes 503) and serves once it is up", postgresOnly, async () => {
    const db = await createPostgresDatabase();
    const target = new URL(adminUrl!);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.cut();
    const port = await freePort();
    let output = "";
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: apiDir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "test",
        HOST: "127.0.0.1",
        PORT: String(port),
        LOG_LEVEL: "info",
        BETTER_AUTH_SECRET: "process-test-secret-0123456789abcdef",
        DATABASE_URL: through(db.url, proxy),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = () => child.exitCode !== null;
    cleanups.push(async () => {
      if (!exited()) {
        child.kill("SIGKILL");
        await once(child, "exit");
      }
      await proxy.close();
      await db.drop();
    });
    const url = `http://127.0.0.1:${port}`;

    await untilLogged(() => output, /"msg":"waiting for the database"/, 2, exited);
    assert.equal((await json(`${url}/health/live`)).status, 200, "alive: the kubelet has nothing to restart");
    const ready = await json(`${url}/health/ready`);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.status, "not_ready");
    const tasks = await json(`${url}/api/tasks`);
    assert.equal(tasks.status, 503);
    assert.equal(tasks.body.error.code, "service_unavailable");
    assert.equal(exited(), false, "it did not exit");

    await proxy.restore();
    await untilLogged(() => output, /backend listening on/, 1, exited);
    assert.equal((await json(`${url}/health/ready`)).status, 200);
    const signUp = await json(`${url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { origin: "http://localhost:3000" },
      json: { name: "Late", email: "late@example.test", password: "correct horse battery" },
    });
    assert.equal(signUp.status, 200, JSON.stringify(signUp.body));
    assert.doesNotMatch(output, /process-test-secret|postgres:\/\//, "neither the secret nor the database URL is logged");

    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    assert.equal(code, 0);
  });
});
