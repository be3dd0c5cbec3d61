/**
 * The migration hook's command for real (issue 18, item 1): the Job as the chart renders it, its
 * command with its environment (the ConfigMap's values and the hook Secret's, decoded), run as a
 * uid that has no passwd entry (as in the pod: 1001 exists in our image, but the old init container
 * ran in postgres:17 where it did not, and libpq then could not name a user) against the local
 * PostgreSQL, which comes up only after the command has started and retried. Only the database's
 * address differs from the pod: a scratch database behind a TCP proxy on 127.0.0.1.
 *
 * The image runs `node dist/migrate.js`, the bundle of src/db/migrate.main.ts; here the source
 * runs through tsx (the images suite runs the bundle itself, as an unknown uid too). Needs
 * TEST_DATABASE_URL, root (setpriv changes the uid) and setpriv.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { adminUrl, createPostgresDatabase } from "../../../apps/api/test/support.ts";
import { startTcpProxy } from "../../../apps/api/test/tcp-proxy.ts";
import { find, render, secretValues } from "./render.ts";

const apiDir = fileURLToPath(new URL("../../../apps/api", import.meta.url));
const UNKNOWN_UID = 54321;

function skipReason(): string | undefined {
  if (!adminUrl) return "needs TEST_DATABASE_URL (a PostgreSQL server)";
  if (process.getuid?.() !== 0) return "needs root to run the command as another uid (setpriv)";
  if (spawnSync("setpriv", ["--version"]).status !== 0) return "needs setpriv (util-linux)";
  return undefined;
}

describe("the migration hook's command", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("migrates the in-cluster database as an unknown uid, waiting for it to come up", { skip: skipReason() }, async () => {
    assert.equal(spawnSync("getent", ["passwd", String(UNKNOWN_UID)]).status, 2, `uid ${UNKNOWN_UID} has no passwd entry here`);

    // The Job as rendered for the default install: the in-cluster PostgreSQL, generated secrets.
    const objects = render("todo-backend", "values.yaml");
    const job = find(objects, "Job", "todo-backend-migrate");
    const pod = job.spec.template.spec;
    assert.equal(pod.initContainers, undefined);
    const [container] = pod.containers;
    assert.deepEqual(container.command, ["node", "dist/migrate.js"]);
    assert.equal(container.workingDir, "/app/apps/api");
    assert.equal(pod.securityContext.runAsUser, 1001);
    const env: Record<string, string> = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    Object.assign(env, secretValues(find(objects, "Secret", container.envFrom[0].secretRef.name)));
    const rendered = new URL(env.DATABASE_URL!);
    assert.equal(rendered.host, "todo-backend-postgresql:5432");

    // The database: a scratch one, reached through a proxy that refuses connections for now.
    const db = await createPostgresDatabase();
    cleanups.push(() => db.drop());
    const server = new URL(adminUrl!);
    const proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
    cleanups.push(() => proxy.close());
    await proxy.cut();
    const local = new URL(db.url);
    local.host = `127.0.0.1:${proxy.port}`;
    local.password = rendered.password; // trust auth here; the pod's password travels as it would
    env.DATABASE_URL = local.toString();
    env.DATABASE_WAIT_SECONDS = "60";

    let output = "";
    const child = spawn(
      "setpriv",
      [`--reuid=${UNKNOWN_UID}`, `--regid=${UNKNOWN_UID}`, "--clear-groups", "--", process.execPath, "--import", "tsx", "src/db/migrate.main.ts"],
      { cwd: apiDir, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = once(child, "exit") as Promise<[number | null]>;
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });

    // It waits (at least twice) instead of failing, then the database comes up.
    for (;;) {
      if ((output.match(/"msg":"waiting for the database"/g)?.length ?? 0) >= 2) break;
      if (child.exitCode !== null) assert.fail(`exited ${child.exitCode} before the database came up:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await proxy.restore();
    const [code] = await exited;
    assert.equal(code, 0, output);
    assert.match(output, /"msg":"migrations applied"/);
    assert.doesNotMatch(output, new RegExp(env.BETTER_AUTH_SECRET!), "the secret is not logged");

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const journal = (await import(join(apiDir, "src/db/migrations/meta/_journal.json"), { with: { type: "json" } })).default as { entries: unknown[] };
      const applied = await client.query("select count(*)::int as n from drizzle.__drizzle_migrations");
      assert.equal(applied.rows[0].n, journal.entries.length, "every migration applied");
      const keys = await client.query("select count(*)::int as n from jwks");
      assert.equal(keys.rows[0].n, 1, "the JWT signing key made");
    } finally {
      await client.end();
    }
  });
});
