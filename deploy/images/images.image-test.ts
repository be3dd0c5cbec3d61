/**
 * The container images, built and run for real with podman (`npm run test:images`; not part of
 * `npm test`, it needs podman and takes minutes). Builds both Dockerfiles from the repository root,
 * checks what is inside and how they are configured, then runs them as the cluster does: on their
 * own network with the backend reachable as `todo-backend`, read-only root filesystems with a tmpfs
 * where they write, no capabilities. Also runs the backend (and its migration command) against the
 * host's PostgreSQL. Sizes, their make-up and timings are printed, never asserted on time.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendService, frontendService } from "@todo/contracts";
import {
  Cookies,
  backendImage,
  buildImage,
  cleanup,
  freePort,
  frontendImage,
  healthcheck,
  images,
  inspectContainer,
  inspectImage,
  logs,
  mb,
  podman,
  podmanOk,
  processUid,
  repoRoot,
  runId,
  stop,
  treeBytes,
  waitFor,
  withImageRoot,
} from "./podman.ts";

// The backend's own PostgreSQL driver, to create a scratch database and look into it.
const pg = createRequire(new URL("../../apps/api/package.json", import.meta.url))("pg") as typeof import("pg");

const APP_UID = 1001;
/** Flags that mirror the charts' securityContext: read-only root, no capabilities, no setuid. */
const HARDENED = ["--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"];
const TMP = ["--tmpfs", "/tmp:rw,size=64m,mode=1777"];
const NEXT_CACHE = ["--tmpfs", "/app/apps/web/.next/cache:rw,size=256m,mode=1777"];

const secret = () => randomBytes(32).toString("base64url");

