/**
 * A failed tool call says its real reason on its card, while the reply streams and after a reload:
 * two tasks match (ambiguous), no such task (not found), a title too long (validation). The card
 * is classified by the error's code, which the API sends with the message (issue 19, item 1).
 * The offline assistant drives the tools, so every call runs through the real MCP server.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { ask, browserFor, signUp, startProduct, uniqueEmail, type Product } from "./harness.ts";

let product: Product;

before(async () => {
  product = await startProduct();
});

after(async () => {
  await product?.stop();
});

const FAILURES = [
  { say: "complete milk", code: "ambiguous", reason: /several tasks match "milk"/ },
  { say: "delete task 99", code: "not_found", reason: /no task #99/ },
  { say: `add ${"a very long title ".repeat(14)}`, code: "validation_error", reason: /at most 200 characters/ },
] as const;

async function expectFailedCard(card: Locator, failure: (typeof FAILURES)[number], when: string) {
  await card.waitFor();
  assert.equal(await card.getAttribute("data-status"), "error", `${failure.say} (${when}): the card shows a failure`);
  const text = await card.innerText();
  assert.doesNotMatch(text, /model is unavailable/i, `${failure.say} (${when}): not blamed on the model`);
  assert.match(text, failure.reason, `${failure.say} (${when}): the card says the real reason`);
  assert.equal(await card.getAttribute("data-error-code"), failure.code, `${failure.say} (${when}): classified by its code`);
}

test("each failed tool call shows its own reason on its card, live and after a reload", async (t) => {
  const browser = await browserFor(t);
  const page: Page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Tool Errors", email: uniqueEmail("toolerr") });

  await ask(page, "add buy milk");
  await ask(page, "add milk the cow");
  for (const failure of FAILURES) {
    const reply = await ask(page, failure.say);
    await expectFailedCard(reply.getByTestId("tool-card"), failure, "live");
  }

  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
  await page.reload();
  const replies = page.locator('[data-role="assistant"]');
  await replies.nth(4).waitFor();
  for (const [i, failure] of FAILURES.entries()) {
    await expectFailedCard(replies.nth(2 + i).getByTestId("tool-card"), failure, "after reload");
  }
});
