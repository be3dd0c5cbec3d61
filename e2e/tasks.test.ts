/**
 * The tasks page in a real browser (its default "today" view: tasks-today.test.ts): create, search, filters (status, priority, tag, due), sort,
 * inline edit, complete, delete with confirmation, empty states, and staying in sync with the chat.
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

/** Seeds through the same-origin API, as the page's own code would. */
async function createTask(page: Page, input: CreateTaskInput) {
  const status = await page.evaluate(async (body) => {
    const res = await fetch("/api/tasks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return res.status;
  }, input);
  assert.equal(status, 201);
}

async function titles(page: Page): Promise<string[]> {
  return page.getByTestId("task-title").allInnerTexts();
}

/** Waits until the list shows exactly these titles (in this order when ordered is true). */
async function expectTitles(page: Page, expected: string[], ordered = false) {
  const want = ordered ? expected : [...expected].sort();
  await expectList(page, (got) => (ordered ? got : [...got].sort()), want);
}

/**
 * Waits until view(titles) equals want: after each look it waits for the list to change (it
 * refetches after each change), not for a fixed time. The budget is generous for a loaded machine.
 */
async function expectList(page: Page, view: (titles: string[]) => unknown, want: unknown, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await titles(page);
    if (JSON.stringify(view(shown)) === JSON.stringify(want)) return;
    const left = deadline - Date.now();
    if (left <= 0) return assert.deepEqual(view(shown), want);
    await page
      .waitForFunction(
        (seen) => JSON.stringify(Array.from(document.querySelectorAll<HTMLElement>('[data-testid="task-title"]'), (e) => e.innerText)) !== seen,
        JSON.stringify(shown),
        { timeout: left },
      )
      .catch(() => undefined); // out of time: the next look reports what is shown
  }
}

test("create, search, filter by status, priority, tag and due date, and sort", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Filter Tester", email: uniqueEmail("filters") });
  await page.goto(`${product.webUrl}/tasks`);

  // The empty state says what to do.
  const empty = page.getByTestId("empty-state");
  await empty.waitFor();
  assert.match(await empty.innerText(), /No tasks yet/);
  assert.match(await empty.innerText(), /ask the assistant/i);

  // Create through the form, with priority, due date and tags.
  const addForm = page.getByRole("form", { name: "Add a task" });
  const filters = page.getByRole("search", { name: "Filter tasks" });
  await addForm.getByLabel("New task title").fill("Buy milk");
  await addForm.getByLabel("Priority").selectOption("high");
  await addForm.getByLabel("Due date").fill(day(1));
  await addForm.getByLabel(/^Tags/).fill("groceries, Weekly");
  await page.getByRole("button", { name: "Add task" }).click();
  const milk = page.getByTestId("task-item").filter({ hasText: "Buy milk" });
  await milk.waitFor();
  assert.equal(await milk.getByTestId("task-priority").textContent(), "Priority: high");
  assert.equal(await milk.getByTestId("task-due").getAttribute("title"), day(1));
  assert.deepEqual(await milk.getByRole("button", { name: /Show tasks tagged/ }).allInnerTexts(), ["#groceries", "#weekly"]);

  // The form checks input with the shared schema before sending.
  await page.getByLabel("New task title").fill("Bad tags");
  await page.getByLabel(/^Tags/).fill("two words!");
  await page.getByRole("button", { name: "Add task" }).click();
  await page.getByText("tags are single words").waitFor();
  await page.getByLabel(/^Tags/).fill("");
  await page.getByLabel("New task title").fill("");

  await createTask(page, { title: "Write report", description: "quarterly numbers", priority: "medium", dueDate: day(0), tags: ["work"] });
  await createTask(page, { title: "Book dentist", priority: "low" });
  await createTask(page, { title: "File taxes", priority: "high", dueDate: day(-2), tags: ["work"] });
  await createTask(page, { title: "Plan trip", priority: "medium", dueDate: day(30) });
  await page.reload();
  await expectTitles(page, ["Buy milk", "Write report", "Book dentist", "File taxes", "Plan trip"]);
  assert.equal(await page.getByTestId("task-count").innerText(), "5 open tasks");
  // An overdue task says so.
  assert.match(await page.getByTestId("task-item").filter({ hasText: "File taxes" }).getByTestId("task-due").innerText(), /overdue/);

  // Search looks in titles and descriptions (the filters open from their button).
  await page.getByRole("button", { name: "Filters", exact: true }).click();
  await page.getByLabel("Search tasks").fill("quarterly");
  await expectTitles(page, ["Write report"]);
  assert.match(page.url(), /q=quarterly/);
  await page.getByLabel("Search tasks").fill("zzz-nothing");
  await page.getByText("No tasks match these filters").waitFor();
  await screenshot(page, "tasks-no-match");
  await page.getByTestId("empty-state").getByRole("button", { name: "Clear filters" }).click();
  await expectTitles(page, ["Buy milk", "Write report", "Book dentist", "File taxes", "Plan trip"]);

  // Status: complete one, then look at done and to-do.
  await page.getByRole("checkbox", { name: "Mark as done: Book dentist" }).check();
  await page.getByText("Completed “Book dentist”").waitFor();
  const status = page.getByRole("group", { name: "Status" });
  await status.getByRole("button", { name: "Done" }).click();
  await expectTitles(page, ["Book dentist"]);
  await status.getByRole("button", { name: "To do" }).click();
  await expectTitles(page, ["Buy milk", "Write report", "File taxes", "Plan trip"]);
  await status.getByRole("button", { name: "All" }).click();

  // Priority.
  await filters.getByLabel("Priority").selectOption("high");
  await expectTitles(page, ["Buy milk", "File taxes"]);
  assert.match(page.url(), /priority=high/);
  // The filters live in the address, so a reload keeps them.
  await page.reload();
  await expectTitles(page, ["Buy milk", "File taxes"]);
  await filters.getByLabel("Priority").selectOption("");

  // Tag, from the select and by clicking a tag on a task.
  await filters.getByLabel("Tag").selectOption("work");
  await expectTitles(page, ["Write report", "File taxes"]);
  await filters.getByLabel("Tag").selectOption("");
  await expectTitles(page, ["Buy milk", "Write report", "Book dentist", "File taxes", "Plan trip"]);
  await page.getByRole("button", { name: "Show tasks tagged groceries" }).click();
  await expectTitles(page, ["Buy milk"]);
  await filters.getByLabel("Tag").selectOption("");

  // Due windows.
  const due = filters.getByLabel("Due");
  await due.selectOption("overdue");
  await expectTitles(page, ["File taxes"]);
  await due.selectOption("today");
  await expectTitles(page, ["Write report"]);
  await due.selectOption("week");
  await expectTitles(page, ["Write report", "Buy milk"]);
  await due.selectOption("later");
  await expectTitles(page, ["Plan trip"]);
  await due.selectOption("any");

  // Sort.
  const sort = filters.getByLabel("Sort");
  await sort.selectOption("title-asc");
  await expectTitles(page, ["Book dentist", "Buy milk", "File taxes", "Plan trip", "Write report"], true);
  await sort.selectOption("due-asc");
  // Soonest first; the task without a due date comes last.
  await expectTitles(page, ["File taxes", "Write report", "Buy milk", "Plan trip", "Book dentist"], true);
  await sort.selectOption("priority-desc");
  await expectList(page, (got) => [got.slice(0, 2).sort(), got.slice(2, 4).sort(), got[4]], [
    ["Buy milk", "File taxes"],
    ["Plan trip", "Write report"],
    "Book dentist",
  ]);
  await sort.selectOption("created-desc");
  await expectTitles(page, ["Plan trip", "File taxes", "Book dentist", "Write report", "Buy milk"], true);
  await screenshot(page, "tasks-full");
  await page.close();
});

