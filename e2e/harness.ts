/**
 * Starts the whole product for one test file — the backend on a fresh embedded database (PGlite)
 * and the frontend's production server in front of it — on free ports, and a real Chromium to
 * drive it. Each test file calls startProduct() once and stop() at the end; node runs test files
 * in separate processes, so nothing is shared between files except the frontend build and the
 * freshly migrated database each backend starts on a copy of.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { backendService, frontendService } from "@todo/contracts";
import { migrationsDigest } from "../apps/api/test/migrations-digest.ts";
import { ensureWebBuild } from "../scripts/web-build.mjs";
import { findChromium } from "../scripts/chromium.mjs";
import { testScreenshotDir } from "../scripts/screenshots.mjs";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const webDir = join(repoRoot, "apps/web");
/** Under e2e/test-results (ignored by git); `npm run screenshots` refreshes the committed set from here. */
export const screenshotDir = testScreenshotDir;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * An embedded database with the committed migrations applied, made once for every test file of a
 * run (a directory in the temporary directory named after the migrations, renamed into place
 * when complete). Each product starts on its own copy: the backend finds its migrations applied, as
 * on any restart, instead of creating and migrating a database from nothing in every file.
 */
async function migratedPgliteDir(): Promise<string> {
  const dir = join(tmpdir(), `todo-e2e-pglite-${migrationsDigest()}`);
  if (existsSync(dir)) return dir;
  // Loaded only here: once made, a test file needs none of the database code.
  const [{ openDatabase }, { migrateDatabase }] = await Promise.all([import("../apps/api/src/db/client.ts"), import("../apps/api/src/db/migrate.ts")]);
  const building = mkdtempSync(`${dir}.building-`);
  try {
    const database = await openDatabase({ kind: "pglite", dataDir: join(building, "pglite") });
    try {
      await migrateDatabase(database);
    } finally {
      await database.close();
    }
    // Another file may have finished first; its copy is as good as this one.
    if (!existsSync(dir)) renameSync(join(building, "pglite"), dir);
  } catch (err) {
    if (!existsSync(dir)) throw err;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

type Service = { child: ChildProcess; log: string[] };

function launch(name: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Service {
  // detached: each service leads its own process group, so stop() can end it with its children.
  const child = spawn(process.execPath, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(...chunk.toString().split("\n").filter(Boolean));
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.on("exit", (code, signal) => log.push(`[${name} exited: ${code ?? signal}]`));
  return { child, log };
}

async function waitFor(url: string, service: Service, name: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.child.exitCode !== null) throw new Error(`${name} exited before it was ready:\n${service.log.join("\n")}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} not ready at ${url}:\n${service.log.slice(-40).join("\n")}`);
    await sleep(200);
  }
}

async function stopService(service: Service | undefined) {
  if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return;
  const exited = new Promise((resolve) => service.child.once("exit", resolve));
  try {
    process.kill(-service.child.pid!, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-service.child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }, 8000);
  await exited;
  clearTimeout(timer);
}

export type Product = {
  webUrl: string;
  apiUrl: string;
  /** The frontend server's process id (the standalone server runs in it), for memory figures. */
  frontendPid: number;
  /** Stops the backend only (to show what the frontend does when it is down). */
  stopBackend: () => Promise<void>;
  /** Starts the backend again on the same port and database. */
  startBackend: () => Promise<void>;
  stop: () => Promise<void>;
};

/** A backend run inside the test's own process (started with the env a child would get), and how to stop it. */
export type InProcessBackend = (env: NodeJS.ProcessEnv) => Promise<{ stop: () => Promise<void> }>;

export async function startProduct(
  options: {
    backendEnv?: Record<string, string>;
    frontendEnv?: Record<string, string>;
    /** Run the backend in this process (the test then reaches its objects, e.g. the notifier), not as a child. */
    inProcessBackend?: InProcessBackend;
  } = {},
): Promise<Product> {
  ensureWebBuild(repoRoot, { quiet: true });
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), "todo-e2e-data-"));
  // Where the backend keeps its embedded database (config.ts: DATA_DIR/pglite).
  cpSync(await migratedPgliteDir(), join(dataDir, "pglite"), { recursive: true });
  const webUrl = `http://127.0.0.1:${webPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const baseEnv = { ...process.env };
  delete baseEnv.DATABASE_URL;
  const backendEnv: NodeJS.ProcessEnv = {
    ...baseEnv,
    NODE_ENV: "test",
    PORT: String(apiPort),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    FRONTEND_URL: webUrl,
    BETTER_AUTH_URL: webUrl,
    LOG_LEVEL: "warn",
    // Every test signs people up from 127.0.0.1; the default limit is for the public internet.
    AUTH_RATE_LIMIT_MAX: "1000",
    // The frontend beside it tells each client's address (X-Forwarded-For); believed from loopback only.
    TRUSTED_PROXIES: "loopback",
    ...options.backendEnv,
  };
  let backend: Service | undefined;
  let frontend: Service | undefined;
  let inProcess: { stop: () => Promise<void> } | undefined;

  const startBackend = async () => {
    if (options.inProcessBackend) {
      inProcess = await options.inProcessBackend(backendEnv);
      return;
    }
    backend = launch("backend", ["--import", "tsx", "apps/api/src/main.ts"], backendEnv, repoRoot);
    await waitFor(`${apiUrl}${backendService.health.ready}`, backend, "backend");
  };
  try {
    await startBackend();
    frontend = launch(
      "frontend",
      // The same heap caps as `npm start -w @todo/web`: they keep the server's RSS near 125 MB under load.
      ["--max-old-space-size=128", "--max-semi-space-size=2", join(webDir, "scripts/start.mjs")],
      { ...baseEnv, NODE_ENV: "production", PORT: String(webPort), HOSTNAME: "127.0.0.1", API_BASE_URL: apiUrl, ...options.frontendEnv },
      webDir,
    );
    await waitFor(`${webUrl}${frontendService.health.live}`, frontend, "frontend");
    await waitFor(`${webUrl}${frontendService.health.ready}`, frontend, "frontend (ready)");
  } catch (err) {
    await stopService(frontend);
    await stopService(backend);
    await inProcess?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }

  return {
    webUrl,
    apiUrl,
    frontendPid: frontend!.child.pid!,
    stopBackend: async () => {
      await stopService(backend);
      await inProcess?.stop();
      inProcess = undefined;
    },
    startBackend,
    stop: async () => {
      await stopService(frontend);
      await stopService(backend);
      await inProcess?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export type Browser = { context: BrowserContext; close: () => Promise<void> };

/**
 * A fresh Chromium profile (no cookies). `npm test` has made sure of a browser before the run
 * (scripts/chromium.mjs) and names it in CHROMIUM_PATH; run directly, the harness looks the same way.
 */
export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const found = findChromium();
  if (!found) throw new Error("No Chromium found: `node scripts/chromium.mjs` installs one (npm test does it by itself).");
  const profile = mkdtempSync(join(tmpdir(), "todo-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: found.path,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    timezoneId: "UTC",
    locale: "en-US",
  });
  // Generous: CI runs several test files (each with two servers and a browser) at once, and a
  // sign-up's navigation was seen to pass 30 s with the machine's load at 15 on 2 cores. A ceiling,
  // not a wait: a passing step takes no longer.
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(60_000);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A browser for one test, closed when the test ends: each test starts signed out. */
export async function browserFor(t: { after: (fn: () => Promise<void>) => void }, options: Parameters<typeof launchBrowser>[0] = {}): Promise<Browser> {
  const browser = await launchBrowser(options);
  t.after(() => browser.close());
  return browser;
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export const PASSWORD = "correct-horse-battery";

export async function signUp(page: Page, webUrl: string, who: { name: string; email: string; password?: string }) {
  await page.goto(`${webUrl}/sign-up`);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password ?? PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/chat$/);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in$/);
}

/** Sends a chat message with the keyboard and waits for the assistant to finish replying. */
export async function ask(page: Page, text: string) {
  const before = await page.locator('[data-role="assistant"]').count();
  const box = page.getByLabel("Message the assistant");
  await box.fill(text);
  await box.press("Enter");
  await page.locator('[data-role="assistant"]').nth(before).waitFor();
  // The send button comes back when the stream has ended.
  await page.getByRole("button", { name: "Send message" }).waitFor();
  return page.locator('[data-role="assistant"]').nth(before);
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: false });
}

/**
 * Waits for the page's finite animations (a toast sliding in, a dialog fading out) to end, so that
 * an accessibility audit sees the colours people see, not a half-faded frame. Endless ones (a
 * spinner) are left running. A string, so the page runs it as written.
 */
export async function animationsSettled(page: Page): Promise<void> {
  await page.evaluate(
    "Promise.all(document.getAnimations().filter((a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity).map((a) => a.finished.catch(() => null))).then(() => undefined)",
  );
}
