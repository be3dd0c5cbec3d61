/**
 * The browser's side of notifications: the bell's REST calls, the event stream's URL, where a
 * notification leads (its task), and Web Push: the service worker and this browser's subscription.
 */
import type { Notification, NotificationList, PushConfig } from "@todo/contracts";
import { apiFetch } from "./api.client";

export const NOTIFICATION_STREAM_URL = "/api/notifications/stream";
export const SERVICE_WORKER_URL = "/sw.js";

/** The page a notification opens: its task. */
export const taskHref = (n: Pick<Notification, "taskId">) => `/tasks?task=${encodeURIComponent(n.taskId)}`;

export const notificationsApi = {
  list: () => apiFetch<NotificationList>("/notifications"),
  read: (id: string) => apiFetch<Notification>(`/notifications/${id}/read`, { method: "POST", json: {} }),
  dismiss: (id: string) => apiFetch<Notification>(`/notifications/${id}/dismiss`, { method: "POST", json: {} }),
  snooze: (id: string, minutes: number) => apiFetch<Notification>(`/notifications/${id}/snooze`, { method: "POST", json: { minutes } }),
  pushConfig: () => apiFetch<PushConfig>("/push/config"),
};

/** Whether this browser can show system notifications at all. */
export const canNotify = () => typeof window !== "undefined" && "Notification" in window;

/** A system notification (tagged with its id, so the service worker's copy of the same push replaces it). */
export function showSystemNotification(n: Notification, onClick: () => void): void {
  if (!canNotify() || window.Notification.permission !== "granted") return;
  const shown = new window.Notification(n.title, { body: n.body, tag: n.id });
  shown.onclick = () => {
    window.focus();
    onClick();
    shown.close();
  };
}

function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/**
 * Asks (on a click: browsers only ask then) to show notifications, and when the server sends Web
 * Push, registers the service worker and this browser's subscription so reminders arrive with the
 * tab closed. Returns the permission the person gave.
 */
export async function enableNotifications(): Promise<NotificationPermission> {
  if (!canNotify()) return "denied";
  const permission = await window.Notification.requestPermission();
  if (permission !== "granted" || !("serviceWorker" in navigator) || !("PushManager" in window)) return permission;
  const config = await notificationsApi.pushConfig();
  if (!config.enabled || !config.publicKey) return permission;
  const registration = await navigator.serviceWorker.register(SERVICE_WORKER_URL);
  await navigator.serviceWorker.ready;
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey(config.publicKey) }));
  await apiFetch<void>("/push/subscriptions", { method: "POST", json: subscription.toJSON() });
  return permission;
}

/** On sign-out: this browser stops getting this person's reminders. */
export async function disablePush(): Promise<void> {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration(SERVICE_WORKER_URL);
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription) return;
  await apiFetch<void>("/push/subscriptions", { method: "DELETE", json: { endpoint: subscription.endpoint } }).catch(() => undefined);
  await subscription.unsubscribe().catch(() => undefined);
}
