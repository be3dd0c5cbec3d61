/**
 * Bulk actions on the tasks page and Undo toasts that undo their own change (issue 17), in a real
 * browser: pick tasks (a click, a Shift-click range, Space on a row), then one request completes,
 * reschedules or deletes them all (delete asks first), and the toast's Undo reverts exactly that
 * change. Two toasts: the older one's Undo reverts the older change only. On a 390×844 phone the bar
 * fits without sideways scroll; axe finds no WCAG 2.1 A/AA violation with the bar and the toasts
 * shown, in light and dark mode.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { animationsSettled, browserFor, screenshot, signUp, startProduct, uniqueEmail, type Product } from "./harness.ts";

let product: Product;

before(async () => {
  product = await startProduct();
});

after(async () => {
  await product?.stop();
});

type TaskLite = { id: string; title: string; completed: boolean; dueDate: string | null };

/** A calendar day from today (the harness runs Chromium in UTC). */
function day(offset: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

async function addTasks(page: Page, titles: string[]) {
  await page.evaluate(async (list) => {
    for (const title of list) {
      const res = await fetch("/api/tasks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title }) });
      if (!res.ok) throw new Error(`add failed: ${res.status} ${await res.text()}`);
    }
  }, titles);
}

const allTasks = (page: Page) => page.evaluate(async () => ((await (await fetch("/api/tasks?limit=100")).json()) as { tasks: TaskLite[] }).tasks);
const trashTitles = (page: Page) =>
  page.evaluate(async () => ((await (await fetch("/api/tasks/trash")).json()) as { tasks: TaskLite[] }).tasks.map((t) => t.title).sort());
const doneTitles = async (page: Page) =>
  (await allTasks(page))
    .filter((t) => t.completed)
    .map((t) => t.title)
    .sort();

/** Polls until `read` gives `want` (the list refreshes after each change). */
async function until<T>(read: () => Promise<T>, want: T, what: string) {
  let last: T | undefined;
  for (let i = 0; i < 100; i++) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(want)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(last, want, what);
}

/** The page's WCAG 2.1 A/AA violations, the toasts included. */
async function audit(page: Page): Promise<string[]> {
  await animationsSettled(page);
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(" ")} — ${n.failureSummary?.replace(/\s+/g, " ")}`));
}

const toast = (page: Page, text: string) => page.locator("[data-sonner-toast]").filter({ hasText: text });

/** Clicks a toast's Undo; the toasts stack, so the pointer first opens the stack (which also holds their timers). */
async function undoFrom(page: Page, text: string) {
  await page.locator('[data-sonner-toast][data-front="true"]').hover();
  const undone = page.waitForResponse((r) => r.request().method() === "POST" && /\/api\/changes\/(.+\/)?undo$/.test(r.url()));
  await toast(page, text).getByRole("button", { name: "Undo" }).click();
  assert.equal((await undone).status(), 200);
}

test("select 4 (Shift-click range), complete, Undo; reschedule 3; delete 3 after confirming; axe with the bar and toasts", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Bulker", email: uniqueEmail("bulk") });
  const titles = ["Task 1", "Task 2", "Task 3", "Task 4", "Task 5", "Task 6"];
  await addTasks(page, titles);
  await page.goto(`${product.webUrl}/tasks`);
  await page.getByTestId("task-item").filter({ hasText: "Task 6" }).waitFor();

  // Pick Task 1, Shift-click Task 3 (1–3), then Task 5: four picked.
  await page.getByRole("button", { name: "Select" }).click();
  const pick = (title: string) => page.getByRole("checkbox", { name: `Select: ${title}` });
  await pick("Task 1").click();
  await pick("Task 3").click({ modifiers: ["Shift"] });
  await pick("Task 5").click();
  const count = page.getByTestId("bulk-count");
  assert.equal(await count.innerText(), "4 selected");
  for (const title of ["Task 1", "Task 2", "Task 3", "Task 5"]) assert.equal(await pick(title).isChecked(), true, title);
  assert.equal(await pick("Task 4").isChecked(), false);
  assert.deepEqual(await audit(page), [], "the bulk bar has no WCAG 2.1 A/AA violations");
  await screenshot(page, "tasks-bulk-bar");

  // Complete: one request changes the four; the toast's Undo reopens exactly them.
  const bulkRequest = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/api/tasks/bulk/selected"));
  await page.getByRole("toolbar", { name: "Selected tasks" }).getByRole("button", { name: "Complete" }).click();
  assert.equal(((await bulkRequest).postDataJSON() as { ids: string[] }).ids.length, 4);
  await toast(page, "Completed 4 tasks").waitFor();
  await until(() => doneTitles(page), ["Task 1", "Task 2", "Task 3", "Task 5"], "the four are done");
  assert.deepEqual(await audit(page), [], "the success toast has no violations (light)");
  await page.emulateMedia({ colorScheme: "dark" });
  assert.deepEqual(await audit(page), [], "the success toast has no violations (dark)");
  await page.emulateMedia({ colorScheme: "light" });
  await undoFrom(page, "Completed 4 tasks");
  await until(() => doneTitles(page), [], "Undo reopens the four");

  // Reschedule 3 (Space on a row picks it, Shift+Space the range up to the next): they move to Upcoming.
  await page.getByRole("button", { name: "Select" }).click();
  await pick("Task 1").click();
  await pick("Task 2").click();
  await pick("Task 3").click();
  assert.equal(await count.innerText(), "3 selected");
  await page.getByLabel("New due date").fill(day(10));
  await page.getByRole("button", { name: "Reschedule" }).click();
  await toast(page, "Moved 3 tasks to").waitFor();
  const upcoming = page.locator('[data-testid="task-group"][data-group="upcoming"] [data-testid="task-item"]');
  await until(async () => (await upcoming.allInnerTexts()).length, 3, "three tasks in Upcoming");
  for (const title of ["Task 1", "Task 2", "Task 3"]) assert.equal(await upcoming.filter({ hasText: title }).count(), 1, title);
  assert.equal((await allTasks(page)).filter((x) => x.dueDate === day(10)).length, 3);

  // Delete 3 with the keyboard: Space picks the focused row, Shift+Space the range, Delete asks first.
  const row = (title: string) => page.getByTestId("task-item").filter({ hasText: title });
  await row("Task 4").focus();
  await page.keyboard.press("Space");
  await row("Task 6").focus();
  await page.keyboard.press("Shift+Space");
  assert.equal(await count.innerText(), "3 selected");
  await page.keyboard.press("Delete");
  const dialog = page.getByRole("alertdialog");
  await dialog.getByText("Delete 3 tasks?").waitFor();
  assert.deepEqual(await trashTitles(page), [], "nothing deleted before confirming");
  await dialog.getByRole("button", { name: "Delete 3 tasks" }).click();
  await toast(page, "Deleted 3 tasks").waitFor();
  await until(() => trashTitles(page), ["Task 4", "Task 5", "Task 6"], "the Trash has the 3");
  await page.getByRole("button", { name: "Trash" }).click();
  await until(() => page.getByTestId("trash-item").count(), 3, "the Trash view shows 3");
});

test("two toasts: the first one's Undo reopens only its own task", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Toaster", email: uniqueEmail("toasts") });
  await addTasks(page, ["Alpha", "Bravo"]);
  await page.goto(`${product.webUrl}/tasks`);
  await page.getByRole("checkbox", { name: "Mark as done: Alpha" }).check();
  await toast(page, "Completed “Alpha”").waitFor();
  await page.getByRole("checkbox", { name: "Mark as done: Bravo" }).check();
  await toast(page, "Completed “Bravo”").waitFor();
  await until(() => doneTitles(page), ["Alpha", "Bravo"], "both done");

  await undoFrom(page, "Completed “Alpha”");
  await until(() => doneTitles(page), ["Bravo"], "only Alpha reopens");
});

test("phone 390×844: the bulk bar fits without sideways scroll, and axe finds nothing", async (t) => {
  const browser = await browserFor(t, { viewport: { width: 390, height: 844 } });
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Phone", email: uniqueEmail("bulkphone") });
  await addTasks(page, ["Milk", "Bread", "Eggs"]);
  await page.goto(`${product.webUrl}/tasks`);
  await page.getByRole("button", { name: "Select" }).click();
  await page.getByRole("checkbox", { name: "Select: Milk" }).click();
  await page.getByRole("checkbox", { name: "Select: Eggs" }).click({ modifiers: ["Shift"] });
  const bar = page.getByRole("toolbar", { name: "Selected tasks" });
  assert.equal(await page.getByTestId("bulk-count").innerText(), "3 selected");
  const overflow = await page.evaluate(() =>
    [document.documentElement, document.querySelector("main"), document.querySelector('[data-testid="bulk-bar"]')].map((el) =>
      el ? el.scrollWidth - el.clientWidth : -1,
    ),
  );
  assert.deepEqual(overflow, [0, 0, 0], "no sideways scroll: page, main, bar");
  const box = await bar.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the bar is inside the screen: ${JSON.stringify(box)}`);
  assert.deepEqual(await audit(page), [], "the bar on a phone has no WCAG 2.1 A/AA violations");
  await screenshot(page, "tasks-bulk-bar-phone");
});
