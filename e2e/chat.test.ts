/**
 * The chat in a real browser: the keyboard, conversations (new, resume, delete), and errors shown
 * in place with a retry — a language model that is down or rate-limited (a scripted
 * OpenAI-compatible server on 127.0.0.1 stands in for it) and a backend that is down.
 */
import { after, before, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { backendService, frontendService } from "@todo/contracts";
import { startFakeOpenAI, type FakeOpenAI, type Scripted } from "../apps/api/test/fake-openai.ts";
import { ask, browserFor, screenshot, signUp, startProduct, uniqueEmail, type Browser, type Product } from "./harness.ts";

let product: Product;
let model: FakeOpenAI;
/** What the scripted model answers next; tests switch it between healthy and failing. */
let mode: "ok" | "down" | "rate-limited" | "slow" | "long" = "ok";
/** In "long" mode the reply pauses after its first words until this is resolved. */
let releaseLong: () => void = () => undefined;
let longGate: Promise<void> = Promise.resolve();
const LONG_REPLY = "Here is a long answer, word by word: one two three four five six seven eight nine ten.";
/** In "slow" mode the model answers only once this is resolved. */
let releaseSlow: () => void = () => undefined;
let slowGate: Promise<void> = Promise.resolve();

before(async () => {
  model = await startFakeOpenAI(async (req): Promise<Scripted> => {
    if (mode === "slow") await slowGate;
    if (mode === "down") return { status: 500, error: "the model is down" };
    if (mode === "rate-limited") return { status: 429, error: "rate limit reached" };
    if (mode === "long") return { text: LONG_REPLY, wordDelayMs: 20, hold: { afterWords: 4, until: longGate } };
    const last = req.messages.at(-1);
    const text = typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "");
    return { text: `You said: ${text.split("\n")[0]}` };
  });
  product = await startProduct({ backendEnv: { LLM_BASE_URL: model.baseURL, LLM_MODEL: "fake-model", LLM_API_KEY: "test-key" } });
});

after(async () => {
  await product?.stop();
  await model?.close();
});

async function freshUser(t: TestContext): Promise<{ browser: Browser; page: Page }> {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Chat Tester", email: uniqueEmail("chat") });
  return { browser, page };
}

test("Enter sends, Shift+Enter adds a line, and the reply streams into the conversation", async (t) => {
  mode = "ok";
  const { page } = await freshUser(t);
  const box = page.getByLabel("Message the assistant");
  await box.focus();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "chat-input", "the message box has focus on arrival");
  await page.keyboard.type("first line");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type("second line");
  assert.equal(await box.inputValue(), "first line\nsecond line", "Shift+Enter made a new line and sent nothing");
  assert.equal(await page.locator('[data-role="user"]').count(), 0);
  await page.keyboard.press("Enter");
  await page.locator('[data-role="user"]').getByText("second line").waitFor();
  assert.equal(await box.inputValue(), "", "Enter sent the message and cleared the box");
  const reply = page.locator('[data-role="assistant"]').first();
  await reply.getByText("You said: first line").waitFor();
  // The model saw the whole message, both lines.
  const seen = model.requests.at(-1)!.messages.at(-1)!;
  assert.equal(seen.content, "first line\nsecond line");
});

