/**
 * An automated accessibility audit (axe-core, WCAG 2.1 A and AA rules) of every screen in its
 * interesting states, on a desktop and at phone width. It cannot judge everything a person would
 * (reading order, wording), but it catches missing names, labels, contrast and ARIA misuse.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { animationsSettled, ask, browserFor, signUp, startProduct, uniqueEmail, type Product } from "./harness.ts";

let product: Product;

before(async () => {
  product = await startProduct();
});

after(async () => {
  await product?.stop();
});

/** The violations axe finds on the page as it is now, one readable line per affected element. */
async function audit(page: Page, screen: string): Promise<string[]> {
  await animationsSettled(page);
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${screen}: ${v.id} (${v.impact}) ${n.target.join(" ")} — ${n.failureSummary?.replace(/\s+/g, " ")}`));
}

for (const viewport of [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 375, height: 740 },
]) {
  test(`no WCAG 2.1 A/AA violations on any screen (${viewport.name})`, async (t) => {
    const browser = await browserFor(t, { viewport });
    const page = await browser.context.newPage();
    const found: string[] = [];

    await page.goto(`${product.webUrl}/sign-in`);
    await page.getByRole("button", { name: "Sign in" }).click(); // empty: the errors show
    await page.getByText(/email/i).first().waitFor();
    found.push(...(await audit(page, "sign-in with errors")));
    await page.goto(`${product.webUrl}/sign-up`);
    found.push(...(await audit(page, "sign-up")));

    await signUp(page, product.webUrl, { name: "Audit", email: uniqueEmail(`a11y-${viewport.name}`) });
    found.push(...(await audit(page, "chat, empty")));
    const reply = await ask(page, "add buy milk tomorrow, high priority #groceries");
    await reply.getByTestId("tool-card").waitFor();
    await ask(page, "what's left?");
    found.push(...(await audit(page, "chat with replies and tool cards")));
    // A delete waits for approval: the card with its Approve / Deny. (Denied, so the task stays.)
    await ask(page, "delete the milk");
    const approval = page.getByRole("group", { name: /Approval needed/ });
    await approval.waitFor();
    found.push(...(await audit(page, "chat with an approval card")));
    await approval.getByRole("button", { name: "Deny" }).click();
    await page.locator('[data-testid="tool-card"][data-status="declined"]').waitFor();
    if (viewport.name === "phone") {
      await page.getByRole("button", { name: "History" }).click();
      await page.getByRole("dialog").getByRole("link").first().waitFor();
      found.push(...(await audit(page, "chat history sheet")));
      // The sidebar (hidden here) and the sheet mount the same list: each with ids of its own.
      const idsIn = (selector: string) => page.locator(`${selector} [id]`).evaluateAll((els) => els.map((e) => e.id));
      const sheet = new Set(await idsIn('[role="dialog"]'));
      const shared = (await idsIn('aside[aria-label="Conversations"]')).filter((id) => sheet.has(id));
      assert.deepEqual(shared, [], "no id is on the page twice");
      await page.keyboard.press("Escape");
    }

    await page.getByRole("link", { name: "Tasks" }).click();
    const item = page.getByTestId("task-item").first();
    await item.waitFor();
    found.push(...(await audit(page, "tasks")));
    await item.getByRole("button", { name: /edit/i }).click();
    found.push(...(await audit(page, "tasks, editing")));
    await page.keyboard.press("Escape");
    await item.getByRole("button", { name: /delete/i }).click();
    await page.getByRole("alertdialog").or(page.getByRole("dialog")).waitFor();
    found.push(...(await audit(page, "tasks, delete confirmation")));
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Filters", exact: true }).click();
    await page.getByRole("search", { name: "Filter tasks" }).waitFor();
    found.push(...(await audit(page, "tasks, filters open")));
    await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    found.push(...(await audit(page, "tasks, keyboard shortcuts")));
    await page.keyboard.press("Escape");

    // An MCP client asks for access (registered as one does, then the browser at its authorization URL).
    const registered = await fetch(`${product.webUrl}/api/auth/oauth2/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: "Audit MCP client", redirect_uris: ["http://127.0.0.1:9/callback"], token_endpoint_auth_method: "none" }),
    });
    const { client_id } = (await registered.json()) as { client_id: string };
    const query = new URLSearchParams({
      response_type: "code",
      client_id,
      redirect_uri: "http://127.0.0.1:9/callback",
      scope: "tasks:read tasks:write offline_access",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
      resource: `${product.webUrl}/mcp`,
    });
    await page.goto(`${product.webUrl}/api/auth/oauth2/authorize?${query}`);
    await page.getByRole("button", { name: "Allow" }).waitFor();
    found.push(...(await audit(page, "consent")));
    // The client's own page that the browser is sent back to (played here: nothing listens there).
    await page.route(/^http:\/\/127\.0\.0\.1:9\/callback/, (route) => route.fulfill({ contentType: "text/plain", body: "You can close this window." }));
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
    await page.goto(`${product.webUrl}/connected-apps`);
    await page.getByRole("button", { name: "Revoke Audit MCP client" }).waitFor();
    found.push(...(await audit(page, "connected apps")));

    assert.deepEqual(found, []);
  });
}
