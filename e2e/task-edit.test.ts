/**
 * The task editor in a real browser (issue 16): a due time, a custom repeat built in the form and
 * shown in words, reminders listed, added and removed (kept across a reload, a bell on the row), stop
 * repeating, and a save that sends only what changed. Then a reminder added in the form really fires:
 * the backend runs in this process on a clock the test moves forward (no waiting for the due time),
 * its scheduler polls often, and the reminder arrives as a toast and in the bell. axe finds nothing
 * with the editor open, on a desktop and on a phone.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AxeBuilder } from "@axe-core/playwright";
import { PGlite } from "@electric-sql/pglite";
import { serve } from "@hono/node-server";
import type { Page } from "playwright-core";
import { pino } from "pino";
import { createApp } from "../apps/api/src/app.ts";
import { prepareDatabase } from "../apps/api/src/bootstrap.ts";
import { OfflineLanguageModel } from "../apps/api/src/chat/offline/offline.model.ts";
import { loadConfig } from "../apps/api/src/config.ts";
import { openPglite } from "../apps/api/src/db/client.ts";
import { animationsSettled, browserFor, type InProcessBackend, type Product, screenshot, signUp, startProduct, uniqueEmail } from "./harness.ts";

let product: Product;
let built: ReturnType<typeof createApp>;
/** How far the backend's clock is ahead of the real one: moved forward to bring a reminder's time. */
let clockAhead = 0;

const inProcessBackend: InProcessBackend = async (env) => {
  const config = loadConfig(env);
  const logger = pino({ level: "silent" });
  const database = openPglite(new PGlite());
  built = createApp({ config, database, logger, model: new OfflineLanguageModel(), clock: () => new Date(Date.now() + clockAhead) });
  await prepareDatabase(database, built.auth, logger);
  const server = serve({ fetch: built.app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once("listening", () => resolve())));
  built.scheduler.start();
  return {
    async stop() {
      await built.scheduler.stop();
      await built.notificationHub.close();
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      await database.close();
    },
  };
};

before(async () => {
  product = await startProduct({ inProcessBackend, backendEnv: { REMINDERS_POLL_MS: "200" } });
});
after(() => product?.stop());

type TaskLite = { id: string; title: string; dueDate: string | null; dueTime: string | null; repeat: string | null; nextReminderAt: string | null };

