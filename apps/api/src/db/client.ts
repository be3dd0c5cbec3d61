/**
 * Opens the database: embedded PGlite under the data directory when no DATABASE_URL is given,
 * otherwise a node-postgres pool (sslmode and the rest come from the URL, as Neon expects).
 * Both yield the same Drizzle API, so everything above this file is driver-agnostic.
 */
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { mkdirSync } from "node:fs";
import type { Config } from "../config.ts";
import * as schema from "./schema.ts";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  kind: "pglite" | "postgres";
  db: Database;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Runs fn while holding a session-level advisory lock (serialises migrations across replicas). */
  withAdvisoryLock<T>(key: number, fn: (db: Database) => Promise<T>): Promise<T>;
  /**
   * Calls onPayload with each NOTIFY on `channel` (from any process on the same database): a
   * dedicated connection on PostgreSQL, kept open and re-established after a drop; the embedded
   * database's own notifications on PGlite. Resolves once listening; returns how to stop.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
}

/** A channel name as a quoted SQL identifier (names are ours, never a person's input). */
const quoteChannel = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

export async function openDatabase(config: Config["database"]): Promise<DatabaseHandle> {
  if (config.kind === "pglite") {
    // PGlite creates only the last path segment; DATA_DIR may be a fresh path on an empty volume.
    mkdirSync(config.dataDir, { recursive: true });
    return openPglite(new PGlite(config.dataDir));
  }
  return openPostgres(config.url, config.poolMin, config.poolMax);
}

/** An existing PGlite instance (tests pass an in-memory one). */
export function openPglite(client: PGlite): DatabaseHandle {
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  let chain: Promise<unknown> = Promise.resolve();
  return {
    kind: "pglite",
    db,
    async ping() {
      if (client.closed) throw new Error("embedded database is closed");
      await client.query("select 1");
    },
    async close() {
      if (!client.closed) await client.close();
    },
    // One process owns an embedded database, so an in-process queue is the lock.
    withAdvisoryLock(_key, fn) {
      const run = chain.then(() => fn(db));
      chain = run.catch(() => undefined);
      return run;
    },
    async listen(channel, onPayload) {
      // PGlite quotes and matches the name itself (ours are plain lower-case identifiers).
      return client.listen(channel, onPayload);
    },
  };
}

export function openPostgres(url: string, poolMin = 0, poolMax = 10): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    min: poolMin,
    max: poolMax,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", () => undefined);
  const db = drizzlePg(pool, { schema }) as unknown as Database;
  let closed = false;
  return {
    kind: "postgres",
    db,
    async ping() {
      await pool.query("select 1");
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
    async withAdvisoryLock(key, fn) {
      const client = await pool.connect();
      // A checked-out client has no pool listener; a dropped connection must reject, not crash.
      const onError = () => undefined;
      client.on("error", onError);
      try {
        await client.query("select pg_advisory_lock($1)", [key]);
        try {
          return await fn(drizzlePg(client, { schema }) as unknown as Database);
        } finally {
          await client.query("select pg_advisory_unlock($1)", [key]);
        }
      } finally {
        client.off("error", onError);
        client.release();
      }
    },
    listen: (channel, onPayload) => listenPostgres(url, channel, onPayload),
  };
}

const RELISTEN_DELAY_MS = 1000;

/** LISTEN on a connection of its own (a pooled one would be handed to queries); reconnects after a drop. */
async function listenPostgres(url: string, channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
  let stopped = false;
  let current: pg.Client | undefined;
  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    const retry = () => {
      if (current !== client) return;
      current = undefined;
      client.end().catch(() => undefined);
      if (!stopped) setTimeout(() => void connect().catch(retry), RELISTEN_DELAY_MS).unref();
    };
    client.on("error", retry);
    client.on("end", retry);
    client.on("notification", (msg) => {
      if (msg.channel === channel && msg.payload !== undefined) onPayload(msg.payload);
    });
    current = client;
    await client.connect();
    await client.query(`listen ${quoteChannel(channel)}`);
  };
  await connect();
  return async () => {
    stopped = true;
    const client = current;
    current = undefined;
    await client?.end().catch(() => undefined);
  };
}

export { schema, sql };
