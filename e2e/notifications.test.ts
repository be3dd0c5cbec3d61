/**
 * Reminder delivery in a real browser: the backend runs in this process (on embedded PGlite) so
 * the test calls the real notifier, as the reminders engine does, while the page is open. The
 * reminder arrives over the notification stream through the web proxy: a toast, the bell's count,
 * the list; clicking it opens its task and it counts as read. Another person's page gets nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PGlite } from "@electric-sql/pglite";
import { serve } from "@hono/node-server";
import type { Page } from "playwright-core";
import { pino } from "pino";
import { createApp } from "../apps/api/src/app.ts";
import { prepareDatabase } from "../apps/api/src/bootstrap.ts";
import { OfflineLanguageModel } from "../apps/api/src/chat/offline/offline.model.ts";
import { loadConfig } from "../apps/api/src/config.ts";
import { openPglite } from "../apps/api/src/db/client.ts";
import { browserFor, type InProcessBackend, type Product, screenshot, signUp, startProduct, uniqueEmail } from "./harness.ts";

let product: Product;
let built: ReturnType<typeof createApp>;

const inProcessBackend: InProcessBackend = async (env) => {
  const config = loadConfig(env);
  const logger = pino({ level: "silent" });
  const database = openPglite(new PGlite());
  built = createApp({ config, database, logger, model: new OfflineLanguageModel() });
  await prepareDatabase(database, built.auth, logger);
  const server = serve({ fetch: built.app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once("listening", () => resolve())));
  return {
    async stop() {
      await built.notificationHub.close();
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      await database.close();
    },
  };
};

before(async () => {
  product = await startProduct({ inProcessBackend });
});
after(() => product?.stop());

/** Signs a new person up and returns who they are and a task of theirs, made through the web proxy. */
async function personWithTask(page: Page, name: string, title: string) {
  await signUp(page, product.webUrl, { name, email: uniqueEmail(name.toLowerCase()) });
  return page.evaluate(async (title) => {
    const session = await (await fetch("/api/auth/get-session")).json();
    const res = await fetch("/api/tasks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title }) });
    const task = await res.json();
    return { userId: session.user.id as string, taskId: task.id as string };
  }, title);
}

async function streamsOpen(n: number) {
  for (let i = 0; i < 600 && built.notificationHub.size < n; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(built.notificationHub.size >= n, `${n} notification stream(s) open`);
}

test("a reminder while the page is open: a toast and the bell's count; clicking it opens the task; another person's page gets nothing", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  const rhea = await personWithTask(page, "Rhea", "Call mom");
  await page.getByTestId("notification-bell").waitFor();
  assert.equal(await page.getByTestId("notification-count").count(), 0);

  // Another person, signed in in a browser of their own.
  const browser2 = await browserFor(t);
  const page2 = await browser2.context.newPage();
  const sam = await personWithTask(page2, "Sam", "Sam's errand");
  await page2.getByTestId("notification-bell").waitFor();
  await streamsOpen(2);

  await built.notifier.notify(rhea.userId, {
    reminderId: "e2e-1",
    taskId: rhea.taskId,
    title: "Call mom",
    body: "Sunday at 6",
    dueAt: null,
    late: false,
    fireAt: new Date().toISOString(),
  });
  const toast = page.locator("[data-sonner-toast]", { hasText: "Call mom" });
  await toast.waitFor();
  assert.match((await toast.textContent()) ?? "", /Sunday at 6/);
  await page.getByTestId("notification-count").waitFor();
  assert.equal(await page.getByTestId("notification-count").textContent(), "1");
  await screenshot(page, "notification-toast");

  // Sam's own reminder, announced after Rhea's: the only one his page ever shows.
  await built.notifier.notify(sam.userId, {
    reminderId: "e2e-2",
    taskId: sam.taskId,
    title: "Sam's errand",
    body: "Today",
    dueAt: null,
    late: false,
    fireAt: new Date().toISOString(),
  });
  await page2.locator("[data-sonner-toast]", { hasText: "Sam's errand" }).waitFor();
  assert.equal(await page2.locator("[data-sonner-toast]", { hasText: "Call mom" }).count(), 0);
  assert.equal(await page2.getByTestId("notification-count").textContent(), "1");

  await page.getByTestId("notification-bell").click();
  const item = page.getByTestId("notification-item").filter({ hasText: "Call mom" });
  await item.waitFor();
  await screenshot(page, "notification-centre");
  await item.getByRole("button", { name: /^Call mom/ }).click();
  await page.waitForURL((url) => url.pathname === "/tasks" && url.searchParams.get("task") === rhea.taskId);
  await page.locator(`#task-${rhea.taskId}[data-focused="true"]`).waitFor();
  await page.getByTestId("notification-count").waitFor({ state: "detached" });
  const list = await page.evaluate(async () => (await fetch("/api/notifications")).json());
  assert.equal(list.unread, 0, "opening it marked it read");
});
