/**
 * Notifications: what a reminder delivers to a person (the web app's bell, toasts, its server-sent
 * events channel and Web Push), as the API answers it and the web app reads it. Also the Web Push
 * subscription a browser registers.
 */
import { z } from "zod";
import { NOTIFICATION_LIMITS } from "./constants.ts";

export const NotificationSchema = z.object({
  id: z.string().describe("The notification's id"),
  taskId: z.string().describe("The task it is about: clicking it opens this task"),
  reminderId: z.string().describe("The reminder that fired it"),
  title: z.string().describe("One line, shown in bold"),
  body: z.string().describe("A sentence under the title"),
  dueAt: z.string().nullable().describe("When the task is due (ISO 8601), if it has a due time"),
  late: z.boolean().describe("True when the reminder fired later than planned (every server was down at its time)"),
  createdAt: z.string().describe("When it was delivered (ISO 8601)"),
  readAt: z.string().nullable().describe("When the person read it (ISO 8601); null while unread"),
  dismissedAt: z.string().nullable().describe("When the person dismissed it; dismissed ones leave the list"),
  snoozedUntil: z.string().nullable().describe("Until when the person snoozed it (ISO 8601), if they did"),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const NotificationListSchema = z.object({
  unread: z.number().int().describe("How many of the person's notifications are neither read nor dismissed"),
  notifications: z.array(NotificationSchema).describe(`The latest ones not dismissed, newest first (at most ${NOTIFICATION_LIMITS.listMax})`),
});
export type NotificationList = z.infer<typeof NotificationListSchema>;

export const SnoozeNotificationSchema = z
  .object({
    minutes: z
      .number({ error: "minutes must be a number" })
      .int("minutes must be a whole number")
      .min(1, "minutes must be at least 1")
      .max(NOTIFICATION_LIMITS.snoozeMaxMinutes, `minutes must be at most ${NOTIFICATION_LIMITS.snoozeMaxMinutes} (a week)`)
      .describe("How long to snooze, in minutes"),
  })
  .strict();
export type SnoozeNotification = z.infer<typeof SnoozeNotificationSchema>;

/** A key of `bytes` bytes in base64url (padding allowed), as PushSubscription.toJSON() gives it. */
const base64urlKey = (what: string, bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+=*$/, `${what} must be base64url`)
    .refine((v) => v.replace(/=+$/, "").length === Math.ceil((bytes * 4) / 3), `${what} must be ${bytes} bytes (base64url)`);

/** A browser's PushSubscription as its toJSON() gives it (expirationTime is accepted and ignored). */
export const PushSubscriptionSchema = z.object({
  endpoint: z
    .url({ protocol: /^https?$/, message: "endpoint must be an https URL of a push service" })
    .max(NOTIFICATION_LIMITS.endpointMax, `endpoint must be at most ${NOTIFICATION_LIMITS.endpointMax} characters`)
    // Push services speak https; plain http only to this machine (a push service run locally, tests).
    .refine(
      (url) => url.startsWith("https://") || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url),
      "endpoint must be an https URL of a push service",
    ),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: base64urlKey("keys.p256dh", 65), auth: base64urlKey("keys.auth", 16) }),
});
export type PushSubscriptionInput = z.infer<typeof PushSubscriptionSchema>;

export const PushUnsubscribeSchema = z.object({ endpoint: z.string().min(1, "endpoint is required").max(NOTIFICATION_LIMITS.endpointMax) });

export const PushConfigSchema = z.object({
  enabled: z.boolean().describe("Whether this server sends Web Push (it has VAPID keys)"),
  publicKey: z.string().nullable().describe("The VAPID public key (base64url) for PushManager.subscribe's applicationServerKey"),
});
export type PushConfig = z.infer<typeof PushConfigSchema>;

/** What a push message carries (the service worker shows it; clicking opens `url`). */
export const PushPayloadSchema = z.object({
  type: z.literal("notification"),
  notification: NotificationSchema,
  url: z.string(),
});
export type PushPayload = z.infer<typeof PushPayloadSchema>;