describe("the images", () => {
  it("get a build context without node_modules, build output, .data, .env files or tests (.dockerignore)", () => {
    // The context exactly as podman sends it: COPY . into an empty image, then look inside.
    const dir = mkdtempSync(join(tmpdir(), "todo-context-"));
    const probeTag = `localhost/todo-context-probe:${runId}`;
    // The checkout has tests, and usually node_modules, dist and .next; a .env file it may lack.
    const envProbe = join(repoRoot, "apps/api", `.env.probe-${runId}`);
    try {
      writeFileSync(envProbe, "PROBE=1\n");
      writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nCOPY . /ctx\n");
      podmanOk(["build", "--format", "docker", "-f", join(dir, "Dockerfile"), "-t", probeTag, "."]);
      const files = withImageRoot(probeTag, (root) => walk(join(root, "ctx")).map((f) => f.slice(root.length + "/ctx/".length)));
      console.log(`# build context: ${files.length} files`);
      const leaked = files.filter((f) => /(^|\/)(node_modules|\.next|dist|\.data|\.git|coverage)\/|(^|\/)\.env|\.test\.ts$|(^|\/)(e2e|deploy)\//.test(f));
      assert.deepEqual(leaked, []);
      assert.ok(files.includes("package-lock.json") && files.includes("apps/api/src/main.ts") && files.includes("apps/web/next.config.ts"));
    } finally {
      rmSync(envProbe, { force: true });
      podman(["rmi", "--force", probeTag]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("build from the repository root with apps/api/Dockerfile and apps/web/Dockerfile", () => {
    for (const image of images) {
      const { seconds } = buildImage(image);
      console.log(`# built ${image.tag} in ${seconds.toFixed(1)} s`);
      assert.ok(inspectImage(image.tag).Size > 0);
    }
  });

  for (const image of images) {
    it(`${image.tag}: numeric non-root user, exec-form CMD, a HEALTHCHECK run by node, OCI labels`, () => {
      const { Config, Healthcheck } = inspectImage(image.tag);
      assert.equal(Config.User, `${APP_UID}:${APP_UID}`);
      assert.deepEqual(Config.Cmd, image.cmd);
      assert.equal(Config.Entrypoint ?? null, null, "no entrypoint script (there is no shell to run one)");
      assert.equal(Config.WorkingDir, image.workdir);
      assert.ok(Config.ExposedPorts[`${image.port}/tcp`], `exposes ${image.port}`);
      assert.equal(Config.StopSignal, "SIGTERM");
      assert.ok(Healthcheck, "HEALTHCHECK kept (built with --format docker)");
      assert.deepEqual(Healthcheck.Test.slice(0, 2), ["CMD", "node"], "exec form, node rather than curl");
      assert.match(Healthcheck.Test.join(" "), new RegExp(`'${image.healthRoute}'`));
      assert.equal(Config.Labels["org.opencontainers.image.version"], image.tag.split(":")[1]);
      assert.match(Config.Labels["org.opencontainers.image.source"] ?? "", /^https:\/\//);
    });

    it(`${image.tag}: no secret in its environment, build arguments or layer history`, () => {
      const { Config } = inspectImage(image.tag);
      const names = Config.Env.map((e) => e.split("=")[0]!);
      for (const name of names) assert.doesNotMatch(name, /SECRET|PASSWORD|TOKEN|API_KEY|DATABASE_URL/, name);
      const history = podmanOk(["image", "history", "--no-trunc", "--format", "{{.CreatedBy}}", image.tag]);
      assert.doesNotMatch(history, /BETTER_AUTH_SECRET|API_KEY|PASSWORD|DATABASE_URL=|postgres(ql)?:\/\//);
    });

    it(`${image.tag}: under ${mb(image.maxBytes)}, holding node, its C libraries and the app only`, () => {
      const { Size } = inspectImage(image.tag);
      withImageRoot(image.tag, (root) => {
        const parts: Record<string, number> = {
          "node binary": statSync(join(root, "usr/local/bin/node")).size,
          "C libraries (ldd of node)": ["lib", "lib64", "usr/lib"].filter((d) => existsSync(join(root, d))).reduce((n, d) => n + treeBytes(join(root, d)), 0),
          "app code":
            treeBytes(join(root, "app")) -
            (existsSync(join(root, "app/node_modules")) ? treeBytes(join(root, "app/node_modules")) : 0) -
            (existsSync(join(root, "app/apps/api/node_modules")) ? treeBytes(join(root, "app/apps/api/node_modules")) : 0),
          "app node_modules": ["app/node_modules", "app/apps/api/node_modules"]
            .filter((d) => existsSync(join(root, d)))
            .reduce((n, d) => n + treeBytes(join(root, d)), 0),
        };
        parts["everything else (/etc, dirs)"] = treeBytes(root) - Object.values(parts).reduce((a, b) => a + b, 0);
        console.log(`# ${image.tag}: ${mb(Size)} (target < ${mb(image.maxBytes)})`);
        for (const [k, v] of Object.entries(parts)) console.log(`#   ${k.padEnd(30)} ${mb(v)}`);

        assert.equal(existsSync(join(root, "bin/sh")), false, "no shell");
        assert.equal(existsSync(join(root, "usr/local/lib/node_modules/npm")), false, "no npm");
        assert.deepEqual(readdirSync(root).sort(), ["app", "etc", "home", "lib", "lib64", "tmp", "usr"].filter((d) => existsSync(join(root, d))).sort());
        const files = walk(join(root, "app"));
        assert.deepEqual(
          files.filter((f) => /(^|\/)\.env/.test(f)),
          [],
          "no .env files",
        );
        assert.deepEqual(
          files.filter((f) => /\.test\.ts$|\/test\//.test(f)),
          [],
          "no tests",
        );
        if (image === backendImage) {
          assert.ok(existsSync(join(root, "app/apps/api/dist/main.js")));
          assert.ok(existsSync(join(root, "app/apps/api/dist/migrate.js")), "the migration Job's command");
          assert.ok(existsSync(join(root, "app/apps/api/dist/migrations/meta/_journal.json")));
          assert.deepEqual(readdirSync(join(root, "app/apps/api/node_modules")), ["@electric-sql"], "PGlite only; the rest is bundled");
          assert.equal(
            files.some((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
            false,
            "no TypeScript sources",
          );
        } else {
          assert.ok(existsSync(join(root, "app/apps/web/server.js")), "Next.js standalone server");
          assert.ok(readdirSync(join(root, "app/apps/web/.next/static")).length > 0, "static files beside it");
          assert.equal(statSync(join(root, "app/apps/web/.next/cache")).uid, 1001, "cache dir writable by the app user");
        }
      });
      assert.ok(Size < image.maxBytes, `${image.tag} is ${mb(Size)}, target < ${mb(image.maxBytes)}`);
    });
  }
});

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

describe("both containers on a podman network, read-only, as in the cluster", () => {
  const network = `todo-images-${runId}`;
  const api = `todo-backend-${runId}`;
  const web = `todo-frontend-${runId}`;
  let apiPort = 0;
  let webPort = 0;
  let webUrl = "";

  before(async () => {
    apiPort = await freePort();
    webPort = await freePort();
    webUrl = `http://127.0.0.1:${webPort}`;
    podmanOk(["network", "create", network]);
    podmanOk([
      "run",
      "--detach",
      "--name",
      api,
      "--network",
      network,
      "--network-alias",
      backendService.name,
      ...HARDENED,
      ...TMP,
      "--publish",
      `127.0.0.1:${apiPort}:${backendService.port}`,
      "--env",
      `BETTER_AUTH_SECRET=${secret()}`,
      "--env",
      `FRONTEND_URL=${webUrl}`,
      backendImage.tag,
    ]);
    // API_BASE_URL is left to the image's default, http://todo-backend:8000.
    podmanOk([
      "run",
      "--detach",
      "--name",
      web,
      "--network",
      network,
      ...HARDENED,
      ...TMP,
      ...NEXT_CACHE,
      "--publish",
      `127.0.0.1:${webPort}:${frontendService.port}`,
      frontendImage.tag,
    ]);
  });
  after(() => cleanup({ containers: [web, api], networks: [network] }));

  it("both pass their HEALTHCHECK (podman healthcheck run)", async () => {
    const started = performance.now();
    for (const name of [api, web]) {
      await waitFor(`${name} healthy`, () => (healthcheck(name) === 0 ? true : undefined));
      assert.equal(healthcheck(name), 0);
    }
    console.log(`# both healthy ${((performance.now() - started) / 1000).toFixed(1)} s after start`);
  });

  it("run as uid 1001 with a read-only root filesystem, writing only to their tmpfs", () => {
    for (const name of [api, web]) {
      assert.equal(processUid(name), APP_UID, `${name} runs as ${APP_UID}`);
      assert.equal(inspectContainer(name).HostConfig.ReadonlyRootfs, true);
      const write = (path: string) => podman(["exec", name, "node", "-e", `require("fs").writeFileSync(${JSON.stringify(path)}, "x")`]);
      const root = write("/app/probe");
      assert.notEqual(root.status, 0, `${name} could write to /app`);
      assert.match(root.stderr, /EROFS|EACCES/);
      assert.equal(write("/tmp/probe").status, 0, `${name} cannot write to /tmp`);
    }
    // The embedded database lives on the tmpfs (DATA_DIR=/tmp/todo-data).
    assert.equal(podman(["exec", api, "node", "-e", `process.exit(require("fs").existsSync("/tmp/todo-data/pglite/PG_VERSION") ? 0 : 1)`]).status, 0);
  });

  it("the frontend is ready and reaches the backend as todo-backend (through its proxy)", async () => {
    const res = await fetch(`${webUrl}${frontendService.health.ready}`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok" }, "readiness checks the frontend itself");
    // The backend's own answer (401 "unauthorized") through the proxy; unreachable would be 502.
    const proxied = await fetch(`${webUrl}/api/tasks`);
    assert.equal(proxied.status, 401);
    assert.equal(((await proxied.json()) as { error: { code: string } }).error.code, "unauthorized");
    assert.equal((await fetch(`http://127.0.0.1:${apiPort}${backendService.health.ready}`)).status, 200);
  });

  it("sign-up, add a task and list it, all through the frontend's proxy", async () => {
    const jar = new Cookies();
    const send = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${webUrl}${path}`, {
        ...init,
        headers: { "content-type": "application/json", origin: webUrl, cookie: jar.header, ...init.headers },
        redirect: "manual",
      });
      jar.store(res);
      return res;
    };
    const email = `images-${runId}@example.test`;
    const signUp = await send("/api/auth/sign-up/email", {
      method: "POST",
      body: JSON.stringify({ name: "Image Test", email, password: "correct horse battery" }),
    });
    assert.equal(signUp.status, 200, await signUp.clone().text());
    // Sign-up answers alike for a new and a taken email (it says nothing about who is registered);
    // the session comes from signing in, as the web app's form does.
    const signIn = await send("/api/auth/sign-in/email", {
      method: "POST",
      body: JSON.stringify({ email, password: "correct horse battery" }),
    });
    assert.equal(signIn.status, 200, await signIn.clone().text());
    assert.ok(jar.size > 0, "the session cookie came back through the proxy");

    const title = `ship the images ${runId}`;
    const created = await send("/api/tasks", { method: "POST", body: JSON.stringify({ title }) });
    assert.equal(created.status, 201, await created.clone().text());

    const list = await send("/api/tasks");
    assert.equal(list.status, 200);
    const page = (await list.json()) as { tasks: { title: string }[] };
    assert.deepEqual(
      page.tasks.map((t) => t.title),
      [title],
    );

    // The server-rendered page asks the backend itself (API_BASE_URL), with the caller's cookie.
    const html = await send("/tasks", { headers: { accept: "text/html" } });
    assert.equal(html.status, 200);
    assert.match(await html.text(), new RegExp(title));
  });

  it("stop cleanly on SIGTERM, before podman's 10 s SIGKILL", () => {
    const web1 = stop(web);
    const api1 = stop(api);
    console.log(
      `# SIGTERM → exit: frontend ${web1.seconds.toFixed(1)} s (code ${web1.exitCode}), backend ${api1.seconds.toFixed(1)} s (code ${api1.exitCode})`,
    );
    // Next.js closes its server, then exits 128+15 on purpose; node as PID 1 has no default SIGTERM
    // action, so 143 can only come from that handler (a SIGKILL after the timeout gives 137).
    assert.equal(web1.exitCode, 143, "frontend exited from its own SIGTERM handler");
    assert.equal(api1.exitCode, 0, "backend drained and exited 0");
    assert.match(logs(api), /"msg":"stopped"/);
    assert.equal(web1.oomKilled || api1.oomKilled, false);
  });
});

describe("the backend image against the host's PostgreSQL (DATABASE_URL)", () => {
  const admin = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const dbName = `todo_images_${runId}`;
  const url = new URL(admin);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const api = `todo-backend-pg-${runId}`;
  let port = 0;
  let origin = "";

  const sql = async <T>(connectionString: string, text: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  };

  before(async () => {
    port = await freePort();
    origin = `http://127.0.0.1:${await freePort()}`;
    await sql(admin, `create database ${dbName}`);
  });
  after(async () => {
    cleanup({ containers: [api] });
    await sql(admin, `drop database if exists ${dbName} with (force)`);
  });

  // Host networking, so 127.0.0.1 is the host's; the server binds to loopback only.
  const hostRun = ["--network", "host", ...HARDENED, ...TMP, "--env", `DATABASE_URL=${databaseUrl}`];

  it("the migration Job's command (node dist/migrate.js) migrates it and exits 0, even as a uid the image does not know", async () => {
    // A cluster may run the Job as any uid (runAsUser): the command needs no passwd entry.
    const out = podman([
      "run",
      "--rm",
      ...hostRun,
      "--user",
      "54321:54321",
      "--env",
      `BETTER_AUTH_SECRET=${secret()}`,
      backendImage.tag,
      "node",
      "dist/migrate.js",
    ]);
    assert.equal(out.status, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /"database":"postgres".*"msg":"migrations applied"/);
    const tables = await sql<{ table_name: string }>(databaseUrl, "select table_name from information_schema.tables where table_schema = 'public'");
    assert.ok(
      tables.some((t) => t.table_name === "tasks"),
      "tasks table created",
    );
  });

  it("serves from it: healthy, a task written through the API is a row in PostgreSQL, SIGTERM exits 0", async () => {
    podmanOk([
      "run",
      "--detach",
      "--name",
      api,
      ...hostRun,
      "--env",
      `BETTER_AUTH_SECRET=${secret()}`,
      "--env",
      "HOST=127.0.0.1",
      "--env",
      `PORT=${port}`,
      "--env",
      `FRONTEND_URL=${origin}`,
      backendImage.tag,
    ]);
    await waitFor("backend on PostgreSQL healthy", () => (healthcheck(api) === 0 ? true : undefined));
    const base = `http://127.0.0.1:${port}`;
    const health = await fetch(`${base}${backendService.health.full}`);
    assert.equal(health.status, 200);
    assert.match(logs(api), /"database":"postgres"/);

    const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ name: "PG", email: `pg-${runId}@example.test`, password: "correct horse battery" }),
    });
    assert.equal(signUp.status, 200, await signUp.clone().text());
    const signIn = await fetch(`${base}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ email: `pg-${runId}@example.test`, password: "correct horse battery" }),
    });
    assert.equal(signIn.status, 200, await signIn.clone().text());
    const { token } = (await signIn.json()) as { token: string };
    const title = `stored in postgres ${runId}`;
    const created = await fetch(`${base}/api/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ title }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const rows = await sql<{ title: string }>(databaseUrl, "select title from tasks");
    assert.deepEqual(
      rows.map((r) => r.title),
      [title],
    );

    const stopped = stop(api);
    console.log(`# backend on PostgreSQL: SIGTERM → exit ${stopped.seconds.toFixed(1)} s (code ${stopped.exitCode})`);
    assert.equal(stopped.exitCode, 0);
  });
});
