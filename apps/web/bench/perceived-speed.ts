/**
 * Perceived speed, measured inside the page (printed by bench.ts, never asserted): how long a person
 * waits between their action and what they see answer it.
 *
 * Each figure runs from the action's input event to a change on screen, both read by a probe in the
 * page (PROBE below, installed as an init script), so none of Playwright's own round trips are in it:
 *   - start: the `timeStamp` of the trusted input event (the click, or the Enter keydown) as the page
 *     received it, caught by a capturing listener on window before any of the app's handlers run;
 *   - shown: a MutationObserver sees the DOM state that answers the action (a row marked done, a new
 *     row, a row gone, the editor's form, the reply's first element), and the figure is taken at the
 *     start of the next animation frame, the frame that paints it;
 *   - confirmed: for a change sent to the server, the Resource Timing entry of its request
 *     (`responseEnd` of the PATCH or DELETE to /api/tasks/<id> started after the event). Under load
 *     the frame after an optimistic change can start after the response has come, so the bench also
 *     counts the runs whose DOM changed before the response ended (the optimistic update at work).
 *
 * The figures (median and p90 over RUNS):
 *   (a) chat reply start: Enter on a message → the assistant's reply element (its first text or
 *       tool card) on screen, offline assistant, for a list question and an add;
 *   (b) task actions on the tasks page: checkbox → row shows done (optimistic) and → the PATCH's
 *       response; quick add (Enter) → the new row on screen; Delete task (the confirm button) → row
 *       gone (optimistic) and → the DELETE's response;
 *   (c) a task's editor: a click on its title → the edit form on screen.
 */
import { PRIORITIES } from "@todo/contracts/constants";
import type { BrowserContext, Page } from "playwright-core";
import { signUp, uniqueEmail } from "../../../e2e/harness.ts";

/** What answers an action: at least `atLeast` elements (default 1) match, or none do (`gone`). */
type Until = { selector: string; text?: string; atLeast?: number; gone?: boolean };
type Arm = { event: "click" | "keydown"; key?: string; until: Until; request?: string };
type Sample = { changed: number; shown: number; confirmed: number | null };

/**
 * Plain JavaScript in a string: functions written in this file would be compiled by tsx with a
 * naming helper the page lacks. window.__perf.arm(...) waits for the next trusted input event of the
 * kind given; window.__perf.result() resolves with the figures once the answer is on screen (and the
 * request, if one is named, has its timing entry).
 */
const PROBE = `
(() => {
  let armed = null;
  let settle = null;
  const matches = (u) => {
    const els = Array.from(document.querySelectorAll(u.selector)).filter((el) => !u.text || (el.textContent || "").includes(u.text));
    return u.gone ? els.length === 0 : els.length >= (u.atLeast || 1);
  };
  const finish = () => {
    const a = armed;
    if (!a || a.frame == null || (a.request && a.confirmed == null)) return;
    armed = null;
    settle({ changed: a.shown - a.start, shown: a.frame - a.start, confirmed: a.request ? a.confirmed - a.start : null });
  };
  const check = () => {
    const a = armed;
    if (!a || a.start == null || a.shown != null || !matches(a.until)) return;
    a.shown = performance.now();
    requestAnimationFrame(() => {
      a.frame = performance.now();
      finish();
    });
  };
  for (const type of ["click", "keydown"]) {
    window.addEventListener(type, (e) => {
      const a = armed;
      if (!a || a.start != null || !e.isTrusted || e.type !== a.event || (a.key && e.key !== a.key)) return;
      a.start = e.timeStamp;
      queueMicrotask(check);
    }, true);
  }
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  new PerformanceObserver((list) => {
    const a = armed;
    if (!a || !a.request || a.start == null) return;
    for (const entry of list.getEntries()) {
      if (entry.startTime >= a.start && new RegExp(a.request).test(new URL(entry.name).pathname)) {
        a.confirmed = entry.responseEnd;
        finish();
      }
    }
  }).observe({ type: "resource" });
  window.__perf = {
    arm(options) {
      armed = { ...options, start: null, shown: null, frame: null, confirmed: null };
      window.__perfResult = new Promise((resolve) => { settle = resolve; });
    },
    result() {
      return Promise.race([window.__perfResult, new Promise((_, reject) => setTimeout(() => reject(new Error("no answer on screen within 30 s")), 30000))]);
    },
  };
})();
`;

type PerfWindow = { __perf: { arm: (options: Arm) => void; result: () => Promise<Sample> } };

/** Arms the probe, does the action, and returns what the page measured. */
async function measure(page: Page, arm: Arm, act: () => Promise<void>): Promise<Sample> {
  await page.evaluate((options) => (window as unknown as PerfWindow).__perf.arm(options), arm);
  await act();
  return page.evaluate(() => (window as unknown as PerfWindow).__perf.result());
}

/** A task's row, found by its title (the title is a button named by it). */
const rowTitled = (page: Page, title: string) => page.getByTestId("task-item").filter({ has: page.getByRole("button", { name: title, exact: true }) });

/** Lets the refetch and toasts an action set off settle, so one action's work does not land in the next one's figure. */
const settle = (page: Page) => page.waitForTimeout(400);

export type PerceivedFigures = {
  /** Milliseconds per run, by action. */
  times: Record<string, number[]>;
  /** For the optimistic actions: in how many runs the DOM changed before the server's response ended. */
  aheadOfServer: Record<string, number>;
};

