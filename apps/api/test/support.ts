/**
 * Test support: real databases (in-memory PGlite always; a fresh PostgreSQL database per suite when
 * TEST_DATABASE_URL names a server), the real app built on them, and small HTTP helpers.
 * A migrated database is a copy of one migrated template (a PostgreSQL template database, a PGlite
 * data-dir dump), made once per set of migrations and shared by every test file of a run: the same
 * schema and rows the migrations make, without running them again for every suite.
 */
import { PGlite } from "@electric-sql/pglite";
import type { LanguageModel } from "ai";
import { randomUUID } from "node:crypto";
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { pino } from "pino";
import { createApp } from "../src/app.ts";
import type { Config } from "../src/config.ts";
import { openPglite, openPostgres, type DatabaseHandle } from "../src/db/client.ts";
import { migrateDatabase } from "../src/db/migrate.ts";
import { migrationsDigest } from "./migrations-digest.ts";
import { OfflineLanguageModel } from "../src/chat/offline/offline.model.ts";
import { compileTrust } from "../src/http/client-ip.ts";

export const adminUrl = process.env.TEST_DATABASE_URL;
export const postgresOnly = adminUrl ? {} : { skip: "needs TEST_DATABASE_URL (a PostgreSQL server)" };

/** A brand-new PostgreSQL database, empty or a copy of `template`; returns its URL and a dropper. */
export async function createPostgresDatabase(template?: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `todo_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const digest = migrationsDigest();

let postgresTemplate: Promise<string> | undefined;
/**
 * The migrated PostgreSQL template database for these migrations: made by the first test file that
 * needs it (under an advisory lock, so files running at once make it once), then only cloned.
 */
function migratedPostgresTemplate(): Promise<string> {
  postgresTemplate ??= (async () => {
    if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
    const name = `todo_template_${digest}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query("select pg_advisory_lock(727002)");
      const found = await admin.query("select 1 from pg_database where datname = $1", [name]);
      if (found.rowCount === 0) {
        // Migrated under another name and renamed when complete: a template is never half made.
        const building = `${name}_${randomUUID().replaceAll("-", "").slice(0, 8)}`;
        await admin.query(`create database ${building}`);
        try {
          const url = new URL(adminUrl);
          url.pathname = `/${building}`;
          const handle = openPostgres(url.toString(), 0, 1);
          try {
            await migrateDatabase(handle);
          } finally {
            await handle.close();
          }
          await admin.query(`alter database ${building} rename to ${name}`);
        } catch (err) {
          await admin.query(`drop database if exists ${building} with (force)`);
          throw err;
        }
      }
    } finally {
      await admin.end();
    }
    return name;
  })();
  return postgresTemplate;
}

let pgliteTemplate: Promise<Blob> | undefined;
/**
 * A dump of a migrated PGlite data directory for these migrations, kept in the temporary directory
 * for the other test files of the run (written whole, then renamed into place).
 */
function migratedPgliteDump(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const file = join(tmpdir(), `todo-pglite-template-${digest}.tar`);
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) return new Blob([readFileSync(file)]);
    const client = new PGlite();
    await migrateDatabase(openPglite(client));
    const dump = await client.dumpDataDir("none");
    await client.close();
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    return dump;
  })();
  return pgliteTemplate;
}

export interface TestDatabase {
  handle: DatabaseHandle;
  /** Another connection to the same database (a second app "replica" or a restart). */
  reopen(): DatabaseHandle;
  dispose(): Promise<void>;
}

export interface Driver {
  name: "pglite" | "postgres";
  /** A fresh database, migrated unless `migrate: false`. */
  create(options?: { migrate?: boolean }): Promise<TestDatabase>;
}

const pgliteDriver: Driver = {
  name: "pglite",
  async create({ migrate = true } = {}) {
    const client = migrate ? new PGlite({ loadDataDir: await migratedPgliteDump() }) : new PGlite();
    const handle = openPglite(client);
    return {
      handle,
      // One process owns an embedded database; a "restart" reuses the same instance.
      reopen: () => ({ ...openPglite(client), close: async () => undefined }),
      dispose: () => handle.close(),
    };
  },
};

