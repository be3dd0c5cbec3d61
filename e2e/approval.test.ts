/**
 * Approval before deleting, in a real browser (issue 17): the assistant's delete shows a card that
 * says what will happen to which task, with Approve / Deny; nothing happens before the answer, and
 * the card is still there (and answerable) after a reload. Deny leaves the task and the assistant
 * says so; Approve deletes it. The offline assistant drives the tools, through the real MCP server.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ask, launchBrowser, screenshot, signUp, startProduct, uniqueEmail, type Browser, type Product } from "./harness.ts";

let product: Product;
let browser: Browser;
let page: Page;

before(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Approver", email: uniqueEmail("approve") });
  await ask(page, "add buy milk");
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
});

after(async () => {
  await browser?.close();
  await product?.stop();
});

/** The person's task titles, read through the web app's API proxy with the page's own session. */
const titles = () => page.evaluate(async () => ((await (await fetch("/api/tasks/me")).json()) as { title: string }[]).map((t) => t.title));

/** Asks for the delete and returns its card, which waits for an answer. */
async function askToDelete() {
  const reply = await ask(page, "delete the milk");
  const card = reply.getByRole("group", { name: /Approval needed: Delete #1 “Buy milk”/ });
  await card.waitFor();
  assert.equal(await card.getAttribute("data-status"), "asking");
  assert.match(await card.innerText(), /Delete this task\?[\s\S]*Delete #1 “Buy milk”/);
  return card;
}

test("a delete waits for approval, also across a reload; Deny leaves the task and the assistant says so", async () => {
  await askToDelete();
  assert.deepEqual(await titles(), ["Buy milk"], "nothing happens before the answer");
  await screenshot(page, "approval-card");

  await page.reload();
  const card = page.getByRole("group", { name: /Approval needed: Delete #1 “Buy milk”/ });
  await card.waitFor();
  const deny = card.getByRole("button", { name: "Deny" });
  await deny.click();
  await page.getByText("OK — I didn't delete that. Nothing changed.").waitFor();
  const declined = page.locator('[data-testid="tool-card"][data-status="declined"]');
  await declined.waitFor();
  assert.match(await declined.innerText(), /Declined: the task was not deleted/);
  assert.deepEqual(await titles(), ["Buy milk"], "Deny leaves the task");
});

test("Approve deletes the task; the card says what it did, live and after a reload", async () => {
  const card = await askToDelete();
  await card.getByRole("button", { name: "Approve" }).click();
  await page.getByText(/^Deleted #1 “Buy milk” \(it's in the Trash; say “undo” to bring it back\)\.$/).waitFor();
  const done = page.locator('[data-testid="tool-card"][data-tool="delete_task"][data-status="done"]');
  await done.waitFor();
  assert.match(await done.innerText(), /Deleted: Buy milk/);
  assert.deepEqual(await titles(), [], "Approve deletes it");

  await page.reload();
  await page.locator('[data-testid="tool-card"][data-tool="delete_task"][data-status="done"]').waitFor();
  assert.equal(await page.getByRole("button", { name: "Approve" }).count(), 0, "no card is left asking");
});
