/**
 * The words people read (issue 19, item 10): one date style ("7 Dec") on the tasks page, the chat's
 * tool cards and the offline assistant's replies; validation written for people; a message in
 * another language answered as such; and dark mode's overdue badge readable (WCAG AA 4.5:1).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ask, browserFor, signUp, startProduct, uniqueEmail, type Product } from "./harness.ts";

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

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "20 Dec", or "9 Jan 2027" in another year: the style the issue asks for, written out independently. */
function dayMonth(iso: string): string {
  const [year, month, date] = iso.split("-").map(Number) as [number, number, number];
  return `${date} ${MONTHS[month - 1]}${year === new Date().getUTCFullYear() ? "" : ` ${year}`}`;
}

async function post(page: Page, path: string, body: unknown) {
  return page.evaluate(
    async ([path, body]) => {
      const res = await fetch(path as string, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    [path, body] as const,
  );
}

test("one date style on the tasks page, the tool cards and the assistant's replies; people's words for mistakes", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Words Tester", email: uniqueEmail("words") });
  const due = day(20);
  const want = dayMonth(due);

  const reply = await ask(page, "add pay rent in 20 days");
  const card = reply.getByTestId("tool-card");
  await card.waitFor();
  assert.match(await card.innerText(), new RegExp(`due ${want}$`, "m"), "the tool card");
  assert.match(await reply.getByTestId("assistant-text").innerText(), new RegExp(`due ${want}\\)`), "the assistant's reply");
  const list = await ask(page, "show my tasks");
  assert.match(await list.getByTestId("tool-card").innerText(), new RegExp(`#1 Pay rent · due ${want}$`, "m"), "a list card");

  await page.getByRole("link", { name: "Tasks" }).click();
  const badge = page.getByTestId("task-item").filter({ hasText: "Pay rent" }).getByTestId("task-due");
  await badge.waitFor();
  assert.equal(await badge.getAttribute("title"), due);
  assert.equal((await badge.innerText()).trim(), `due ${want}`, "the tasks page");

  // A mistake is told as a person would say it, with no schema's or protocol's wording.
  const empty = await post(page, "/api/tasks", { title: "  " });
  assert.equal(empty.status, 400);
  assert.equal(empty.body.error.message, "Give the task a title");
  assert.equal(empty.body.error.field, "title");
  await page.close();
});

test("a message in another language is answered in English, saying a configured model speaks more", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Polyglot", email: uniqueEmail("lang") });
  for (const message of ["ajoute du lait demain", "añade leche"]) {
    const reply = await ask(page, message);
    const text = await reply.getByTestId("assistant-text").innerText();
    assert.match(text, /only understand English/, message);
    assert.match(text, /language model configured/, message);
    assert.equal(await reply.getByTestId("tool-card").count(), 0, `${message}: nothing was done`);
  }
  await page.close();
});

/** WCAG's relative luminance of an sRGB colour (0–255 channels). */
function luminance(rgb: number[]): number {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * WCAG's contrast ratio of an element's text on its background, from the colours the browser computed:
 * a canvas paints the page's background, the element's over it, then the text colour over that, and
 * reads back sRGB, so any CSS colour syntax (Tailwind's oklch) and any transparency count as painted.
 * (No helper functions inside the page function: tsx's __name wrappers do not exist in the page.)
 */
async function contrastOf(page: Page, testId: string): Promise<number> {
  const [background, text] = await page
    .getByTestId(testId)
    .first()
    .evaluate((el) => {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 1;
      const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
      const style = getComputedStyle(el);
      ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
      ctx.fillRect(0, 0, 1, 1);
      ctx.fillStyle = style.backgroundColor;
      ctx.fillRect(0, 0, 1, 1);
      const under = [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
      ctx.fillStyle = style.color;
      ctx.fillRect(0, 0, 1, 1);
      return [under, [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)]];
    });
  const [hi, lo] = [luminance(text!), luminance(background!)].sort((a, b) => b - a) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

test("the overdue badge reaches 4.5:1 contrast in dark mode (and in light)", async (t) => {
  const browser = await browserFor(t);
  const page = await browser.context.newPage();
  await signUp(page, product.webUrl, { name: "Night Owl", email: uniqueEmail("dark") });
  assert.equal((await post(page, "/api/tasks", { title: "File taxes", dueDate: day(-2) })).status, 201);
  await page.goto(`${product.webUrl}/tasks`);
  const badge = page.getByTestId("task-due");
  await badge.waitFor();
  assert.match(await badge.innerText(), /overdue/);
  for (const colorScheme of ["dark", "light"] as const) {
    await page.emulateMedia({ colorScheme });
    assert.equal(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches), colorScheme === "dark");
    const ratio = await contrastOf(page, "task-due");
    t.diagnostic(`${colorScheme}: overdue badge ${ratio.toFixed(2)}:1`);
    assert.ok(ratio >= 4.5, `${colorScheme}: the overdue badge's contrast is ${ratio.toFixed(2)}:1`);
  }
  await page.close();
});
