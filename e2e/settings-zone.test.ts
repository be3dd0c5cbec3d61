/**
 * The time zone setting in the web app (issue 16): Settings in the header opens a dialog with a
 * searchable list of the browser's time zones and the local time in the chosen one; Save changes
 * the person's zone, and a task at 09:00 stays at 09:00 in the new zone. The chat's cards show a
 * repeating task's rule in words ("every weekday at 09:00"). The dialog passes an axe audit.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { animationsSettled, ask, browserFor, signUp, startProduct, uniqueEmail, type Product } from "./harness.ts";

let product: Product;
before(async () => {
  product = await startProduct();
});
after(() => product?.stop());

async function call(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ([method, path, body]) => {
      const res = await fetch(path as string, {
        method: method as string,
        headers: { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.json() };
    },
    [method, path, body] as const,
  );
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** "14:05, 7 Dec" in Tokyo (UTC+9, no DST), written out independently of the app's formatter. */
function tokyoTime(at: Date): string {
  const t = new Date(at.getTime() + 9 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}, ${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]}`;
}

test("Settings: search a time zone, see its local time, save it; a task at 09:00 stays at 09:00 there; cards show the rule", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Zone Tester", email: uniqueEmail("zone") });
  assert.equal((await call(page, "PATCH", "/api/me/settings", { timeZone: "UTC" })).status, 200);
  const created = await call(page, "POST", "/api/tasks", {
    title: "Standup",
    dueDate: "2027-01-04",
    dueTime: "09:00",
    repeat: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.dueAt, "2027-01-04T09:00:00.000Z");

  // The chat's list card and an update's card say the rule in words.
  const list = await ask(page, "show my tasks");
  assert.match(await list.getByTestId("list-card-task").first().innerText(), /#1 Standup · due .+ · every weekday at 09:00/);
  const updated = await ask(page, "set priority of the standup to high");
  assert.match(await updated.getByTestId("tool-card").innerText(), /Updated: Standup · high · due .+ · every weekday at 09:00/);

  await page.getByRole("button", { name: "Settings" }).click();
  const dialog = page.getByRole("dialog", { name: "Settings" });
  await dialog.waitFor();
  const select = dialog.getByLabel("Time zone", { exact: true });
  await page.waitForFunction(() => (document.querySelector("#zone-select") as HTMLSelectElement | null)?.value === "UTC");
  await dialog.getByLabel("Search time zones").fill("tokyo");
  assert.deepEqual(await select.locator("option").allTextContents(), ["UTC", "Asia/Tokyo"], "the search narrows the list (the current zone stays)");
  await select.selectOption("Asia/Tokyo");
  const before = new Date();
  const shown = (await dialog.getByTestId("zone-local-time").innerText()).trim();
  const after = new Date();
  assert.ok([tokyoTime(before), tokyoTime(after)].map((s) => `Local time there: ${s}`).includes(shown), shown);

  await animationsSettled(page);

  const { violations } = await new AxeBuilder({ page }).include('[role="dialog"]').withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  assert.deepEqual(
    violations.map((v) => v.id),
    [],
  );

  await dialog.getByRole("button", { name: "Save" }).click();
  await page.locator("[data-sonner-toast]", { hasText: "Time zone set to Asia/Tokyo" }).waitFor();
  await dialog.waitFor({ state: "detached" });
  assert.deepEqual((await call(page, "GET", "/api/me/settings")).body, { timeZone: "Asia/Tokyo" });
  const task = (await call(page, "GET", `/api/tasks/${created.body.id}`)).body;
  assert.deepEqual([task.timeZone, task.dueTime, task.dueAt], ["Asia/Tokyo", "09:00", "2027-01-04T00:00:00.000Z"]);

  // Opened again, it shows the saved zone.
  await page.getByRole("button", { name: "Settings" }).click();
  await page.waitForFunction(() => (document.querySelector("#zone-select") as HTMLSelectElement | null)?.value === "Asia/Tokyo");
  await page.keyboard.press("Escape");
  await page.close();
});