test("conversations: start new, resume from the list, delete with confirmation", async (t) => {
  mode = "ok";
  const { page } = await freshUser(t);
  const history = page.getByRole("complementary", { name: "Conversations" });

  await ask(page, "alpha conversation");
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
  const alphaUrl = page.url();
  // Named by the server from the request (cleaned, capitalised), not the message as typed.
  await history.getByRole("link", { name: "Alpha conversation" }).waitFor();

  await history.getByRole("button", { name: "New chat" }).click();
  await page.getByRole("heading", { name: "What needs doing?" }).waitFor();
  assert.equal(await page.locator('[data-role="user"]').count(), 0, "a new chat starts empty");
  await ask(page, "beta conversation");
  await history.getByRole("link", { name: /beta conversation/i }).waitFor();
  // Newest first, under a date heading.
  assert.deepEqual(
    (await history.getByRole("link").allInnerTexts()).map((s) => s.trim()),
    ["Beta conversation", "Alpha conversation"],
  );
  assert.deepEqual(await history.getByRole("heading", { level: 3 }).allInnerTexts(), ["Today"]);

  // Search: a match narrows the list; none says so.
  const search = history.getByLabel("Search chats");
  await search.fill("alpha");
  assert.deepEqual(
    (await history.getByRole("link").allInnerTexts()).map((s) => s.trim()),
    ["Alpha conversation"],
  );
  await search.fill("zebra");
  assert.equal(await history.getByTestId("chat-search-empty").innerText(), "No chats match “zebra”.");
  assert.equal(await history.getByText("No conversations yet").count(), 0);
  await search.fill("");

  // Rename: Enter saves (the server keeps it), Escape abandons.
  await history.getByRole("button", { name: "Rename conversation: Beta conversation" }).click();
  const name = history.getByLabel("New name for: Beta conversation");
  await name.fill("Groceries plan");
  await name.press("Enter");
  await history.getByRole("link", { name: "Groceries plan" }).waitFor();
  await history.getByRole("button", { name: "Rename conversation: Groceries plan" }).click();
  await history.getByLabel("New name for: Groceries plan").fill("Not this");
  await page.keyboard.press("Escape");
  await history.getByRole("link", { name: "Groceries plan" }).waitFor();
  await page.reload();
  assert.deepEqual(
    (await history.getByRole("link").allInnerTexts()).map((s) => s.trim()),
    ["Groceries plan", "Alpha conversation"],
    "the new name is stored, and renaming keeps the order",
  );

  // Resume alpha: its messages come back, and the next message continues it.
  await history.getByRole("link", { name: "Alpha conversation" }).click();
  await page.waitForURL(alphaUrl);
  await page.getByTestId("assistant-text").getByText("You said: alpha conversation").waitFor();
  assert.equal(await page.locator('[data-role="user"]').count(), 1);
  await ask(page, "still alpha");
  assert.equal(await page.locator('[data-role="user"]').count(), 2);
  // The model got the earlier turn as history: the server kept it.
  const lastRequest = model.requests.at(-1)!;
  assert.ok(lastRequest.messages.some((m) => m.content === "alpha conversation"));
  await screenshot(page, "chat-history");

  // Delete asks first; deleting the open conversation leaves it for a new chat.
  await history.getByRole("button", { name: "Delete conversation: Alpha conversation" }).click();
  const dialog = page.getByRole("alertdialog");
  await dialog.getByRole("heading", { name: "Delete this conversation?" }).waitFor();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await page.waitForURL(/\/chat$/);
  await page.getByRole("heading", { name: "What needs doing?" }).waitFor();
  assert.deepEqual(
    (await history.getByRole("link").allInnerTexts()).map((s) => s.trim()),
    ["Groceries plan"],
  );
  await page.goto(alphaUrl);
  await page.getByRole("heading", { name: "Not found" }).waitFor();
});

test("a model that is down shows the error in place, and Retry gets the reply", async (t) => {
  const { page } = await freshUser(t);
  mode = "down";
  const box = page.getByLabel("Message the assistant");
  await box.fill("hello there");
  await box.press("Enter");
  const error = page.getByTestId("chat-error");
  await error.waitFor();
  assert.match(await error.innerText(), /The assistant is unavailable/);
  // The message is kept, so nothing has to be typed again.
  assert.equal(await page.locator('[data-role="user"]').count(), 1);
  await screenshot(page, "chat-error");

  mode = "ok";
  await error.getByRole("button", { name: "Retry" }).click();
  await page.locator('[data-role="assistant"]').getByText("You said: hello there").waitFor();
  assert.equal(await error.count(), 0, "the error is gone after a successful retry");
  assert.equal(await page.locator('[data-role="user"]').count(), 1, "retry did not duplicate the message");
  const asked = model.requests.at(-1)!.messages.filter((m) => m.role === "user");
  assert.deepEqual(
    asked.map((m) => m.content),
    ["hello there"],
    "the model was asked the message once",
  );
  // Nor did the server: the stored conversation has it once.
  await page.reload();
  await page.locator('[data-role="assistant"]').getByText("You said: hello there").waitFor();
  assert.equal(await page.locator('[data-role="user"]').count(), 1, "stored once");
});

