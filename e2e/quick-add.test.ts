/**
 * Quick add on the tasks page: the add box reads a line the way the assistant does (POST
 * /api/tasks/parse), shows what it understood as chips while typing, and Enter adds the task with
 * those fields ("pay rent friday #home !high" → "Pay rent", due Friday, #home, high).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { browserFor, signUp, startProduct, uniqueEmail, type Product } from "./harness.ts";

let product: Product;

before(async () => {
  product = await startProduct();
});

after(async () => {
  await product?.stop();
});

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

test("typing 'pay rent friday #home !high' shows date, tag and priority chips; Enter adds 'Pay rent' with them", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Quick Adder", email: uniqueEmail("quickadd") });
  await page.goto(`${product.webUrl}/tasks`);
  await page.getByTestId("empty-state").waitFor();

  // The coming Friday in the browser's own day (on a Friday, chrono's "friday" may mean today or next week).
  // (No inner functions in evaluate: tsx would name them with a helper the page lacks.)
  const { today, dow } = await page.evaluate(() => ({ today: new Date().toLocaleDateString("en-CA"), dow: new Date().getDay() }));
  const plus = (days: number) => {
    const d = new Date(`${today}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    return d;
  };
  const fridays = dow === 5 ? [plus(0), plus(7)] : [plus((5 - dow + 7) % 7)];
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const chip = (d: Date) => `Fri ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;

  const box = page.getByRole("form", { name: "Add a task" }).getByLabel("New task title");
  await box.pressSequentially("pay rent friday #home !high");
  const chips = page.getByTestId("quick-add-chips");
  await chips.waitFor();
  const due = (await chips.locator('[data-chip="due"]').innerText()).trim();
  assert.ok(fridays.map(chip).includes(due), `due chip ${due}`);
  assert.deepEqual(await chips.locator('[data-chip="tag"]').allInnerTexts(), ["#home"]);
  assert.equal((await chips.locator('[data-chip="priority"]').innerText()).trim(), "High");
  assert.match(await chips.innerText(), /Pay rent/, "the title it will add");
  // Nothing is added before Enter.
  assert.equal(await page.getByTestId("task-item").count(), 0);

  await box.press("Enter");
  const task = page.getByTestId("task-item").filter({ hasText: "Pay rent" });
  await task.waitFor();
  assert.equal(await task.getByTestId("task-title").innerText(), "Pay rent");
  assert.ok(fridays.map(iso).includes((await task.getByTestId("task-due").getAttribute("title"))!));
  assert.deepEqual(await task.getByRole("button", { name: /Show tasks tagged/ }).allInnerTexts(), ["#home"]);
  assert.equal(await task.getByTestId("task-priority").textContent(), "Priority: high");
  assert.equal(await box.inputValue(), "", "the box is empty again");
  assert.equal(await chips.count(), 0, "and its chips are gone");

  // Through the API too: one task, the fields parsed.
  const stored = await page.evaluate(
    async () => (await (await fetch("/api/tasks?status=all")).json()) as { tasks: { title: string; priority: string; tags: string[] }[] },
  );
  assert.deepEqual(
    stored.tasks.map(({ title, priority, tags }) => ({ title, priority, tags })),
    [{ title: "Pay rent", priority: "high", tags: ["home"] }],
  );

  // A plain title shows no chips and is added as typed.
  await box.fill("Buy milk");
  await box.press("Enter");
  await page.getByTestId("task-item").filter({ hasText: "Buy milk" }).waitFor();
  assert.equal(await chips.count(), 0);
});

test("an added task shows at once in its group, before the list has reloaded", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Quick Shower", email: uniqueEmail("quickshow") });
  await page.goto(`${product.webUrl}/tasks`);
  await page.getByTestId("empty-state").waitFor();

  // From here on the list's reloads are held: a row can only come from the add's own answer.
  const held: (() => Promise<void>)[] = [];
  await page.route(
    (url) => url.pathname === "/api/tasks",
    (route) => {
      if (route.request().method() !== "GET") return route.continue();
      held.push(() => route.continue());
    },
  );
  const box = page.getByRole("form", { name: "Add a task" }).getByLabel("New task title");
  await box.fill("call mom today");
  await box.press("Enter");
  const row = page.getByTestId("task-item").filter({ hasText: "Call mom" });
  await row.waitFor();
  assert.ok(held.length > 0, "the list's reload was asked for and is still held");
  const today = page.locator('[data-testid="task-group"][data-group="today"]');
  assert.equal(await today.getByTestId("task-item").filter({ hasText: "Call mom" }).count(), 1, "in the Today group");

  const reloaded = page.waitForResponse((res) => new URL(res.url()).pathname === "/api/tasks" && res.request().method() === "GET");
  await page.unroute((url) => url.pathname === "/api/tasks");
  for (const release of held) await release();
  await reloaded;
  assert.equal(await page.getByTestId("task-item").count(), 1, "the reload does not show it twice");
});
