/**
 * Configuration: the only reader of process.env. Parsed once with zod; a bad or missing key stops
 * start-up with a message that names it.
 */
import { createECDH, createPrivateKey, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { compileTrust, type TrustProxy } from "./http/client-ip.ts";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** Time a turn needs after its model call ends to store its reply. */
export const TURN_STORE_MARGIN_MS = 2000;

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(8000),
    HOST: z.string().default("0.0.0.0"),
    ENVIRONMENT: z.string().default("development"),
    LOG_LEVEL: z
      .string()
      .toLowerCase()
      .pipe(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]))
      .default("info"),
    DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/, message: "must be a postgres:// or postgresql:// URL" }).optional()),
    DATA_DIR: z.string().default("./.data"),
    DATABASE_POOL_MIN: z.coerce.number().int().min(0).max(100).default(5),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(15),
    DATABASE_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
    BETTER_AUTH_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
    BETTER_AUTH_URL: optionalString.pipe(z.url().optional()),
    FRONTEND_URL: optionalString.pipe(z.url().optional()),
    MCP_RESOURCE_URL: optionalString.pipe(z.url().optional()),
    OAUTH_ACCESS_TOKEN_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
    AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
    AUTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    TRUSTED_PROXIES: z.string().default(""),
    CHAT_MAX_TURNS_PER_USER: z.coerce.number().int().min(1).max(100).default(3),
    CHAT_MAX_TURNS: z.coerce.number().int().min(1).max(10_000).default(32),
    OPENAI_API_KEY: optionalString,
    OPENROUTER_API_KEY: optionalString,
    LLM_BASE_URL: optionalString.pipe(z.url().optional()),
    LLM_API_KEY: optionalString,
    LLM_MODEL: optionalString,
    LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    CHAT_TURN_LEASE_MS: z.coerce.number().int().min(300).max(600_000).default(15_000),
    CHAT_RESUME_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(660_000).default(35_000),
    DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(30_000).default(0),
    REMINDERS_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    REMINDERS_BATCH: z.coerce.number().int().min(1).max(1000).default(100),
    REMINDERS_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
    REMINDERS_LATE_AFTER_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
    VAPID_PRIVATE_KEY: optionalString,
    VAPID_SUBJECT: optionalString.pipe(
      z
        .string()
        .regex(/^(mailto:|https:\/\/)/, "must be a mailto: address or an https:// URL (push services contact it about problems)")
        .optional(),
    ),
  })
  .refine((env) => env.DATABASE_POOL_MIN <= env.DATABASE_POOL_MAX, {
    path: ["DATABASE_POOL_MIN"],
    message: "must not exceed DATABASE_POOL_MAX",
  })
  // A turn running when SIGTERM comes is bounded by the model timeout; the shutdown timeout must
  // leave it that long plus a moment to store its reply, or deploys would cut turns off.
  .refine((env) => env.SHUTDOWN_TIMEOUT_MS >= env.LLM_TIMEOUT_MS + TURN_STORE_MARGIN_MS, {
    path: ["SHUTDOWN_TIMEOUT_MS"],
    message: "must be at least LLM_TIMEOUT_MS + 2000 (a turn running at SIGTERM may take that long to end and be stored)",
  })
  .refine((env) => env.NODE_ENV !== "production" || env.BETTER_AUTH_SECRET !== undefined, {
    path: ["BETTER_AUTH_SECRET"],
    message: "is required when NODE_ENV=production (generate one with: openssl rand -base64 32)",
  });

export type LlmConfig =
  | { provider: "offline" }
  | { provider: "openai"; apiKey: string; model: string; baseURL?: string }
  | { provider: "openai-compatible"; name: string; apiKey?: string; model: string; baseURL: string };