/**
 * `runs` rounds of every action, for a new person (signed up in `context`, whose cookies it replaces)
 * with 40 tasks: open ones titled "Perf task N" (some due, some not, mixed priorities), and a few done.
 */
export async function measurePerceivedSpeed(context: BrowserContext, webUrl: string, runs: number): Promise<PerceivedFigures> {
  await context.addInitScript(PROBE);
  await context.clearCookies();
  const setup = await context.newPage();
  await signUp(setup, webUrl, { name: "Perf", email: uniqueEmail("perf") });
  await setup.evaluate(
    async ({ count, priorities }) => {
      const today = new Date();
      for (let i = 1; i <= count; i++) {
        const due = new Date(today);
        due.setDate(today.getDate() + ((i % 9) - 2));
        const body = {
          title: i <= count - 5 ? `Perf task ${i}` : `Perf done ${i}`,
          priority: priorities[i % priorities.length],
          tags: i % 3 === 0 ? ["home"] : i % 3 === 1 ? ["work"] : [],
          ...(i % 4 === 0 ? {} : { dueDate: due.toLocaleDateString("en-CA") }),
        };
        const res = await fetch("/api/tasks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        const task = (await res.json()) as { id: string };
        if (i > count - 5) {
          await fetch(`/api/tasks/${task.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ completed: true }) });
        }
      }
    },
    { count: Math.max(40, runs + 5), priorities: [...PRIORITIES] },
  );
  await setup.close();
  const figures: PerceivedFigures = { times: {}, aheadOfServer: {} };
  const add = (name: string, ms: number | null) => {
    if (ms !== null) (figures.times[name] ??= []).push(ms);
  };
  const ahead = (name: string, sample: Sample) => {
    figures.aheadOfServer[name] = (figures.aheadOfServer[name] ?? 0) + (sample.confirmed !== null && sample.changed < sample.confirmed ? 1 : 0);
  };
  const TASK_ID = "^/api/tasks/[0-9a-f-]{36}$";

  const page = await context.newPage();
  await page.goto(`${webUrl}/tasks`);
  await page.getByTestId("task-item").first().waitFor();
  const box = page.getByRole("form", { name: "Add a task" }).getByLabel("New task title");
  for (let i = 1; i <= runs; i++) {
    // Quick add: Enter → the new row.
    const title = `Perf add ${i}`;
    // Typed, then a pause: the add box has read the line (its chips) before Enter, as when a person types.
    const parsed = page.waitForResponse((res) => new URL(res.url()).pathname === "/api/tasks/parse");
    await box.fill(title);
    await parsed;
    const added = await measure(page, { event: "keydown", key: "Enter", until: { selector: '[data-testid="task-title"]', text: title } }, () =>
      box.press("Enter"),
    );
    add("quick add → row on screen", added.shown);
    await settle(page);

    // The editor: a click on a title → the edit form; Escape closes it again.
    const seeded = rowTitled(page, `Perf task ${i}`);
    const opened = await measure(page, { event: "click", until: { selector: 'form[aria-label^="Edit task"]' } }, () =>
      seeded.getByTestId("task-title").click(),
    );
    add("open a task's editor", opened.shown);
    await page.keyboard.press("Escape");
    await page.locator('form[aria-label^="Edit task"]').waitFor({ state: "detached" });
    await settle(page);

    // Complete with the checkbox: optimistic, then the PATCH's answer.
    const row = rowTitled(page, title);
    const number = await row.getAttribute("data-task-number");
    const done = await measure(
      page,
      { event: "click", until: { selector: `[data-task-row][data-task-number="${number}"][data-completed="true"]` }, request: TASK_ID },
      () => row.getByRole("checkbox").click(),
    );
    add("checkbox → row shows done", done.shown);
    add("checkbox → server confirmed", done.confirmed);
    ahead("checkbox", done);
    await settle(page);

    // Delete (the confirm button of the dialog): the row goes at once, then the DELETE's answer.
    const victim = rowTitled(page, `Perf task ${i}`);
    const victimNumber = await victim.getAttribute("data-task-number");
    await victim.getByRole("button", { name: `Delete: Perf task ${i}` }).click();
    const dialog = page.getByRole("alertdialog");
    const gone = await measure(
      page,
      { event: "click", until: { selector: `[data-task-row][data-task-number="${victimNumber}"]`, gone: true }, request: TASK_ID },
      () => dialog.getByRole("button", { name: "Delete task" }).click(),
    );
    add("delete → row gone", gone.shown);
    add("delete → server confirmed", gone.confirmed);
    ahead("delete", gone);
    await settle(page);
  }
  await page.close();

  // The chat: Enter → the first of the reply on screen (offline assistant), in one conversation.
  const chat = await context.newPage();
  await chat.goto(`${webUrl}/chat`);
  const input = chat.getByLabel("Message the assistant");
  for (let i = 1; i <= runs; i++) {
    for (const [name, text] of [
      ["chat reply start: a list question", "what's due this week?"],
      ["chat reply start: an add", `add perf chat ${i} tomorrow`],
    ] as const) {
      const before = await chat.locator('[data-role="assistant"]').count();
      await input.fill(text);
      const reply = await measure(chat, { event: "keydown", key: "Enter", until: { selector: '[data-role="assistant"]', atLeast: before + 1 } }, () =>
        input.press("Enter"),
      );
      add(name, reply.shown);
      // The send button comes back when the reply has ended.
      await chat.getByRole("button", { name: "Send message" }).waitFor();
      await settle(chat);
    }
  }
  await chat.close();
  return figures;
}
