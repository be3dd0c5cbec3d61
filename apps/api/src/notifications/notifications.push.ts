/**
 * Web Push: a notification to each of the person's subscribed browsers, so a reminder reaches
 * someone whose tab is closed. `web-push` encrypts the payload (RFC 8291, aes128gcm) and signs the
 * VAPID header; the request goes out with fetch. A push service answering 404 or 410 says the
 * subscription is gone for good: it is forgotten. Other failures are logged (never the endpoint's
 * secret path) and the rest are still tried.
 */
import type { Notification, PushPayload } from "@todo/contracts";
import webpush from "web-push";
import type { PushConfig } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { NotificationsRepository } from "./notifications.repository.ts";

/** A push service that does not answer within this long is given up on for this notification. */
const PUSH_TIMEOUT_MS = 10_000;
/** How long a push service keeps a message for a browser that is offline: a reminder a day late is still useful. */
const PUSH_TTL_SECONDS = 24 * 60 * 60;

/** Where the web app shows a task (what clicking a notification opens). */
export const taskPath = (taskId: string) => `/tasks?task=${encodeURIComponent(taskId)}`;

/** What a push carries: the notification and the page clicking it opens (the service worker reads it). */
export const pushPayloadOf = (notification: Notification): PushPayload => ({ type: "notification", notification, url: taskPath(notification.taskId) });

export interface PushResult {
  sent: number;
  removed: number;
  failed: number;
}

export class PushSender {
  constructor(
    private readonly config: PushConfig,
    private readonly repository: NotificationsRepository,
    private readonly logger: Logger,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async send(userId: string, notification: Notification): Promise<PushResult> {
    const subscriptions = await this.repository.subscriptions(userId);
    const body = JSON.stringify(pushPayloadOf(notification));
    const gone: string[] = [];
    let sent = 0;
    let failed = 0;
    await Promise.all(
      subscriptions.map(async (s) => {
        try {
          const request = webpush.generateRequestDetails({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, body, {
            vapidDetails: { subject: this.config.subject, publicKey: this.config.publicKey, privateKey: this.config.privateKey },
            TTL: PUSH_TTL_SECONDS,
            urgency: "high",
            contentEncoding: "aes128gcm",
          });
          const res = await this.fetchImpl(request.endpoint, {
            method: request.method,
            headers: request.headers as Record<string, string>,
            body: request.body ? new Uint8Array(request.body) : null,
            signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
          });
          await res.body?.cancel();
          if (res.status === 404 || res.status === 410) gone.push(s.id);
          else if (res.ok) sent++;
          else {
            failed++;
            this.logger.warn({ status: res.status, pushService: new URL(s.endpoint).host }, "a push service refused a notification");
          }
        } catch (err) {
          failed++;
          this.logger.warn({ err: { type: (err as Error)?.name }, pushService: new URL(s.endpoint).host }, "a push service did not answer");
        }
      }),
    );
    await this.repository.deleteSubscriptionsById(gone);
    return { sent, removed: gone.length, failed };
  }
}
