/**
 * A failed tool call says its real reason on its card, while the reply streams and after a reload:
 * two tasks match (ambiguous), no such task (not found), a title too long (validation). The card
 * is classified by the error's code, which the API sends with the message (issue 19, item 1).
 * The offline assistant drives the tools, so every call runs through the real MCP server.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { ask, launchBrowser, signUp, startProduct, uniqueEmail, type Browser, type Product } from "./harness.ts";

let product: Product;
let browser: Browser;
/** One person and one conversation for the three kinds: two tasks whose titles say "milk". */
let page: Page;

before(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Tool Errors", email: uniqueEmail("toolerr") });
  await ask(page, "add buy milk");
  await ask(page, "add milk the cow");
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
});

after(async () => {
  await browser?.close();
  await product?.stop();
});

async function expectFailedCard(card: Locator, failure: Failure, when: string) {
  await card.waitFor();
  assert.equal(await card.getAttribute("data-status"), "error", `${failure.kind} (${when}): the card shows a failure`);
  const text = await card.innerText();
  assert.doesNotMatch(text, /model is unavailable/i, `${failure.kind} (${when}): not blamed on the model`);
  assert.match(text, failure.reason, `${failure.kind} (${when}): the card says the real reason`);
  assert.equal(await card.getAttribute("data-error-code"), failure.code, `${failure.kind} (${when}): classified by its code`);
}

type Failure = { kind: string; say: string; code: string; reason: RegExp };

const FAILURES: Failure[] = [
  { kind: "two tasks match", say: "complete milk", code: "ambiguous", reason: /several tasks match "milk"/ },
  { kind: "no such task", say: "delete task 99", code: "not_found", reason: /no task #99/ },
  { kind: "a title too long", say: `add ${"a very long title ".repeat(14)}`, code: "validation_error", reason: /at most 200 characters/ },
];

for (const failure of FAILURES) {
  test(`${failure.kind}: the card says why, while the reply streams and after a reload`, async () => {
    const reply = await ask(page, failure.say);
    await expectFailedCard(reply.getByTestId("tool-card"), failure, "live");
    await page.reload();
    await page.locator('[data-role="user"]').last().getByText(failure.say.trim().slice(0, 40)).waitFor();
    await expectFailedCard(page.locator('[data-role="assistant"]').last().getByTestId("tool-card"), failure, "after reload");
  });
}