test("edit inline, validate, complete and delete with confirmation", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Edit Tester", email: uniqueEmail("edit") });
  await page.goto(`${product.webUrl}/tasks`);
  await createTask(page, { title: "Buy milk", priority: "high", tags: ["groceries"] });
  await createTask(page, { title: "Walk the dog", priority: "medium" });
  await page.reload();

  // Edit in place: title, notes, priority, due date and tags.
  await page.getByRole("button", { name: "Edit: Buy milk" }).click();
  const form = page.getByRole("form", { name: "Edit task Buy milk" });
  await form.getByLabel("Title").fill("");
  await form.getByRole("button", { name: "Save" }).click();
  // Said as a person would, not as a schema would ("title cannot be empty").
  await form.getByText("Give the task a title", { exact: true }).waitFor();
  await form.getByLabel("Title").fill("Buy oat milk");
  await form.getByLabel("Notes").fill("the barista one");
  await form.getByLabel("Priority").selectOption("low");
  await form.getByLabel("Due date").fill(day(3));
  await form.getByLabel("Tags").fill("groceries, cafe");
  await screenshot(page, "tasks-edit");
  await form.getByRole("button", { name: "Save" }).click();
  const edited = page.getByTestId("task-item").filter({ hasText: "Buy oat milk" });
  await edited.getByTestId("task-priority").waitFor();
  // Focus goes back to the row's Edit button.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Edit: Buy oat milk");
  await page.reload();
  assert.equal(await edited.getByTestId("task-priority").textContent(), "Priority: low");
  assert.equal(await edited.getByTestId("task-due").getAttribute("title"), day(3));
  assert.match(await edited.innerText(), /the barista one/);
  assert.deepEqual(await edited.getByRole("button", { name: /Show tasks tagged/ }).allInnerTexts(), ["#groceries", "#cafe"]);

  // Escape abandons an edit.
  await page.getByRole("button", { name: "Edit: Walk the dog" }).click();
  await page.getByRole("form", { name: "Edit task Walk the dog" }).getByLabel("Title").fill("Something else");
  await page.keyboard.press("Escape");
  await page.getByTestId("task-item").filter({ hasText: "Walk the dog" }).getByTestId("task-title").waitFor();
  assert.equal(await page.getByText("Something else").count(), 0);

  // Complete, then undo from the toast: it reverts the change it names (POST /api/changes/{id}/undo).
  await page.getByRole("checkbox", { name: "Mark as done: Walk the dog" }).check();
  const undone = page.waitForResponse((r) => r.request().method() === "POST" && /\/api\/changes\/[0-9a-f-]{36}\/undo$/.test(r.url()));
  await page.getByRole("button", { name: "Undo" }).click();
  assert.equal((await undone).status(), 200, "the undo is saved");
  await page.reload();
  assert.equal(await page.getByRole("checkbox", { name: "Mark as done: Walk the dog" }).isChecked(), false);

  // Delete asks first; Cancel keeps the task.
  await page.getByRole("button", { name: "Delete: Walk the dog" }).click();
  const dialog = page.getByRole("alertdialog");
  await dialog.getByText("“Walk the dog” moves to the Trash, where you can restore it for 30 days.").waitFor();
  await screenshot(page, "tasks-delete-confirm");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await page.getByTestId("task-item").count(), 2);
  await page.getByRole("button", { name: "Delete: Walk the dog" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete task" }).click();
  await page.getByText("Deleted “Walk the dog”").waitFor();
  await page.reload();
  await expectTitles(page, ["Buy oat milk"]);
  await page.close();
});

