/**
 * The real service worker (apps/web/public/sw.js) in Chromium, sent a push through the DevTools
 * protocol (ServiceWorker.deliverPushMessage, what DevTools' "Push" button does) with the payload
 * the backend's PushSender sends: it shows a notification with the task's title, tagged with the
 * notification's id, and its notificationclick handler opens the task's page. The push service's
 * encryption is tested in the API (notifications.push.test.ts): here the payload arrives as plain
 * text, as DevTools delivers it. The worker is served as the web app serves it (same file, same
 * path, from a loopback origin, a secure context) without the rest of the product.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import type { Notification } from "@todo/contracts";
import { pushPayloadOf } from "../apps/api/src/notifications/notifications.push.ts";
import { browserFor, repoRoot } from "./harness.ts";

const sw = readFileSync(join(repoRoot, "apps/web/public/sw.js"));
const PAGE = "<!doctype html><html lang=en><title>Todo Chatbot</title><main>Tasks</main>";

test("a push reaches the service worker: it shows the task's notification, and clicking it opens the task", async (t) => {
  const server = createServer((req, res) => {
    if (req.url === "/sw.js") res.writeHead(200, { "content-type": "text/javascript" }).end(sw);
    else res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const browser = await browserFor(t);
  await browser.context.grantPermissions(["notifications"], { origin });
  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
  await cdp.send("ServiceWorker.enable");

  await page.goto(`${origin}/tasks`);
  assert.equal(await page.evaluate(() => Notification.permission), "granted");
  await page.evaluate(async () => {
    await navigator.serviceWorker.register("/sw.js");
    await navigator.serviceWorker.ready;
  });
  const registration = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
  assert.ok(registration, "DevTools sees the worker's registration");

  const notification: Notification = {
    id: "6a0c3f3e-55b1-4a8e-9a53-0f1f4a7c2b10",
    taskId: "2d9a1c4e-8f7b-4e2a-b6c1-3e5f7a9b0c12",
    reminderId: "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
    title: "Call mom",
    body: "Due today at 18:00",
    dueAt: "2026-12-06T17:00:00.000Z",
    late: false,
    createdAt: "2026-12-06T16:30:00.000Z",
    readAt: null,
    dismissedAt: null,
    snoozedUntil: null,
  };
  const payload = pushPayloadOf(notification);
  const deliver = () => cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId: registration.registrationId, data: JSON.stringify(payload) });
  const shown = async () =>
    page.evaluate(async () =>
      (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })),
    );
  // DevTools drops a push that arrives while the worker is still starting (seen on a loaded machine):
  // it is sent again, as a push service would. The tag makes a second delivery replace the first.
  let list: Awaited<ReturnType<typeof shown>> = [];
  let deliveries = 0;
  for (let i = 0; i < 600 && list.length === 0; i++) {
    if (i % 100 === 0) {
      await deliver();
      deliveries++;
    }
    await new Promise((r) => setTimeout(r, 50));
    list = await shown();
  }
  t.diagnostic(`deliveries: ${deliveries}`);
  assert.deepEqual(list, [{ title: "Call mom", body: "Due today at 18:00", tag: notification.id, data: { url: payload.url } }]);
  assert.equal(payload.url, `/tasks?task=${notification.taskId}`);

  // A click, as the browser dispatches it. A script cannot make a trusted notificationclick (and
  // only a trusted one may focus or open a window), so the worker's window calls are watched
  // instead: with no tab of the app open, the handler opens the task's page.
  const [worker] = browser.context.serviceWorkers();
  assert.ok(worker, "Playwright reaches the worker");
  await page.close();
  // A string, not a function: the test's compiler would add helpers to a function the worker lacks.
  const opened = (await worker.evaluate(`(async () => {
    const [shown] = await self.registration.getNotifications();
    const urls = [];
    self.clients.matchAll = async () => [];
    self.clients.openWindow = async (url) => { urls.push(url); return null; };
    let waited = Promise.resolve();
    const event = Object.assign(new Event("notificationclick"), { notification: shown, waitUntil: (p) => { waited = p; } });
    self.dispatchEvent(event);
    await waited;
    return { urls, left: (await self.registration.getNotifications()).length };
  })()`)) as { urls: string[]; left: number };
  assert.deepEqual(opened.urls, [`${origin}/tasks?task=${notification.taskId}`]);
  assert.equal(opened.left, 0, "the clicked notification is closed");
});