const postgresDriver: Driver = {
  name: "postgres",
  async create({ migrate = true } = {}) {
    const created = await createPostgresDatabase(migrate ? await migratedPostgresTemplate() : undefined);
    const handles: DatabaseHandle[] = [];
    const open = () => {
      const h = openPostgres(created.url, 0, 5);
      handles.push(h);
      return h;
    };
    const handle = open();
    return {
      handle,
      reopen: open,
      async dispose() {
        await Promise.all(handles.map((h) => h.close()));
        await created.drop();
      },
    };
  },
};

/** Drivers every integration suite runs on: PGlite always, PostgreSQL when available. */
export const drivers: Driver[] = adminUrl ? [pgliteDriver, postgresDriver] : [pgliteDriver];
export { pgliteDriver, postgresDriver };

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    nodeEnv: "test",
    environment: "test",
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    database: { kind: "pglite", dataDir: "memory://" },
    dataDir: "/tmp",
    auth: {
      secret: "test-secret-test-secret-test-secret-0123",
      baseURL: "http://localhost:3000",
      trustedOrigins: ["http://localhost:3000"],
      rateLimit: { max: 1000, windowSeconds: 60 },
    },
    mcp: { resource: "http://localhost:3000/mcp", accessTokenSeconds: 3600 },
    trustProxy: compileTrust(""),
    chatConcurrency: { perUser: 3, total: 32 },
    llm: { provider: "offline" },
    llmTimeoutMs: 30_000,
    turnLeaseMs: 15_000,
    resumePollMs: 2000,
    shutdownTimeoutMs: 5000,
    drainDelayMs: 0,
    push: undefined,
    ...overrides,
  };
}

export interface TestAppOptions {
  model?: LanguageModel;
  logger?: import("../src/logger.ts").Logger;
  config?: Partial<Config>;
  clock?: () => Date;
  /** Shared with the app: set `draining` to act as a replica on its way out. */
  lifecycle?: { draining: boolean };
}

export function buildApp(database: DatabaseHandle, options: TestAppOptions = {}) {
  return createApp({
    config: testConfig(options.config),
    database,
    logger: options.logger ?? silentLogger,
    model: options.model ?? new OfflineLanguageModel(options.clock),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
  });
}

type FetchApp = { request: (input: string, init?: RequestInit, env?: object) => Response | Promise<Response> };

/** What @hono/node-server gives the app for a request from `address`: its socket. */
export const fromAddress = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

/** A tiny client for one signed-in user, connecting from `ip` (the socket's peer address). */
export class Client {
  constructor(
    private readonly app: FetchApp,
    readonly token?: string,
    readonly ip = "203.0.113.7",
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const init: RequestInit = {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    };
    const res = await this.app.request(path, init, fromAddress(this.ip));
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text, headers: res.headers };
  }

  get = (path: string) => this.call("GET", path);
  post = (path: string, body?: unknown) => this.call("POST", path, body ?? {});
  patch = (path: string, body: unknown) => this.call("PATCH", path, body);
  delete = (path: string) => this.call("DELETE", path);
}

let userCounter = 0;

/** Signs a new user up, then in (sign-up never signs in), and returns a client carrying their bearer token. */
export async function signUp(app: FetchApp, name = "Test User"): Promise<Client & { email: string; userId: string }> {
  const email = `user${Date.now().toString(36)}${(userCounter++).toString(36)}${randomUUID().slice(0, 4)}@example.test`;
  const anon = new Client(app);
  const up = await anon.post("/api/auth/sign-up/email", { name, email, password: "correct horse battery" });
  if (up.status !== 200) throw new Error(`sign-up failed: ${up.status} ${up.text}`);
  const res = await anon.post("/api/auth/sign-in/email", { email, password: "correct horse battery" });
  if (res.status !== 200 || !res.body?.token) throw new Error(`sign-in after sign-up failed: ${res.status} ${res.text}`);
  return Object.assign(new Client(app, res.body.token), { email, userId: res.body.user.id as string });
}

/** A logger whose every line (JSON, as pino writes it) is kept in `lines`, for asserting what is never logged. */
export function capturingLogger(): { logger: import("../src/logger.ts").Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: "trace" }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}