export interface Config {
  nodeEnv: "development" | "production" | "test";
  environment: string;
  port: number;
  host: string;
  logLevel: string;
  database:
    | {
        kind: "postgres";
        url: string;
        poolMin: number;
        poolMax: number;
        /** How long the migrate command waits for the database to answer (the server waits on). */
        waitSeconds: number;
      }
    | { kind: "pglite"; dataDir: string };
  dataDir: string;
  auth: {
    secret: string;
    baseURL: string;
    trustedOrigins: string[];
    rateLimit: { max: number; windowSeconds: number };
  };
  /**
   * The MCP endpoint as an OAuth protected resource: its public URL (what people add to their MCP
   * client; tokens are bound to it, RFC 8707) and how long an access token lives before a refresh.
   */
  mcp: { resource: string; accessTokenSeconds: number };
  /** Which socket peers may tell the client's address in X-Forwarded-For (TRUSTED_PROXIES). */
  trustProxy: TrustProxy;
  /** Chat turns running at once, per person and in the whole process; beyond them 429. */
  chatConcurrency: { perUser: number; total: number };
  llm: LlmConfig;
  /** The most one turn's model calls may take (LLM_TIMEOUT_MS); past it the turn fails with model_timeout. */
  llmTimeoutMs: number;
  /**
   * How long a running turn's lease lasts (CHAT_TURN_LEASE_MS); its replica renews it every third
   * of that. A turn whose lease ran out lost its replica and reads as interrupted.
   */
  turnLeaseMs: number;
  /**
   * A resume of a turn running on another replica wakes on NOTIFY when chunks are stored; it also
   * looks every CHAT_RESUME_POLL_MS, in case a notification was lost (a dropped LISTEN connection).
   */
  resumePollMs: number;
  /** After the drain delay, the most the process waits for requests and turns (≥ LLM_TIMEOUT_MS + 2 s). */
  shutdownTimeoutMs: number;
  /** After SIGTERM, how long to keep serving while reporting not ready (lets a load balancer notice). */
  drainDelayMs: number;
  /**
   * The reminders scheduler every replica runs: how often an idle one polls, how many reminders one
   * claim takes, how long a claim holds before another replica may take over, and when a firing is late.
   * Absent (tests that build a Config by hand): the defaults.
   */
  reminders?: { pollMs: number; batchSize: number; leaseMs: number; lateAfterMs: number };
  /** Web Push (VAPID keys), or undefined when it is off (production without VAPID_PRIVATE_KEY). */
  push: PushConfig | undefined;
}

