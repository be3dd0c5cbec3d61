#!/usr/bin/env node
/**
 * The one place that knows how the end-to-end tests get a browser. `npm test` calls
 * ensureChromium() before a run that includes e2e/, the e2e harness calls findChromium(), and
 * `.ci/run` runs this file (`node scripts/chromium.mjs`, which prints the browser it settled on).
 *
 * In order: CHROMIUM_PATH when set (the person's explicit choice, never second-guessed);
 * Playwright's managed Chromium (the build this playwright-core drives, in its usual cache,
 * ~/.cache/ms-playwright or PLAYWRIGHT_BROWSERS_PATH); a system `chromium` on PATH. When none
 * starts, it installs one: Playwright's download first (`playwright-core install chromium`), and
 * where that cannot be had, Debian/Ubuntu's `chromium` package when running as root with apt-get.
 * If nothing works it rejects with one line that says what to do.
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// playwright-core is the e2e workspace's dependency: resolve it the way e2e/ would.
const requireFromE2e = createRequire(join(root, "e2e/package.json"));

const SYSTEM_NAMES = ["chromium", "chromium-browser"];
// An unreachable download host should cost seconds, not Playwright's default 30 s per attempt
// (it tries five times). A slow but live download is not cut short: this is an idle timeout.
const DOWNLOAD_IDLE_TIMEOUT_MS = "10000";
// A ceiling on each install step (download, apt-get) so a stuck one cannot hang the test run.
const STEP_TIMEOUT_MS = 10 * 60_000;

const HOW_TO_INSTALL =
  "Install one, then run npm test again: `sudo apt-get install chromium` (Debian/Ubuntu), " +
  "or `npx playwright-core install --with-deps chromium`, or set CHROMIUM_PATH to a Chromium or Chrome.";

/** What stops the e2e tests: its message is the one line a person needs to read. */
export class ChromiumUnavailableError extends Error {
  name = "ChromiumUnavailableError";
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name, env = process.env) {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Where Playwright keeps its Chromium on this machine, or undefined where it has none to offer. */
function playwrightChromiumPath() {
  try {
    return requireFromE2e("playwright-core").chromium.executablePath();
  } catch {
    return undefined; // a platform Playwright does not build Chromium for
  }
}

/**
 * The browsers on this machine, in the order they are preferred (not yet checked to start).
 * @returns {{ path: string, source: string }[]}
 */
function candidates() {
  const found = [];
  const managed = playwrightChromiumPath();
  if (managed && isExecutable(managed)) found.push({ path: managed, source: "Playwright's Chromium" });
  for (const name of SYSTEM_NAMES) {
    const path = onPath(name);
    if (path) found.push({ path, source: `system ${name}` });
  }
  return found;
}

/**
 * The browser the tests should launch, without checking that it starts or installing anything:
 * CHROMIUM_PATH when set, else the first of Playwright's Chromium and a system one that exists.
 * @returns {{ path: string, source: string } | null}
 */
export function findChromium() {
  if (process.env.CHROMIUM_PATH) return { path: process.env.CHROMIUM_PATH, source: "CHROMIUM_PATH" };
  return candidates()[0] ?? null;
}

/** Why a browser does not start (`--version` fails), or undefined when it does. */
function whyItFails(path) {
  const res = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 20_000 });
  if (res.error) return res.error.message;
  if (res.status === 0) return undefined;
  return firstLine(res.stderr) ?? `exit code ${res.status ?? res.signal}`;
}

function firstLine(text) {
  return text
    ?.split("\n")
    .map((l) => l.trim())
    .find(Boolean)
    ?.slice(0, 200);
}

/** Runs a command with its output captured (shown only through the reason it failed). */
function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    // detached: the command leads its own process group, so a timeout ends its children too.
    const child = spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk) => {
      output = (output + chunk).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, STEP_TIMEOUT_MS);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ ok: false, output: err.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) output += `\nError: gave up after ${STEP_TIMEOUT_MS / 60_000} minutes`;
      resolve({ ok: code === 0 && !timedOut, output });
    });
  });
}

/** The line of an installer's output that says what went wrong. */
function reasonIn(output) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the terminal colour codes this strips.
  const lines = output.split("\n").map((l) => l.replace(/\x1b\[[0-9;]*m/g, "").trim());
  const errors = lines.filter((l) => /^(Error|E):/.test(l) && !/Download failure|Failed to download/.test(l));
  return (errors.at(-1) ?? lines.filter(Boolean).at(-1) ?? "no output").replace(/^(Error|E):\s*/, "").slice(0, 200);
}

