/**
 * How the e2e tests get a browser (scripts/chromium.mjs), through its command line as `.ci/run`
 * and `npm test` use it, each case in its own process with its own PATH and Playwright cache.
 * Downloads go to a server on 127.0.0.1 standing in for Playwright's CDN (PLAYWRIGHT_DOWNLOAD_HOST,
 * the installer's own setting), serving a zip with a stand-in `chrome`: the real installer unpacks
 * it into the cache. apt-get is kept off PATH, so nothing here installs anything on the machine.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./chromium.mjs", import.meta.url));
const playwright = createRequire(fileURLToPath(new URL("../e2e/package.json", import.meta.url)))("playwright-core");
// Where this platform's Chromium sits inside its cache folder (chromium-<revision>/…).
const chromeInArchive = (playwright.chromium.executablePath() as string).split(/chromium-\d+[/\\]/)[1]!;
const scratch = mkdtempSync(join(tmpdir(), "todo-chromium-test-"));

/** A zip archive of stored (uncompressed) files, as the installer's unzip reads them. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const fileName = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below counts
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE((0o100755 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const FAKE_CHROME = '#!/bin/sh\necho "Chromium 159.0 (stand-in)"\n';
let cdn: Server;
let cdnUrl: string;
const downloads: string[] = [];

before(async () => {
  // Chromium and the ffmpeg Playwright installs beside it both come from this one archive.
  const archive = zip({ [chromeInArchive]: FAKE_CHROME, "ffmpeg-linux": FAKE_CHROME, "ffmpeg-mac": FAKE_CHROME });
  cdn = createServer((req, res) => {
    downloads.push(req.url ?? "");
    res.writeHead(200, { "content-type": "application/zip", "content-length": archive.length });
    res.end(archive);
  });
  await new Promise<void>((resolve) => cdn.listen(0, "127.0.0.1", resolve));
  const address = cdn.address();
  cdnUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

after(async () => {
  await new Promise((resolve) => cdn.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

/** A folder for PATH holding the given executables. */
function binDir(name: string, programs: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(programs)) {
    writeFileSync(join(dir, file), text);
    chmodSync(join(dir, file), 0o755);
  }
  return dir;
}

/** A port where nothing listens: a download host that cannot be reached. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}

type Run = { code: number | null; stdout: string[]; stderr: string[] };

function ensure(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], {
      // Only what each case sets, plus what node and the installer need to run at all.
      env: { HOME: scratch, TMPDIR: scratch, PATH: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("close", (code) => {
      const lines = (s: string) => s.split("\n").filter(Boolean);
      resolve({ code, stdout: lines(out), stderr: lines(err) });
    });
  });
}

test("CHROMIUM_PATH names the browser, and nothing is installed", async () => {
  const bin = binDir("explicit", { "my-chrome": FAKE_CHROME });
  const run = await ensure({ CHROMIUM_PATH: join(bin, "my-chrome"), PLAYWRIGHT_BROWSERS_PATH: join(scratch, "cache-explicit") });
  assert.equal(run.code, 0, run.stderr.join("\n"));
  assert.deepEqual(run.stdout, [`Chromium for the end-to-end tests: ${join(bin, "my-chrome")} (CHROMIUM_PATH)`]);
});

test("a CHROMIUM_PATH that does not start fails in one line naming it, without installing another", async () => {
  const missing = join(scratch, "no-such-chrome");
  const downloadsBefore = downloads.length;
  const run = await ensure({ CHROMIUM_PATH: missing, PLAYWRIGHT_BROWSERS_PATH: join(scratch, "cache-missing"), PLAYWRIGHT_DOWNLOAD_HOST: cdnUrl });
  assert.equal(run.code, 1);
  assert.deepEqual(run.stdout, []);
  assert.equal(run.stderr.length, 1, run.stderr.join("\n"));
  assert.match(run.stderr[0]!, new RegExp(`^CHROMIUM_PATH=${missing} does not start \\(.*ENOENT`));
  assert.equal(downloads.length, downloadsBefore);
});

test("a system chromium on PATH is used as it is", async () => {
  const bin = binDir("system", { chromium: FAKE_CHROME });
  const run = await ensure({ PATH: bin, PLAYWRIGHT_BROWSERS_PATH: join(scratch, "cache-system") });
  assert.equal(run.code, 0, run.stderr.join("\n"));
  assert.deepEqual(run.stdout, [`Chromium for the end-to-end tests: ${join(bin, "chromium")} (system chromium)`]);
});

test("with no browser, Playwright's Chromium is downloaded once, with a line before and after, and preferred from then on", async () => {
  const cache = join(scratch, "cache-download");
  // A system chromium that does not start (as a snap shim in a container) does not count as a browser.
  const broken = binDir("broken", { chromium: "#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n" });
  const downloadsBefore = downloads.length;
  const first = await ensure({ PATH: broken, PLAYWRIGHT_BROWSERS_PATH: cache, PLAYWRIGHT_DOWNLOAD_HOST: cdnUrl });
  assert.equal(first.code, 0, first.stderr.join("\n"));
  assert.equal(first.stdout.length, 3, first.stdout.join("\n"));
  const managed = /: (.+) \(Playwright's Chromium\)$/.exec(first.stdout[2]!)?.[1] ?? "";
  assert.ok(managed.startsWith(join(cache, "chromium-")) && managed.endsWith(chromeInArchive), managed);
  assert.match(first.stdout[0]!, /^installing Chromium for the end-to-end tests .*…$/);
  assert.match(first.stdout[1]!, new RegExp(`^done in \\d+ s: Playwright's Chromium at ${managed}$`));
  assert.equal(first.stdout[2]!, `Chromium for the end-to-end tests: ${managed} (Playwright's Chromium)`);
  assert.ok(
    downloads.slice(downloadsBefore).some((url) => /\/chrome-[\w-]+\.zip$/.test(url)),
    downloads.join(" "),
  );

  // The second run finds it in the cache at once, even with a working system chromium beside it.
  const system = binDir("system-too", { chromium: FAKE_CHROME });
  const afterFirst = downloads.length;
  const second = await ensure({ PATH: system, PLAYWRIGHT_BROWSERS_PATH: cache, PLAYWRIGHT_DOWNLOAD_HOST: cdnUrl });
  assert.equal(second.code, 0, second.stderr.join("\n"));
  assert.deepEqual(second.stdout, [`Chromium for the end-to-end tests: ${managed} (Playwright's Chromium)`]);
  assert.equal(downloads.length, afterFirst);
});

test("when the download cannot be had and apt-get cannot be used, it fails once, in one line that says what to do", async () => {
  const run = await ensure({ PLAYWRIGHT_BROWSERS_PATH: join(scratch, "cache-offline"), PLAYWRIGHT_DOWNLOAD_HOST: await closedPort() });
  assert.equal(run.code, 1);
  assert.equal(run.stdout.length, 1);
  assert.match(run.stdout[0]!, /^installing Chromium for the end-to-end tests/);
  assert.equal(run.stderr.length, 1, run.stderr.join("\n"));
  const line = run.stderr[0]!;
  assert.match(line, /^No Chromium for the end-to-end tests: Playwright's download failed \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)/);
  assert.match(line, /(no apt-get|needs root)/);
  assert.match(line, /sudo apt-get install chromium/);
  assert.match(line, /npx playwright-core install --with-deps chromium/);
});
