/**
 * Figures for the tasks page's first screen: how many tasks are visible above the fold at 1280×800
 * (and 390×844) with 40 tasks of every kind, and the time a list answer takes in the chat.
 * Screenshots of both go to SCREENS_DIR (default e2e/test-results/fold). Prints figures; asserts nothing.
 *   node --import tsx e2e/fold.bench.ts
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ask, launchBrowser, repoRoot, signUp, startProduct, uniqueEmail } from "./harness.ts";

const out = process.env.SCREENS_DIR ?? join(repoRoot, "e2e/test-results/fold");
const label = process.env.SCREENS_LABEL ?? "now";
mkdirSync(out, { recursive: true });

function day(offset: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

async function seed(page: Page) {
  const inputs: Record<string, unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    const kind = i % 5;
    inputs.push({
      title: `Task ${i + 1} ${["call the bank", "water plants", "pay rent", "book dentist", "fix the bike"][kind]}`,
      priority: i % 7 === 0 ? "high" : i % 9 === 0 ? "low" : "medium",
      ...(kind === 0 ? { dueDate: day(-1 - (i % 3)) } : kind === 1 ? { dueDate: day(0) } : kind === 2 ? { dueDate: day(1 + (i % 6)) } : {}),
      ...(i % 4 === 0 ? { tags: ["home"] } : {}),
    });
  }
  await page.evaluate(async (bodies) => {
    for (const body of bodies) {
      await fetch("/api/tasks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    }
  }, inputs);
  // A few done ones, as a real list has.
  await page.evaluate(async () => {
    const res = await fetch("/api/tasks?limit=5&sort=created&order=asc");
    const { tasks } = (await res.json()) as { tasks: { id: string }[] };
    for (const t of tasks) {
      await fetch(`/api/tasks/${t.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ completed: true }) });
    }
  });
}

async function aboveFold(page: Page): Promise<number> {
  return page.evaluate(() => {
    const h = window.innerHeight;
    return Array.from(document.querySelectorAll('[data-testid="task-item"]')).filter((el) => el.getBoundingClientRect().bottom <= h).length;
  });
}

const product = await startProduct();
try {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    const browser = await launchBrowser({ viewport });
    try {
      const page = await browser.context.newPage();
      await signUp(page, product.webUrl, { name: "Fold", email: uniqueEmail("fold") });
      await page.goto(`${product.webUrl}/tasks`);
      await seed(page);
      await page.goto(`${product.webUrl}/tasks`);
      await page.getByTestId("task-item").first().waitFor();
      console.log(`tasks above the fold at ${viewport.width}×${viewport.height}: ${await aboveFold(page)}`);
      await page.screenshot({ path: join(out, `tasks-${label}-${viewport.width}.png`) });
      if (viewport.width === 1280) {
        await page.goto(`${product.webUrl}/chat`);
        const started = performance.now();
        await ask(page, "what's due this week");
        console.log(`list answer ("what's due this week", 40 tasks): ${Math.round(performance.now() - started)} ms`);
        await page.screenshot({ path: join(out, `list-answer-${label}-${viewport.width}.png`) });
      }
    } finally {
      await browser.close();
    }
  }
} finally {
  await product.stop();
}
