/** Runs the real backend entry point (src/main.ts) as a child process on a free 127.0.0.1 port. */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const apiDir = fileURLToPath(new URL("..", import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface BackendProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Starts src/main.ts through tsx, or a built entry such as dist/main.js when `entry` is given. */
export async function startBackend(
  env: Record<string, string>,
  entry?: string,
  /** Where the child's logs go: kept in memory (tests read them) or discarded (benchmarks). */
  logs: "keep" | "discard" = "keep",
): Promise<BackendProcess> {
  const port = await freePort();
  let output = "";
  const child = spawn(process.execPath, entry ? [entry] : ["--import", "tsx", "src/main.ts"], {
    cwd: apiDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "info",
      BETTER_AUTH_SECRET: "process-test-secret-0123456789abcdef",
      ...env,
    },
    stdio: ["ignore", logs === "keep" ? "pipe" : "ignore", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a busy machine (CI running several suites at once) start-up can take a while.
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`backend exited during start-up:\n${output}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill("SIGKILL");
      throw new Error(`backend did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function json(url: string, init: RequestInit & { json?: unknown; token?: string } = {}) {
  const { json: body, token, headers, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(headers as Record<string, string> | undefined),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * Signs a person up and then in over HTTP (sign-up never signs in: it answers alike for a taken
 * email) and returns the session token from the sign-in.
 */
export async function signUpAndIn(url: string, who: { name: string; email: string; password: string }, headers: Record<string, string> = {}): Promise<string> {
  // Node's fetch sends Sec-Fetch-Mode, so Better Auth checks the Origin as it would a browser's:
  // the client says it comes from the app's default origin (FRONTEND_URL), as apps/api/README.md tells scripts to.
  headers = { origin: "http://localhost:3000", ...headers };
  const up = await json(`${url}/api/auth/sign-up/email`, { method: "POST", headers, json: who });
  if (up.status !== 200) throw new Error(`sign-up failed: ${up.status} ${JSON.stringify(up.body)}`);
  const signIn = await json(`${url}/api/auth/sign-in/email`, { method: "POST", headers, json: { email: who.email, password: who.password } });
  if (signIn.status !== 200 || typeof signIn.body?.token !== "string") throw new Error(`sign-in failed: ${signIn.status} ${JSON.stringify(signIn.body)}`);
  return signIn.body.token as string;
}