/** The VAPID key pair as web-push takes it (base64url: the raw private scalar, the uncompressed public point). */
export interface PushConfig {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";

function chooseLlm(env: z.output<typeof EnvSchema>): LlmConfig {
  if (env.LLM_BASE_URL) {
    return {
      provider: "openai-compatible",
      name: "custom",
      baseURL: env.LLM_BASE_URL,
      apiKey: env.LLM_API_KEY ?? env.OPENROUTER_API_KEY ?? env.OPENAI_API_KEY,
      model: env.LLM_MODEL ?? "gpt-4o",
    };
  }
  if (env.OPENAI_API_KEY) return { provider: "openai", apiKey: env.OPENAI_API_KEY, model: env.LLM_MODEL ?? "gpt-4o" };
  if (env.OPENROUTER_API_KEY) {
    return {
      provider: "openai-compatible",
      name: "openrouter",
      baseURL: OPENROUTER_BASE_URL,
      apiKey: env.OPENROUTER_API_KEY,
      model: env.LLM_MODEL ?? "openai/gpt-4o",
    };
  }
  return { provider: "offline" };
}

/**
 * Without BETTER_AUTH_SECRET outside production, a secret is made once and kept in the data
 * directory, so sessions and the JWT key survive restarts of `npm start`.
 */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The origins sign-ins are accepted from. A loopback origin brings its other names along (same
 * scheme and port): a person who opens http://127.0.0.1:3000 instead of http://localhost:3000 is
 * the same person on the same machine, and was told "Invalid origin" with no hint.
 */
function withLoopbackAliases(urls: (string | undefined)[]): string[] {
  const origins = urls.filter((u): u is string => !!u).map((u) => new URL(u));
  const all = origins.flatMap((url) =>
    LOOPBACK_NAMES.includes(url.hostname) ? LOOPBACK_NAMES.map((name) => `${url.protocol}//${name}${url.port ? `:${url.port}` : ""}`) : [url.origin],
  );
  return [...new Set(all)];
}

function localSecret(dataDir: string): string {
  const file = join(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * A VAPID key pair from its private half: the raw P-256 scalar in base64url (what
 * `npx web-push generate-vapid-keys` prints) or a PEM EC key (what a chart's genPrivateKey "ecdsa"
 * makes). The public half is derived, so the two can never disagree.
 */
export function vapidKeys(value: string): { publicKey: string; privateKey: string } {
  let d: Buffer;
  if (value.includes("-----BEGIN")) {
    const jwk = createPrivateKey(value).export({ format: "jwk" });
    if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d) throw new Error("must be a P-256 (prime256v1) EC key");
    d = Buffer.from(jwk.d, "base64url");
  } else {
    d = Buffer.from(value, "base64url");
    if (d.length !== 32) throw new Error("must be a P-256 private key: 32 bytes in base64url, or a PEM EC key");
  }
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(d);
  return {
    publicKey: ecdh.getPublicKey().toString("base64url"),
    privateKey: Buffer.concat([Buffer.alloc(32), d])
      .subarray(-32)
      .toString("base64url"),
  };
}

/** Outside production without VAPID_PRIVATE_KEY: a key made once and kept beside the auth secret. */
function localVapidKey(dataDir: string): string {
  const file = join(dataDir, "vapid-private-key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const key = createECDH("prime256v1");
  key.generateKeys();
  // The scalar as 32 bytes (getPrivateKey drops leading zero bytes).
  const value = Buffer.concat([Buffer.alloc(32), key.getPrivateKey()])
    .subarray(-32)
    .toString("base64url");
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}

function choosePush(env: z.output<typeof EnvSchema>, dataDir: string, frontendURL: string): PushConfig | undefined {
  const value = env.VAPID_PRIVATE_KEY ?? (env.NODE_ENV === "production" ? undefined : localVapidKey(dataDir));
  if (value === undefined) return undefined;
  let keys: { publicKey: string; privateKey: string };
  try {
    keys = vapidKeys(value);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  VAPID_PRIVATE_KEY: ${(err as Error).message}`);
  }
  // Push services write to the subject about problems; a local web app has no address of its own.
  const subject = env.VAPID_SUBJECT ?? (frontendURL.startsWith("https://") ? new URL(frontendURL).origin : "mailto:webpush@localhost");
  return { ...keys, subject };
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  let trustProxy: TrustProxy;
  try {
    trustProxy = compileTrust(env.TRUSTED_PROXIES);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  TRUSTED_PROXIES: ${(err as Error).message}`);
  }
  const dataDir = resolve(env.DATA_DIR);
  const frontendURL = env.FRONTEND_URL ?? "http://localhost:3000";
  return {
    nodeEnv: env.NODE_ENV,
    environment: env.ENVIRONMENT,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    database: env.DATABASE_URL
      ? {
          kind: "postgres",
          url: env.DATABASE_URL,
          poolMin: env.DATABASE_POOL_MIN,
          poolMax: env.DATABASE_POOL_MAX,
          waitSeconds: env.DATABASE_WAIT_SECONDS,
        }
      : { kind: "pglite", dataDir: join(dataDir, "pglite") },
    dataDir,
    auth: {
      secret: env.BETTER_AUTH_SECRET ?? localSecret(dataDir),
      baseURL: env.BETTER_AUTH_URL ?? frontendURL,
      trustedOrigins: withLoopbackAliases([frontendURL, env.BETTER_AUTH_URL]),
      rateLimit: { max: env.AUTH_RATE_LIMIT_MAX, windowSeconds: env.AUTH_RATE_LIMIT_WINDOW_SECONDS },
    },
    mcp: {
      // The web app's origin serves /mcp to people (it proxies to this backend), so that is the default.
      resource: env.MCP_RESOURCE_URL ?? `${new URL(env.BETTER_AUTH_URL ?? frontendURL).origin}/mcp`,
      accessTokenSeconds: env.OAUTH_ACCESS_TOKEN_SECONDS,
    },
    trustProxy,
    chatConcurrency: { perUser: env.CHAT_MAX_TURNS_PER_USER, total: env.CHAT_MAX_TURNS },
    llm: chooseLlm(env),
    llmTimeoutMs: env.LLM_TIMEOUT_MS,
    turnLeaseMs: env.CHAT_TURN_LEASE_MS,
    resumePollMs: env.CHAT_RESUME_POLL_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    drainDelayMs: env.DRAIN_DELAY_MS,
    reminders: {
      pollMs: env.REMINDERS_POLL_MS,
      batchSize: env.REMINDERS_BATCH,
      leaseMs: env.REMINDERS_LEASE_MS,
      lateAfterMs: env.REMINDERS_LATE_AFTER_MS,
    },
    push: choosePush(env, dataDir, frontendURL),
  };
}
