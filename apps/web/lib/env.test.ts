/** The web server's environment: parsed once, defaults for what is unset, errors that name the key. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseWebEnv, WebEnvError } from "./env.ts";

const webRoot = fileURLToPath(new URL("..", import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!["node_modules", ".next", "bench", "scripts"].includes(entry.name)) sources(join(dir, entry.name), out);
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts")) {
      out.push(relative(webRoot, join(dir, entry.name)));
    }
  }
  return out;
}

describe("web environment", () => {
  it("unset or empty keys take their defaults", () => {
    const expected = { nodeEnv: "production", apiBaseUrl: "http://127.0.0.1:8000", bodyLimitBytes: 65_536, trustedProxies: [] };
    assert.deepEqual(parseWebEnv({}), expected);
    assert.deepEqual(parseWebEnv({ API_BASE_URL: "", BODY_LIMIT_BYTES: "", TRUSTED_PROXIES: "", NODE_ENV: "" }), expected);
  });

  it("reads each key, trimming the backend URL's trailing slashes and the proxy list's spaces", () => {
    assert.deepEqual(
      parseWebEnv({
        NODE_ENV: "development",
        API_BASE_URL: "http://todo-backend:8000//",
        BODY_LIMIT_BYTES: "1024",
        TRUSTED_PROXIES: " 10.0.0.0/8, loopback ,::1",
      }),
      { nodeEnv: "development", apiBaseUrl: "http://todo-backend:8000", bodyLimitBytes: 1024, trustedProxies: ["10.0.0.0/8", "loopback", "::1"] },
    );
  });

  it("a bad value is an error naming the key (and the bad proxy entry), not a silent default", () => {
    const error = (env: Record<string, string>) => {
      try {
        parseWebEnv(env);
      } catch (err) {
        assert.ok(err instanceof WebEnvError);
        return err.message;
      }
      assert.fail(`accepted ${JSON.stringify(env)}`);
    };
    assert.match(error({ API_BASE_URL: "todo-backend:8000" }), /API_BASE_URL: must be an http:\/\/ or https:\/\/ URL/);
    assert.match(error({ BODY_LIMIT_BYTES: "64k" }), /BODY_LIMIT_BYTES/);
    assert.match(error({ BODY_LIMIT_BYTES: "0" }), /BODY_LIMIT_BYTES: must be a positive number of bytes/);
    assert.match(error({ TRUSTED_PROXIES: "10.0.0.1,proxy.example" }), /TRUSTED_PROXIES "proxy\.example": is not an IP address/);
    assert.match(error({ NODE_ENV: "staging" }), /NODE_ENV/);
    const both = error({ API_BASE_URL: "nope", BODY_LIMIT_BYTES: "-1" });
    assert.match(both, /API_BASE_URL/);
    assert.match(both, /BODY_LIMIT_BYTES/);
  });

  it("is the only reader of process.env in the web app", () => {
    const readers = sources(webRoot).filter((file) => /process\.env\b/.test(readFileSync(join(webRoot, file), "utf8")));
    assert.deepEqual(readers, ["lib/env.ts"]);
  });
});
