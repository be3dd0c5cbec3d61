/**
 * Where screenshots go (scripts/screenshots.mjs): the tests' own under a folder git ignores, the
 * committed set refreshed only by `npm run screenshots`, from a run's screenshots, on real folders.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { curatedScreenshotDir, refreshScreenshots, testScreenshotDir } from "./screenshots.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "todo-screenshots-test-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("the tests write their screenshots under a folder the root .gitignore ignores, not into the committed set", () => {
  const ignored = readFileSync(join(root, ".gitignore"), "utf8")
    .split("\n")
    .map((l) => l.trim().replace(/^\//, "").replace(/\/$/, ""));
  const folder = relative(root, testScreenshotDir);
  assert.ok(
    ignored.some((pattern) => pattern && (folder === pattern || folder.startsWith(`${pattern}/`))),
    `${folder} is not under a folder listed in .gitignore`,
  );
  // Not inside the committed folder, and the committed folder itself not ignored.
  assert.ok(relative(curatedScreenshotDir, testScreenshotDir).startsWith(".."), `${folder} is inside the committed screenshots`);
  const curated = relative(root, curatedScreenshotDir);
  assert.ok(!ignored.some((pattern) => pattern && (curated === pattern || curated.startsWith(`${pattern}/`))), `${curated} is ignored`);
  assert.ok(
    readdirSync(curatedScreenshotDir).some((f) => f.endsWith(".png")),
    "the committed screenshots are there",
  );
});

test("refreshing copies a run's screenshots over the committed set and drops the ones no test takes any more", () => {
  const from = join(scratch, "run");
  const to = join(scratch, "curated");
  mkdirSync(from);
  mkdirSync(to);
  writeFileSync(join(from, "chat.png"), "new chat");
  writeFileSync(join(from, "tasks.png"), "new tasks");
  writeFileSync(join(to, "chat.png"), "old chat");
  writeFileSync(join(to, "renamed-away.png"), "old");
  writeFileSync(join(to, "notes.txt"), "not a screenshot");

  const { copied, removed } = refreshScreenshots(from, to);
  assert.deepEqual(copied.sort(), ["chat.png", "tasks.png"]);
  assert.deepEqual(removed, ["renamed-away.png"]);
  assert.deepEqual(readdirSync(to).sort(), ["chat.png", "notes.txt", "tasks.png"]);
  assert.equal(readFileSync(join(to, "chat.png"), "utf8"), "new chat");
  assert.equal(readFileSync(join(to, "tasks.png"), "utf8"), "new tasks");
});

test("a run that took no screenshots leaves the committed set alone", () => {
  const to = join(scratch, "kept");
  mkdirSync(to);
  writeFileSync(join(to, "chat.png"), "kept");
  assert.throws(() => refreshScreenshots(join(scratch, "no-such-run"), to), /no screenshots in/);
  assert.deepEqual(readdirSync(to), ["chat.png"]);
  assert.equal(readFileSync(join(to, "chat.png"), "utf8"), "kept");
});