test("Stop ends a reply in progress without an error, and the chat goes on", async (t) => {
  const { page } = await freshUser(t);
  slowGate = new Promise((resolve) => (releaseSlow = resolve));
  mode = "slow";
  try {
    const box = page.getByLabel("Message the assistant");
    await box.fill("take your time");
    await box.press("Enter");
    const stopButton = page.getByRole("button", { name: "Stop the reply" });
    await stopButton.waitFor();
    await stopButton.click();
    await page.getByRole("button", { name: "Send message" }).waitFor();
    assert.equal(await stopButton.count(), 0, "the Stop button is gone once stopped");
    assert.equal(await page.getByTestId("chat-error").count(), 0, "stopping is not an error");
  } finally {
    mode = "ok";
    releaseSlow();
  }
  await ask(page, "are you there?");
  await page.locator('[data-role="assistant"]').getByText("You said: are you there?").waitFor();
});

test("Stop keeps the partial reply with a note and Resend, and the cursor stays in the box (after a suggestion too)", async (t) => {
  const { page } = await freshUser(t);
  const box = page.getByLabel("Message the assistant");
  const focusedId = () => page.evaluate(() => document.activeElement?.id);

  // A suggestion chip sends, and the cursor is back in the box, not on the chip.
  await page.getByRole("button", { name: "What's left?" }).click();
  await page.locator('[data-role="assistant"]').getByText("You said: What's left?").waitFor();
  assert.equal(await focusedId(), "chat-input", "after a suggestion chip");

  longGate = new Promise((resolve) => (releaseLong = resolve));
  mode = "long";
  try {
    await box.fill("tell me at length");
    await box.press("Enter");
    const partial = page.locator('[data-role="assistant"]').last();
    await partial.getByText("Here is a long").waitFor();
    await page.getByRole("button", { name: "Stop the reply" }).click();
    const note = page.getByTestId("stopped-note");
    await note.waitFor();
    assert.match(await note.innerText(), /You stopped this reply/);
    assert.match(await partial.innerText(), /Here is a long/, "the partial reply stays");
    assert.equal(await focusedId(), "chat-input", "after Stop");
    await screenshot(page, "chat-stopped");
  } finally {
    mode = "ok";
    releaseLong();
  }
  // Resend asks again; the note goes, and the reply comes in full.
  await page.getByTestId("stopped-note").getByRole("button", { name: "Resend" }).click();
  await page.locator('[data-role="assistant"]').last().getByText("You said: tell me at length").waitFor();
  await page.getByRole("button", { name: "Send message" }).waitFor();
  assert.equal(await page.getByTestId("stopped-note").count(), 0);
  assert.equal(await focusedId(), "chat-input", "after Resend");
});

test("the message area is a landmark with a heading, scrollable from the keyboard", async (t) => {
  mode = "ok";
  const { page } = await freshUser(t);
  for (let i = 1; i <= 8; i++) await ask(page, `message number ${i} ${"with some words to fill the screen ".repeat(6)}`);
  const region = page.getByRole("region", { name: "Conversation" });
  assert.equal(await region.getAttribute("tabindex"), "0");
  assert.equal(await region.getByRole("heading", { name: "Conversation" }).count(), 1);
  assert.equal(await region.getByRole("log").count(), 1);
  // Reached with Tab (from the header), then scrolled with the keyboard alone.
  await region.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await region.focus();
  const bottom = await region.evaluate((el) => el.scrollTop);
  assert.ok(bottom > 0, "the conversation overflows");
  await page.keyboard.press("Home");
  await page.waitForFunction(() => (document.querySelector('[data-testid="conversation"]')?.scrollTop ?? 1) === 0);
  await page.keyboard.press("PageDown");
  await page.waitForFunction(() => (document.querySelector('[data-testid="conversation"]')?.scrollTop ?? 0) > 0);
  const tabbable = await page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="conversation"]');
    return el?.tabIndex === 0 && el.closest("[inert]") === null;
  });
  assert.equal(tabbable, true);
});

