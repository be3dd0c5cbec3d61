/**
 * The person's side of notifications: their list, marking one read, dismissing and snoozing it,
 * and their browsers' Web Push subscriptions. Every call takes the acting person's id; another
 * person's notification answers not found.
 */
import type { Notification, NotificationList, PushConfig, PushSubscriptionInput } from "@todo/contracts";
import type { PushConfig as ServerPushConfig } from "../config.ts";
import { DomainError, notFound } from "../domain-error.ts";
import type { NotificationsRepository } from "./notifications.repository.ts";

/**
 * What snoozing also asks of the reminders engine (fire the reminder again at `until`); the lead
 * wires the engine's reminders.snooze here. Without one, the snooze is only recorded.
 */
export type SnoozeHook = (userId: string, notification: Notification, until: Date) => Promise<void>;

export class NotificationService {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly push: ServerPushConfig | undefined,
    private readonly clock: () => Date = () => new Date(),
    private readonly onSnooze?: SnoozeHook,
  ) {}

  list(userId: string): Promise<NotificationList> {
    return this.repository.list(userId);
  }

  async markRead(userId: string, id: string): Promise<Notification> {
    const current = await this.own(userId, id);
    if (current.readAt) return current;
    return (await this.repository.update(userId, id, { readAt: this.clock() })) ?? this.gone();
  }

  async dismiss(userId: string, id: string): Promise<Notification> {
    const current = await this.own(userId, id);
    if (current.dismissedAt) return current;
    const now = this.clock();
    return (await this.repository.update(userId, id, { dismissedAt: now, readAt: current.readAt ? new Date(current.readAt) : now })) ?? this.gone();
  }

  /** Snoozes it for `minutes`: read now, back when the reminders engine fires it again. */
  async snooze(userId: string, id: string, minutes: number): Promise<Notification> {
    const current = await this.own(userId, id);
    if (current.dismissedAt) throw new DomainError("unprocessable", "this notification was dismissed; it cannot be snoozed");
    const now = this.clock();
    const until = new Date(now.getTime() + minutes * 60_000);
    const updated = (await this.repository.update(userId, id, { snoozedUntil: until, readAt: current.readAt ? new Date(current.readAt) : now })) ?? this.gone();
    await this.onSnooze?.(userId, updated, until);
    return updated;
  }

  pushConfig(): PushConfig {
    return { enabled: this.push !== undefined, publicKey: this.push?.publicKey ?? null };
  }

  async subscribe(userId: string, subscription: PushSubscriptionInput): Promise<void> {
    if (!this.push) throw new DomainError("unprocessable", "Web Push is off on this server (it has no VAPID key)");
    await this.repository.saveSubscription(userId, { endpoint: subscription.endpoint, p256dh: subscription.keys.p256dh, auth: subscription.keys.auth });
  }

  async unsubscribe(userId: string, endpoint: string): Promise<void> {
    if (!(await this.repository.deleteSubscription(userId, endpoint))) throw notFound("push subscription");
  }

  private async own(userId: string, id: string): Promise<Notification> {
    return (await this.repository.get(userId, id)) ?? this.gone();
  }

  private gone(): never {
    throw notFound("notification");
  }
}
