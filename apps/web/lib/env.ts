/**
 * The web server's environment, parsed once with zod: the only reader of process.env in the web app
 * (scripts/start.mjs, the launcher that sets Next's own variables, aside). A bad value is an error
 * that names the key; the readiness route reports it. Only server code calls webEnv(): the browser
 * bundle has no environment of its own.
 */
import { isIP } from "node:net";
import { BODY_LIMIT_BYTES } from "@todo/contracts/constants";
import { z } from "zod";

const DEFAULT_API_BASE_URL = "http://127.0.0.1:8000";
const PROXY_KEYWORDS = ["loopback", "linklocal", "uniquelocal"];

/** Unset and empty mean the same: the default. */
const unsetIfEmpty = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const proxyEntry = z.string().refine((entry) => {
  if (PROXY_KEYWORDS.includes(entry)) return true;
  const [address, bits] = entry.split("/");
  return !!address && isIP(address) !== 0 && (bits === undefined || /^\d{1,3}$/.test(bits));
}, "is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal");

const WebEnvSchema = z.object({
  NODE_ENV: z.preprocess(unsetIfEmpty, z.enum(["development", "production", "test"]).default("production")),
  /** The backend, as this server reaches it (server side; the browser only ever talks to this server). */
  API_BASE_URL: z.preprocess(
    unsetIfEmpty,
    z
      .url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })
      .default(DEFAULT_API_BASE_URL)
      .transform((u) => u.replace(/\/+$/, "")),
  ),
  /** The largest request body the proxy passes on (default: the backend's own limit, BODY_LIMIT_BYTES of @todo/contracts). */
  BODY_LIMIT_BYTES: z.preprocess(unsetIfEmpty, z.coerce.number().int().positive("must be a positive number of bytes").default(BODY_LIMIT_BYTES)),
  /** Proxies whose X-Forwarded-For this server extends rather than replaces (comma-separated). */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(proxyEntry)),
});

export type WebEnv = {
  nodeEnv: "development" | "production" | "test";
  apiBaseUrl: string;
  bodyLimitBytes: number;
  trustedProxies: string[];
};

export class WebEnvError extends Error {
  override name = "WebEnvError";
}

/** The environment, checked; a WebEnvError naming each bad key otherwise. */
export function parseWebEnv(source: Record<string, string | undefined>): WebEnv {
  const parsed = WebEnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const [key, index] = i.path;
      const entry =
        typeof index === "number"
          ? ` "${
              (source[String(key)] ?? "")
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean)[index]
            }"`
          : "";
      return `  ${String(key)}${entry}: ${i.message}`;
    });
    throw new WebEnvError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  return { nodeEnv: env.NODE_ENV, apiBaseUrl: env.API_BASE_URL, bodyLimitBytes: env.BODY_LIMIT_BYTES, trustedProxies: env.TRUSTED_PROXIES };
}

let current: WebEnv | undefined;
/** This process's environment, parsed on first use and kept. */
export function webEnv(): WebEnv {
  current ??= parseWebEnv(process.env);
  return current;
}
