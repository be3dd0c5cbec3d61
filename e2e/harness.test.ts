/**
 * The harness itself, without the product: it launches the browser scripts/chromium.mjs settled
 * on, and its screenshots land under e2e/test-results (ignored by git), never in the committed set.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { curatedScreenshotDir } from "../scripts/screenshots.mjs";
import { browserFor, screenshot, screenshotDir } from "./harness.ts";

const committedState = () =>
  readdirSync(curatedScreenshotDir)
    .sort()
    .map((name) => `${name} ${statSync(join(curatedScreenshotDir, name)).mtimeMs}`);

test("a screenshot is written under e2e/test-results and leaves the committed screenshots as they were", async (t) => {
  const before = committedState();
  const { context } = await browserFor(t);
  const page = await context.newPage();
  await page.setContent("<h1>harness check</h1>");

  const name = `harness-check-${process.pid}`;
  t.after(() => rmSync(join(screenshotDir, `${name}.png`), { force: true }));
  await screenshot(page, name);

  assert.ok(screenshotDir.endsWith(join("e2e", "test-results", "screenshots")), screenshotDir);
  const png = readFileSync(join(screenshotDir, `${name}.png`));
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from("PNG")]);
  assert.deepEqual(committedState(), before);
});
