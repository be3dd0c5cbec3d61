/**
 * A list answer in the chat (the offline assistant): the card is the answer — grouped, overdue
 * marked, a checkbox on each task that ticks it off in place (saved, and the card and the tasks
 * page follow), "Show all" past the first rows — and the text only sums up. Desktop and phone.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { CreateTaskInput } from "@todo/contracts";
import { ask, browserFor, screenshot, signUp, startProduct, uniqueEmail, type Product } from "./harness.ts";

let product: Product;

before(async () => {
  product = await startProduct();
});

after(async () => {
  await product?.stop();
});

function day(offset: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

async function seed(page: Page, inputs: CreateTaskInput[]) {
  await page.evaluate(async (all) => {
    for (const body of all) {
      await fetch("/api/tasks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    }
  }, inputs);
}

for (const viewport of [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
]) {
  test(`${viewport.name}: a list answer's card is grouped, marks overdue, ticks off in place and shows all; the text sums up`, async (t) => {
    const browser = await browserFor(t, { viewport });
    const page = await browser.context.newPage();
    await signUp(page, product.webUrl, { name: "Lister", email: uniqueEmail(`list-${viewport.name}`) });
    await seed(page, [
      { title: "File taxes", dueDate: day(-2) },
      { title: "Pay parking fine", dueDate: day(-1) },
      { title: "Call mum", dueDate: day(0) },
      ...Array.from({ length: 8 }, (_, i) => ({ title: `Errand ${i + 1}`, dueDate: day(1 + (i % 3)) })),
      { title: "Someday idea" },
    ]);

    const reply = await ask(page, "what's left?");
    const text = await reply.getByTestId("assistant-text").innerText();
    // The text sums up; it does not list the tasks a second time.
    assert.match(text, /^You have 12 open tasks — 2 overdue, 1 due today\.$/);
    assert.doesNotMatch(text, /File taxes|Errand|#\d/);

    const card = reply.getByTestId("list-card");
    const groups = () => card.locator("section[data-group]").evaluateAll((els) => els.map((e) => e.getAttribute("data-group")));
    assert.deepEqual(await groups(), ["overdue", "today", "upcoming"], "grouped, the first 8 rows shown");
    assert.equal(await card.getByTestId("list-card-task").count(), 8);
    const overdue = card.locator('section[data-group="overdue"]');
    assert.match(await overdue.innerText(), /Overdue\s+2/i);
    assert.match(await overdue.getByTestId("list-card-task").first().innerText(), /#1 File taxes · overdue, due /);

    // Show all.
    await card.getByRole("button", { name: "Show all 12" }).click();
    assert.equal(await card.getByTestId("list-card-task").count(), 12);
    assert.deepEqual(await groups(), ["overdue", "today", "upcoming", "none"]);
    await screenshot(page, `chat-list-answer-${viewport.name}`);

    // Tick one off in place: saved through the tasks API, the card shows it done.
    const saved = page.waitForResponse((r) => r.request().method() === "PATCH" && /\/api\/tasks\//.test(r.url()));
    await card.getByRole("checkbox", { name: "Mark as done: Call mum" }).check();
    assert.equal((await saved).status(), 200);
    const row = card.getByTestId("list-card-task").filter({ hasText: "Call mum" });
    assert.equal(await row.getAttribute("data-completed"), "true");
    const stored = await page.evaluate(async () => (await (await fetch("/api/tasks?status=completed")).json()) as { tasks: { title: string }[] });
    assert.deepEqual(
      stored.tasks.map((t) => t.title),
      ["Call mum"],
    );
    // And back.
    await card.getByRole("checkbox", { name: "Mark as not done: Call mum" }).uncheck();
    await page.waitForFunction(() => document.querySelector('[data-testid="list-card-task"][data-completed="true"]') === null);

    // Nothing scrolls sideways on a phone.
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
  });
}