for (const viewport of [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
]) {
  test(`clicking a task's title opens it; only the checkbox completes, a 44×44 target (${viewport.name})`, async (t) => {
    const browser = await browserFor(t, { viewport });
    const page = await browser.context.newPage();
    await signUp(page, product.webUrl, { name: "Click Tester", email: uniqueEmail(`click-${viewport.name}`) });
    await page.goto(`${product.webUrl}/tasks`);
    await createTask(page, { title: "Call the bank", priority: "high" });
    await page.reload();
    const item = page.getByTestId("task-item").filter({ hasText: "Call the bank" });

    // The title opens the task's editor and leaves it open (it used to be the checkbox's label).
    await item.getByTestId("task-title").click();
    const form = page.getByRole("form", { name: "Edit task Call the bank" });
    await form.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id.startsWith("edit-title-")), true, "the editor has focus");
    await page.keyboard.press("Escape");
    await form.waitFor({ state: "hidden" });
    const checkbox = page.getByRole("checkbox", { name: "Mark as done: Call the bank" });
    assert.equal(await checkbox.isChecked(), false);
    const stored = await page.evaluate(async () => (await (await fetch("/api/tasks/me")).json()) as { completed: boolean }[]);
    assert.deepEqual(
      stored.map((task) => task.completed),
      [false],
    );

    // The checkbox's hit area is at least 44×44 px, and all of it works: a tap near its corner completes.
    const hit = await item.getByTestId("task-check").boundingBox();
    assert.ok(hit && hit.width >= 44 && hit.height >= 44, `hit area ${hit?.width}×${hit?.height}`);
    await item.getByTestId("task-check").click({ position: { x: 3, y: 3 } });
    await page.getByText("Completed “Call the bank”").waitFor();
    // Done tasks leave the default view for the toggle under it.
    await page.getByRole("button", { name: "Show done tasks (1)" }).click();
    assert.equal(await item.getAttribute("data-completed"), "true");
    await page.close();
  });
}

test("what the assistant changes shows on an open tasks page without a reload", async (t) => {
  const browser = await browserFor(t);
  const tasksPage = await browser.context.newPage();
  await signUp(tasksPage, product.webUrl, { name: "Sync Tester", email: uniqueEmail("sync") });
  await tasksPage.goto(`${product.webUrl}/tasks`);
  await tasksPage.getByTestId("empty-state").waitFor();
  // Mark the document, so a reload would be noticed.
  await tasksPage.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

  const chatPage = await browser.context.newPage();
  await chatPage.goto(`${product.webUrl}/chat`);
  const reply = await ask(chatPage, "add water the plants tomorrow");
  await reply.getByTestId("tool-card").waitFor();

  const item = tasksPage.getByTestId("task-item").filter({ hasText: /water the plants/i });
  await item.waitFor();
  await ask(chatPage, "I'm done with the plants");
  // Done, it leaves the open tasks for the toggle under them.
  await tasksPage.getByRole("button", { name: "Show done tasks (1)" }).click();
  await tasksPage.waitForFunction(() => document.querySelector('[data-testid="task-item"]')?.getAttribute("data-completed") === "true");
  assert.equal(await tasksPage.evaluate(() => (window as unknown as { marker?: number }).marker), 42, "the page was not reloaded");
  await tasksPage.close();
  await chatPage.close();
});
