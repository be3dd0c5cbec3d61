/**
 * Accounts with Better Auth: email + password, bearer tokens for API clients, a JWT plugin (JWKS at
 * /api/auth/jwks) and rate limits kept in the database so every replica shares them.
 */
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { bearer, jwt } from "better-auth/plugins";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { account, jwks, rateLimit, session, user, verification } from "../db/schema.ts";
import type { Logger } from "../logger.ts";

/** The header our own middleware sets to the resolved client address (incoming values are dropped). */
export const CLIENT_IP_HEADER = "x-todo-client-ip";

export function createAuth(db: Database, config: Config["auth"], logger: Logger) {
  const limit = { window: config.rateLimit.windowSeconds, max: config.rateLimit.max };
  return betterAuth({
    appName: "Todo Chatbot",
    baseURL: config.baseURL,
    basePath: "/api/auth",
    secret: config.secret,
    trustedOrigins: config.trustedOrigins,
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: { user, session, account, verification, jwks, rateLimit },
    }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    // JWTs are fetched on demand (GET /api/auth/token); signing one on every session read costs ~4 ms.
    plugins: [bearer(), jwt({ disableSettingJwtHeader: true })],
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 300,
      // Credential guessing is what needs limiting. Reading the session happens on every page view
      // (the web server asks on the person's behalf), so it is not counted: no write per page view.
      customRules: { "/sign-in/*": limit, "/sign-up/*": limit, "/get-session": false },
    },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      // One query (session joined with its user, via the schema's relations) per authenticated request.
      database: { joins: true },
    },
    telemetry: { enabled: false },
    logger: {
      log: (level, message) => logger[level]({ component: "auth" }, message),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