test("a reload in the middle of a reply: the reply goes on to its end, and nothing is sent again", async (t) => {
  const { page } = await freshUser(t);
  longGate = new Promise((resolve) => (releaseLong = resolve));
  mode = "long";
  try {
    const box = page.getByLabel("Message the assistant");
    await box.fill("tell me at length");
    await box.press("Enter");
    await page.locator('[data-role="assistant"]').getByText("Here is a long").waitFor();
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    const asked = model.requests.length;

    const resumed = page.waitForRequest((req) => /\/api\/chat\/[0-9a-f-]{36}\/stream/.test(req.url()));
    await page.reload();
    await resumed;
    await page.locator('[data-role="assistant"]').getByText("Here is a long").waitFor();
    releaseLong();
    await page.locator('[data-role="assistant"]').getByText(LONG_REPLY).waitFor();
    await page.getByRole("button", { name: "Send message" }).waitFor();
    assert.equal(model.requests.length, asked, "the model was not asked again");
    assert.equal(await page.locator('[data-role="user"]').count(), 1, "the message was not sent again");
    assert.equal(await page.locator('[data-role="assistant"]').count(), 1, "one reply, not a stored copy and a streamed one");

    await page.reload();
    await page.locator('[data-role="assistant"]').getByText(LONG_REPLY).waitFor();
    assert.equal(await page.getByTestId("chat-error").count(), 0);
  } finally {
    mode = "ok";
    releaseLong();
  }
});

test("a rate-limited model says so", async (t) => {
  const { page } = await freshUser(t);
  mode = "rate-limited";
  const box = page.getByLabel("Message the assistant");
  await box.fill("are you there?");
  await box.press("Enter");
  const error = page.getByTestId("chat-error");
  await error.waitFor();
  assert.match(await error.innerText(), /The assistant is busy/);
  assert.match(await error.innerText(), /rate-limited/);
  mode = "ok";
  // Sending a new message clears the error and works.
  await box.fill("now?");
  await box.press("Enter");
  await page.locator('[data-role="assistant"]').getByText("You said: now?").waitFor();
  assert.equal(await error.count(), 0);
});

test("a backend that is down: the frontend stays live and ready, pages say so, and recovery works", async (t) => {
  mode = "ok";
  const { page } = await freshUser(t);
  await page.goto(`${product.webUrl}/tasks`);
  await page.getByTestId("empty-state").waitFor();

  await product.stopBackend();
  t.after(async () => {
    if (
      !(await fetch(`${product.apiUrl}${backendService.health.ready}`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      await product.startBackend();
  });

  // Neither liveness nor readiness calls the backend: a backend restart must not take the
  // frontend out of its Service (issue 18, item 7).
  const live = await fetch(`${product.webUrl}${frontendService.health.live}`);
  assert.equal(live.status, 200);
  assert.deepEqual(await live.json(), { status: "ok" });
  const ready = await fetch(`${product.webUrl}${frontendService.health.ready}`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: "ok" });

  // The tasks page keeps what it shows and reports the failure with a retry.
  await page.getByLabel("New task title").fill("Will fail");
  await page.getByRole("button", { name: "Add task" }).click();
  await page.getByText("The server is not answering right now").waitFor();

  await page.goto(`${product.webUrl}/chat`).catch(() => undefined);
  await page.getByRole("heading", { name: "Something went wrong" }).waitFor();
  await screenshot(page, "backend-down");

  await product.startBackend();
  assert.equal((await fetch(`${product.webUrl}${frontendService.health.ready}`)).status, 200);
  await page.getByRole("button", { name: "Try again" }).click();
  await page.reload();
  await page.getByRole("heading", { name: "What needs doing?" }).waitFor();
  const reply = await ask(page, "back again");
  await reply.getByText("You said: back again").waitFor();
});