async function downloadPlaywrightChromium() {
  const cli = join(dirname(requireFromE2e.resolve("playwright-core/package.json")), "cli.js");
  const env = { ...process.env };
  env.PLAYWRIGHT_DOWNLOAD_CONNECTION_TIMEOUT ??= DOWNLOAD_IDLE_TIMEOUT_MS;
  // The full Chromium only: the harness launches it by path in the new headless mode, so the
  // separate headless shell would be a second download that nothing uses.
  const res = await run(process.execPath, [cli, "install", "--no-shell", "chromium"], env);
  return res.ok ? { ok: true } : { ok: false, reason: reasonIn(res.output) };
}

async function installPlaywrightDeps() {
  const cli = join(dirname(requireFromE2e.resolve("playwright-core/package.json")), "cli.js");
  const res = await run(process.execPath, [cli, "install-deps", "chromium"]);
  return res.ok ? { ok: true } : { ok: false, reason: reasonIn(res.output) };
}

async function aptInstallChromium(aptGet) {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = await run(aptGet, ["update", "-qq"], env);
  if (!update.ok) return { ok: false, reason: `apt-get update: ${reasonIn(update.output)}` };
  const install = await run(aptGet, ["install", "-y", "-qq", "chromium"], env);
  return install.ok ? { ok: true } : { ok: false, reason: `apt-get install chromium: ${reasonIn(install.output)}` };
}

/** The first browser here that starts. */
function firstThatStarts() {
  return candidates().find((c) => whyItFails(c.path) === undefined);
}

/**
 * A browser that starts, installed first when there is none: one line before the install and one
 * after. Rejects with a ChromiumUnavailableError (a one-line message) when none can be had.
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<{ path: string, source: string }>}
 */
export async function ensureChromium({ log = console.log } = {}) {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    const why = whyItFails(explicit);
    if (why === undefined) return { path: explicit, source: "CHROMIUM_PATH" };
    throw new ChromiumUnavailableError(
      `CHROMIUM_PATH=${explicit} does not start (${why}): point it at a Chromium or Chrome, or unset it and npm test installs one.`,
    );
  }
  const present = firstThatStarts();
  if (present) return present;

  const started = Date.now();
  log("installing Chromium for the end-to-end tests (Playwright's Chromium, about 160 MB, once)…");
  const done = (browser, note = "") => {
    log(`done in ${Math.round((Date.now() - started) / 1000)} s: ${browser.source} at ${browser.path}${note}`);
    return browser;
  };
  const aptGet = process.getuid?.() === 0 ? onPath("apt-get") : undefined;
  const problems = [];

  const download = await downloadPlaywrightChromium();
  if (download.ok) {
    const managed = { path: playwrightChromiumPath(), source: "Playwright's Chromium" };
    let why = whyItFails(managed.path);
    if (why !== undefined && aptGet) {
      // Downloaded, but the machine lacks its shared libraries (a slim image): Playwright's own fix.
      const deps = await installPlaywrightDeps();
      why = deps.ok ? whyItFails(managed.path) : `install-deps: ${deps.reason}`;
    }
    if (why === undefined) return done(managed);
    problems.push(`Playwright's Chromium was downloaded but does not start (${why})`);
  } else {
    problems.push(`Playwright's download failed (${download.reason})`);
  }

  if (aptGet) {
    const apt = await aptInstallChromium(aptGet);
    const system = apt.ok ? firstThatStarts() : undefined;
    if (system) return done(system, `, from the Debian package since ${problems.join("; ")}`);
    problems.push(apt.ok ? "the chromium package installed but does not start" : apt.reason);
  } else {
    problems.push(process.getuid?.() === 0 ? "there is no apt-get for the chromium package" : "the chromium package needs root to install");
  }
  throw new ChromiumUnavailableError(`No Chromium for the end-to-end tests: ${problems.join("; ")}. ${HOW_TO_INSTALL}`);
}

// `node scripts/chromium.mjs`: ensure a browser and print which one (CI's Chromium step).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const browser = await ensureChromium();
    console.log(`Chromium for the end-to-end tests: ${browser.path} (${browser.source})`);
  } catch (err) {
    if (!(err instanceof ChromiumUnavailableError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
