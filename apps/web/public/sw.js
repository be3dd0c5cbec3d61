/*
 * The service worker: shows a Web Push reminder when the tab is closed (or the browser is in the
 * background), and clicking it opens the task, in a tab of this app when one is open. The payload
 * is { type: "notification", notification, url } (the API's PushPayload). Tagged with the
 * notification's id, so a page that shows the same one itself replaces rather than doubles it.
 */
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let payload;
  try {
    payload = event.data ? event.data.json() : undefined;
  } catch {
    payload = undefined;
  }
  const n = payload && payload.type === "notification" ? payload.notification : undefined;
  const title = n ? n.title : "Reminder";
  const options = {
    body: n ? n.body : "",
    tag: n ? n.id : undefined,
    icon: "/icon.svg",
    data: { url: payload && typeof payload.url === "string" && payload.url.startsWith("/") ? payload.url : "/tasks" },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url ?? "/tasks", self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) {
        await open.focus();
        return open.navigate(url);
      }
      return self.clients.openWindow(url);
    })(),
  );
});
