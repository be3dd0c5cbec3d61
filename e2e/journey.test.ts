/**
 * The main journey, in a real browser against the whole product with the offline assistant:
 * sign up → ask the assistant to add a task → reply and tool card → the tasks page lists it →
 * complete it there → the assistant sees the change → a second person sees none of it → sign out.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ask, browserFor, PASSWORD, screenshot, signOut, signUp, startProduct, uniqueEmail, type Product } from "./harness.ts";

let product: Product;

before(async () => {
  product = await startProduct();
});

after(async () => {
  await product?.stop();
});

function tomorrowIso(): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

test("sign up, add a task by chat, complete it on the tasks page, and the assistant sees it", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  const email = uniqueEmail("journey");

  // Signed out, the app sends you to sign in.
  await page.goto(`${product.webUrl}/tasks`);
  await page.waitForURL(/\/sign-in$/);
  await screenshot(page, "sign-in");
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.waitForURL(/\/sign-up$/);
  await screenshot(page, "sign-up");

  await signUp(page, product.webUrl, { name: "Journey Tester", email });
  await page.getByRole("heading", { name: "What needs doing?" }).waitFor();
  await screenshot(page, "chat-empty");

  // The session is an HttpOnly cookie: nothing readable by page scripts, nothing in storage.
  const exposed = await page.evaluate(() => ({ cookie: document.cookie, storage: JSON.stringify(localStorage) }));
  assert.doesNotMatch(exposed.cookie, /session/i);
  assert.doesNotMatch(exposed.storage, /token|session/i);
  const cookies = await browser.context.cookies(product.webUrl);
  const session = cookies.find((c) => c.name.includes("session_token"));
  assert.ok(session, "the session cookie is set on the frontend's origin");
  assert.equal(session.httpOnly, true);

  // Ask the assistant; the reply and a tool card show.
  const reply = await ask(page, "add buy milk tomorrow, high priority");
  const card = reply.getByTestId("tool-card");
  await card.waitFor();
  assert.equal(await card.getAttribute("data-tool"), "add_task");
  assert.equal(await card.getAttribute("data-status"), "done");
  const cardText = await card.innerText();
  assert.match(cardText, /Added: Buy milk · high · due tomorrow/i);
  assert.match(await reply.getByTestId("assistant-text").innerText(), /buy milk/i);
  // The new conversation gets its own address and shows up in the history.
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
  const conversationUrl = page.url();
  const history = page.getByRole("complementary", { name: "Conversations" });
  await history.getByRole("link").first().waitFor();
  assert.equal(await history.getByRole("link").count(), 1);
  await screenshot(page, "chat");

  // The tasks page lists it with its priority and due date.
  await page.getByRole("link", { name: "Tasks" }).click();
  await page.waitForURL(/\/tasks$/);
  const item = page.getByTestId("task-item").filter({ hasText: "Buy milk" });
  await item.waitFor();
  assert.equal(await item.getByTestId("task-priority").textContent(), "Priority: high");
  assert.match(await item.getByTestId("task-due").innerText(), /tomorrow/);
  assert.equal(await item.getByTestId("task-due").getAttribute("title"), tomorrowIso());
  await screenshot(page, "tasks");

  // Complete it on the page; it stays done after a reload (the server has it).
  await item.getByRole("checkbox", { name: /Mark as done: Buy milk/ }).check();
  await page.getByText("Completed “Buy milk”").waitFor();
  await page.reload();
  // Done tasks wait behind their toggle under the open ones.
  await page.getByRole("button", { name: "Show done tasks (1)" }).click();
  const reloaded = page.getByTestId("task-item").filter({ hasText: "Buy milk" });
  assert.equal(await reloaded.getAttribute("data-completed"), "true");
  assert.equal(await reloaded.getByRole("checkbox").isChecked(), true);

  // Back in the same conversation, the assistant sees that nothing is left.
  await page.goto(conversationUrl);
  await page.locator('[data-role="assistant"]').first().waitFor();
  // Resuming shows the earlier turn with its tool card, rebuilt from the server's history.
  assert.match(await page.getByTestId("tool-card").first().innerText(), /Added: Buy milk/);
  const left = await ask(page, "what's left?");
  const leftText = await left.innerText();
  assert.doesNotMatch(leftText, /Buy milk/, "the completed task is not listed as left");
  assert.match(leftText, /nothing|no (pending|open)|all done|0 tasks|clear/i);

  // A task added on the page is visible to the assistant too.
  await page.goto(`${product.webUrl}/tasks`);
  await page.getByLabel("New task title").fill("Call the plumber");
  await page.getByRole("button", { name: "Add task" }).click();
  await page.getByTestId("task-item").filter({ hasText: "Call the plumber" }).waitFor();
  await page.goto(conversationUrl);
  const left2 = await ask(page, "what's left?");
  assert.match(await left2.innerText(), /Call the plumber/);

  await signOut(page);
  // Signed out means signed out: the chat sends you back to sign in.
  await page.goto(`${product.webUrl}/chat`);
  await page.waitForURL(/\/sign-in$/);
  await page.close();

  // A second person sees none of the first person's tasks or conversations.
  const other = await browser.context.newPage();
  await signUp(other, product.webUrl, { name: "Someone Else", email: uniqueEmail("other") });
  assert.equal(await other.getByRole("complementary", { name: "Conversations" }).getByRole("link").count(), 0);
  await other.getByText("No conversations yet").waitFor();
  await other.goto(conversationUrl);
  await other.getByRole("heading", { name: "Not found" }).waitFor();
  await other.goto(`${product.webUrl}/tasks`);
  await other.getByTestId("empty-state").waitFor();
  assert.equal(await other.getByTestId("task-item").count(), 0);
  assert.match(await other.getByTestId("empty-state").innerText(), /No tasks yet/);
  await screenshot(other, "tasks-empty");
  const otherReply = await (async () => {
    await other.goto(`${product.webUrl}/chat`);
    return ask(other, "what's left?");
  })();
  assert.doesNotMatch(await otherReply.innerText(), /Buy milk|plumber/i);
  await signOut(other);

  // And the first person can sign back in to find everything where they left it.
  await signIn(other, email);
  await other.goto(`${product.webUrl}/tasks`);
  await other.getByTestId("task-item").filter({ hasText: "Call the plumber" }).waitFor();
  await signOut(other);
  await other.close();
});

test("works at 375 px wide: history in a sheet, tasks readable", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 375, height: 740 });
  await signUp(page, product.webUrl, { name: "Phone User", email: uniqueEmail("phone") });
  const reply = await ask(page, "add pay rent friday, high priority #home");
  await reply.getByTestId("tool-card").waitFor();
  // The desktop sidebar is hidden; the History button opens the list as a dialog.
  assert.equal(await page.getByRole("complementary", { name: "Conversations" }).isVisible(), false);
  await screenshot(page, "chat-mobile");
  await page.getByRole("button", { name: "History" }).click();
  const sheet = page.getByRole("dialog");
  await sheet.getByRole("link").first().waitFor();
  assert.equal(await sheet.getByRole("link").count(), 1);
  await screenshot(page, "chat-mobile-history");
  await page.keyboard.press("Escape");

  await page.getByRole("link", { name: "Tasks" }).click();
  const item = page.getByTestId("task-item").filter({ hasText: /pay rent/i });
  await item.waitFor();
  // Nothing scrolls sideways at phone width.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0);
  // The list starts on the first screen: the add form's details and the filter selects wait to be asked for.
  const box = await item.boundingBox();
  assert.ok(box && box.y + box.height <= 740, `the first task is on the first screen (its bottom at ${box?.y}+${box?.height})`);
  await screenshot(page, "tasks-mobile");
  const priorityFilter = page.getByLabel("Priority", { exact: true }).and(page.locator("#filter-priority"));
  assert.equal(await priorityFilter.isVisible(), false);
  await page.getByLabel("New task title").fill("Water the plants");
  await page.locator("#new-priority").waitFor();
  await page.getByRole("button", { name: "Filters" }).click();
  await priorityFilter.selectOption("low");
  await page.getByRole("button", { name: "Filters (1)" }).waitFor();
  await item.waitFor({ state: "detached" }); // the rent is high priority: filtered out on a phone too
  await page.close();
});

async function signIn(page: Page, email: string) {
  await page.goto(`${product.webUrl}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/chat$/);
}
