/**
 * The Trash and Undo on the tasks page, and a bulk change's approval in the chat, in a real browser
 * (issue 17). A deleted task goes to the Trash (a view on the tasks page, kept TRASH_DAYS days) and
 * Restore brings it back under its number; the Undo toasts after complete and delete use the one undo
 * mechanism, the change log, each reverting its own change (POST /api/changes/{id}/undo). In the
 * chat, "complete all shopping tasks" with 12 of them shows an approval card with the count before
 * anything changes; Deny leaves them open, Approve completes all 12.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { animationsSettled, ask, launchBrowser, screenshot, signOut, signUp, startProduct, uniqueEmail, type Browser, type Product } from "./harness.ts";

let product: Product;
let browser: Browser;

before(async () => {
  product = await startProduct();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await product?.stop();
});

type TaskLite = { title: string; number: number; completed: boolean; tags: string[] };

/** Adds tasks through the web app's API proxy with the page's own session. */
async function addTasks(page: Page, tasks: { title: string; tags?: string[] }[]) {
  await page.evaluate(async (list) => {
    for (const t of list) {
      const res = await fetch("/api/tasks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(t) });
      if (!res.ok) throw new Error(`add failed: ${res.status} ${await res.text()}`);
    }
  }, tasks);
}

/** The person's tasks (not those in the Trash), read through the API proxy. */
const allTasks = (page: Page) => page.evaluate(async () => ((await (await fetch("/api/tasks?limit=100")).json()) as { tasks: TaskLite[] }).tasks);

/** The page's WCAG 2.1 A/AA violations, the toasts included. */
async function audit(page: Page): Promise<string[]> {
  await animationsSettled(page);
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(" ")} — ${n.failureSummary?.replace(/\s+/g, " ")}`));
}

test("delete → Trash → Restore keeps the number; the Undo toasts after complete and delete use the change log", async () => {
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Trasher", email: uniqueEmail("trash") });
  await addTasks(page, [{ title: "Walk the dog" }, { title: "Buy milk" }, { title: "Call mom" }]);
  await page.goto(`${product.webUrl}/tasks`);
  const row = (title: string) => page.getByTestId("task-item").filter({ hasText: title });
  await row("Buy milk").waitFor();
  assert.equal(await row("Buy milk").getAttribute("data-task-number"), "2");

  // Delete: it leaves the list and is in the Trash, with the note on how long it stays.
  await page.getByRole("button", { name: "Delete: Buy milk" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete task" }).click();
  await page.getByText("Deleted “Buy milk”").waitFor();
  assert.deepEqual(await audit(page), [], "the list with its toast has no WCAG 2.1 A/AA violations");
  await row("Buy milk").waitFor({ state: "detached" });
  const toggle = page.getByRole("button", { name: "Trash" });
  assert.equal(await toggle.getAttribute("aria-pressed"), "false");
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-pressed"), "true");
  const inTrash = page.getByTestId("trash-item").filter({ hasText: "Buy milk" });
  await inTrash.waitFor();
  assert.equal(await inTrash.getAttribute("data-task-number"), "2");
  assert.equal(await page.getByTestId("trash-item").count(), 1);
  assert.match(await page.getByTestId("trash-note").innerText(), /kept here for 30 days/);
  assert.deepEqual(await audit(page), [], "the Trash view has no WCAG 2.1 A/AA violations");
  await screenshot(page, "tasks-trash");

  // Restore: back under its number, and the Trash is empty.
  await page.getByRole("button", { name: "Restore: Buy milk" }).click();
  await page.getByText("Restored #2 “Buy milk”").waitFor();
  await page.getByText("The Trash is empty").waitFor();
  await toggle.click();
  await row("Buy milk").waitFor();
  assert.equal(await row("Buy milk").getAttribute("data-task-number"), "2");
  assert.deepEqual((await allTasks(page)).find((t) => t.title === "Buy milk")?.number, 2);

  // Complete, then Undo from its toast: POST /api/changes/{id}/undo reverts that change.
  await page.getByRole("checkbox", { name: "Mark as done: Walk the dog" }).check();
  const completedToast = page.locator("[data-sonner-toast]").filter({ hasText: "Completed “Walk the dog”" });
  await completedToast.waitFor();
  const undone = page.waitForResponse((r) => r.request().method() === "POST" && /\/api\/changes\/[0-9a-f-]{36}\/undo$/.test(r.url()));
  await completedToast.getByRole("button", { name: "Undo" }).click();
  assert.equal((await undone).status(), 200);
  await page.getByText("Undone: “Walk the dog” is back as it was").waitFor();
  await page.reload();
  assert.equal(await page.getByRole("checkbox", { name: "Mark as done: Walk the dog" }).isChecked(), false);
  assert.equal((await allTasks(page)).find((t) => t.title === "Walk the dog")?.completed, false);

  // Delete, then Undo from its toast: the same mechanism brings it back under its number.
  await page.getByRole("button", { name: "Delete: Call mom" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete task" }).click();
  const deletedToast = page.locator("[data-sonner-toast]").filter({ hasText: "Deleted “Call mom”" });
  await deletedToast.waitFor();
  await row("Call mom").waitFor({ state: "detached" });
  await deletedToast.getByRole("button", { name: "Undo" }).click();
  await row("Call mom").waitFor();
  assert.equal(await row("Call mom").getAttribute("data-task-number"), "3");
  await page.getByRole("button", { name: "Trash" }).click();
  await page.getByText("The Trash is empty").waitFor();
  await page.close();
});

test("chat: completing 12 shopping tasks shows the count on an approval card first; Deny leaves them, Approve completes all 12", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${product.webUrl}/tasks`);
  await signOut(page); // the first test's person is still signed in, in this browser
  await signUp(page, product.webUrl, { name: "Shopper", email: uniqueEmail("bulk") });
  await addTasks(
    page,
    Array.from({ length: 12 }, (_, i) => ({ title: `Shopping item ${i + 1}`, tags: ["shopping"] })),
  );
  await addTasks(page, [{ title: "Not shopping" }]);
  const openShopping = async () => (await allTasks(page)).filter((t) => t.tags.includes("shopping") && !t.completed).length;
  assert.equal(await openShopping(), 12);

  const askBulk = async () => {
    const reply = await ask(page, "complete all shopping tasks");
    const card = reply.getByRole("group", { name: /^Approval needed: / });
    await card.waitFor();
    assert.equal(await card.getAttribute("data-tool"), "update_tasks");
    assert.equal(await card.getAttribute("data-status"), "asking");
    assert.match((await card.getAttribute("aria-label")) ?? "", /: Complete 12 tasks: /, "the card says how many tasks");
    assert.match(await card.innerText(), /Complete 12 tasks: /);
    assert.equal(await openShopping(), 12, "nothing changes before the answer");
    return card;
  };

  const first = await askBulk();
  await screenshot(page, "approval-bulk-12");
  await first.getByRole("button", { name: "Deny" }).click();
  await page.locator('[data-testid="tool-card"][data-tool="update_tasks"][data-status="declined"]').waitFor();
  await page.getByRole("button", { name: "Send message" }).waitFor();
  assert.equal(await openShopping(), 12, "Deny leaves them open");

  const second = await askBulk();
  await second.getByRole("button", { name: "Approve" }).click();
  await page.locator('[data-testid="tool-card"][data-tool="update_tasks"][data-status="done"]').waitFor();
  await page.getByRole("button", { name: "Send message" }).waitFor();
  const tasks = await allTasks(page);
  assert.equal(tasks.filter((t) => t.tags.includes("shopping") && t.completed).length, 12, "Approve completes all 12");
  assert.equal(tasks.find((t) => t.title === "Not shopping")?.completed, false, "and nothing else");
  await page.close();
});