async function addTask(page: Page, body: Record<string, unknown>): Promise<TaskLite> {
  return page.evaluate(async (body) => {
    const res = await fetch("/api/tasks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`add failed: ${res.status} ${await res.text()}`);
    return res.json();
  }, body);
}

const readTask = (page: Page, title: string) =>
  page.evaluate(async (title) => ((await (await fetch("/api/tasks?limit=100")).json()).tasks as TaskLite[]).find((t) => t.title === title)!, title);

/** The page's WCAG 2.1 A/AA violations, sonner's toasts left out (as in the other e2e files). */
async function audit(page: Page): Promise<string[]> {
  await animationsSettled(page);
  const { violations } = await new AxeBuilder({ page }).exclude("[data-sonner-toaster]").withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(" ")} — ${n.failureSummary?.replace(/\s+/g, " ")}`));
}

/** YYYY-MM-DD, `days` from today (UTC: the harness's browser and so the person's zone). */
function dayFromToday(days: number, weekday?: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  if (weekday !== undefined) while (d.getUTCDay() !== weekday) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The bodies of the task PATCHes the page sends from now on. */
function recordPatches(page: Page): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  page.on("request", (req) => {
    if (req.method() === "PATCH" && /\/api\/tasks\/[0-9a-f-]{36}$/.test(req.url())) bodies.push(JSON.parse(req.postData() ?? "{}"));
  });
  return bodies;
}

test("edit a task: a time, a custom repeat in words, reminders kept across a reload, stop repeating; a save sends only what changed", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Edda", email: uniqueEmail("edit") });
  const monday = dayFromToday(1, 1);
  const until = dayFromToday(60, 4);
  await addTask(page, { title: "Team sync", dueDate: monday, tags: ["work"] });
  await page.goto(`${product.webUrl}/tasks`);
  const row = page.getByTestId("task-item").filter({ hasText: "Team sync" });
  const patches = recordPatches(page);

  // A time and "every 2 weeks on Mon and Thu until <date>", built in the custom editor.
  await row.getByTestId("task-title").click();
  const form = page.getByRole("form", { name: "Edit task Team sync" });
  await form.getByLabel("Time", { exact: true }).fill("10:00");
  await form.getByLabel("Repeat").selectOption({ label: "Custom…" });
  const custom = form.getByTestId("repeat-custom");
  await custom.getByLabel("Every").fill("2");
  assert.equal(await custom.getByRole("button", { name: "Mon", exact: true }).getAttribute("aria-pressed"), "true", "the due date's weekday starts pressed");
  await custom.getByRole("button", { name: "Thu", exact: true }).click();
  assert.equal(await custom.getByRole("button", { name: "Thu", exact: true }).getAttribute("aria-pressed"), "true");
  await custom.getByRole("radio", { name: "On", exact: true }).check();
  await custom.getByLabel("Last date").fill(until);
  const words = form.getByTestId("repeat-words");
  await words.filter({ hasText: /every 2 weeks on Monday, Thursday until .* at 10:00/ }).waitFor();
  await form.getByRole("button", { name: "Save" }).click();
  await page.getByText("Task saved").first().waitFor();
  await row
    .getByTestId("task-repeat")
    .filter({ hasText: /every 2 weeks on Monday, Thursday until .* at 10:00/ })
    .waitFor();
  assert.match(await row.getByTestId("task-due").innerText(), /10:00/);
  let saved = await readTask(page, "Team sync");
  assert.equal(saved.dueTime, "10:00");
  assert.equal(saved.dueDate, monday);
  assert.equal(saved.repeat, `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=${until.replaceAll("-", "")}`);
  assert.deepEqual(Object.keys(patches[0] ?? {}).sort(), ["dueTime", "repeat"], "only the time and the rule were sent");

  // Reminders: "30 minutes before", listed in words; the row gets its bell; a time in the past is refused in words.
  await row.getByTestId("task-title").click();
  const reminders = form.getByTestId("task-reminders");
  await reminders.getByText("No reminders.").waitFor();
  await reminders.getByLabel("Remind me").selectOption({ label: "30 minutes before" });
  await reminders.getByRole("button", { name: "Add reminder" }).click();
  await reminders.getByTestId("reminder-item").filter({ hasText: "30 minutes before" }).waitFor();
  await reminders.getByLabel("Remind me").selectOption({ label: "At a date and time…" });
  await reminders.getByLabel("Reminder date").fill(dayFromToday(-1));
  await reminders.getByRole("button", { name: "Add reminder" }).click();
  await reminders.getByRole("alert").filter({ hasText: "That time has passed: pick a time in the future." }).waitFor();
  assert.equal(await reminders.getByTestId("reminder-item").count(), 1, "the refused one was not added");
  assert.deepEqual(await audit(page), [], "the editor open (with the custom repeat's task) has no WCAG 2.1 A/AA violations");
  await screenshot(page, "task-edit-desktop");
  await form.getByRole("button", { name: "Cancel" }).click();
  await row.getByTestId("task-reminder").waitFor();
  saved = await readTask(page, "Team sync");
  assert.equal(saved.nextReminderAt, new Date(`${monday}T09:30:00Z`).toISOString());

  // Kept across a reload; then removed, and the bell goes.
  await page.reload();
  await row.getByTestId("task-reminder").waitFor();
  await row.getByTestId("task-title").click();
  await reminders.getByTestId("reminder-item").filter({ hasText: "30 minutes before" }).waitFor();
  await form.getByTestId("repeat-custom").waitFor(); // a saved custom rule opens in its editor
  await reminders.getByRole("button", { name: "Remove reminder: 30 minutes before" }).click();
  await reminders.getByText("No reminders.").waitFor();

  // Stop repeating: the rule goes, the time stays, and only the rule is sent.
  patches.length = 0;
  await form.getByRole("button", { name: "Stop repeating" }).click();
  assert.equal(await form.getByLabel("Repeat").inputValue(), "");
  await form.getByRole("button", { name: "Save" }).click();
  await row.getByTestId("task-repeat").waitFor({ state: "detached" });
  await row.getByTestId("task-reminder").waitFor({ state: "detached" });
  assert.deepEqual(patches, [{ repeat: null }]);
  saved = await readTask(page, "Team sync");
  assert.equal(saved.repeat, null);
  assert.equal(saved.dueTime, "10:00");

  // Clearing the time keeps the date (all day).
  await row.getByTestId("task-title").click();
  await form.getByLabel("Time", { exact: true }).fill("");
  await form.getByRole("button", { name: "Save" }).click();
  await form.waitFor({ state: "detached" });
  await page.waitForFunction(async () => {
    const tasks = (await (await fetch("/api/tasks?limit=100")).json()).tasks as { title: string; dueTime: string | null }[];
    return tasks.find((x) => x.title === "Team sync")?.dueTime === null;
  });
  saved = await readTask(page, "Team sync");
  assert.equal(saved.dueDate, monday);
  assert.deepEqual(patches.at(-1), { dueTime: null });

  // Opening and saving without a change sends nothing.
  const before = patches.length;
  await row.getByTestId("task-title").click();
  await form.getByRole("button", { name: "Save" }).click();
  await form.waitFor({ state: "detached" });
  assert.equal(patches.length, before);
});

test("on a phone: the editor fits 390 px and passes axe; a reminder added in the form fires as a toast and in the bell", async (t) => {
  const browser = await browserFor(t, { viewport: { width: 390, height: 844 } });
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Pia", email: uniqueEmail("remind") });
  // Due in two hours (the person's zone is the browser's, UTC), a custom monthly rule to show.
  const due = new Date(Date.now() + 2 * 3_600_000);
  await addTask(page, {
    title: "Call the plumber",
    dueDate: due.toISOString().slice(0, 10),
    dueTime: due.toISOString().slice(11, 16),
    timeZone: "UTC",
    repeat: "FREQ=MONTHLY;BYDAY=-1FR",
  });
  await page.goto(`${product.webUrl}/tasks`);
  const row = page.getByTestId("task-item").filter({ hasText: "Call the plumber" });
  await row.getByTestId("task-title").click();
  const form = page.getByRole("form", { name: "Edit task Call the plumber" });
  const custom = form.getByTestId("repeat-custom");
  await custom.waitFor();
  assert.equal(await custom.getByRole("radio", { name: "On the" }).isChecked(), true, "the last Friday reads back into the editor");
  assert.equal(await custom.getByLabel("Which one in the month").inputValue(), "-1");

  const reminders = form.getByTestId("task-reminders");
  await reminders.getByLabel("Remind me").selectOption({ label: "30 minutes before" });
  await reminders.getByRole("button", { name: "Add reminder" }).click();
  await reminders.getByTestId("reminder-item").filter({ hasText: "30 minutes before" }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, "nothing in the editor is wider than the phone");
  assert.deepEqual(await audit(page), [], "the editor on a phone has no WCAG 2.1 A/AA violations");
  await screenshot(page, "task-edit-phone");
  await form.getByRole("button", { name: "Cancel" }).click();
  await row.getByTestId("task-reminder").waitFor();

  // The backend's clock moves to the reminder's time: its scheduler fires it, the page is told.
  await page.getByTestId("notification-bell").waitFor();
  for (let i = 0; i < 600 && built.notificationHub.size < 1; i++) await new Promise((r) => setTimeout(r, 50));
  const { nextReminderAt } = await readTask(page, "Call the plumber");
  assert.equal(nextReminderAt, new Date(due.getTime() - 30 * 60_000).toISOString().replace(/\d\d\.\d{3}Z$/, "00.000Z"));
  clockAhead = Date.parse(nextReminderAt!) - Date.now() + 1000;
  try {
    await page.locator("[data-sonner-toast]", { hasText: "Call the plumber" }).waitFor();
    await page.getByTestId("notification-count").filter({ hasText: "1" }).waitFor();
    await page.getByTestId("notification-bell").click();
    await page.getByTestId("notification-item").filter({ hasText: "Call the plumber" }).waitFor();
  } finally {
    clockAhead = 0;
  }
});
