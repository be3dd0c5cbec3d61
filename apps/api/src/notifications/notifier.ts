/**
 * createNotifier: the reminders engine's way to tell a person (the Notifier boundary). Each call
 * stores the notification (the bell's list and what a resumed stream replays) and announces it
 * in the same transaction, so every replica's open streams of that person get it; then it goes by
 * Web Push to each of their subscribed browsers. Once the row is stored the notification counts
 * as delivered: a push service failing is logged, never thrown (a retry would notify twice).
 */
import type { Logger } from "../logger.ts";
import type { Notifier } from "../reminders/notifier.ts";
import type { NotificationsRepository } from "./notifications.repository.ts";
import type { PushSender } from "./notifications.push.ts";

export interface NotifierDeps {
  repository: NotificationsRepository;
  /** Web Push, or undefined when this server has no VAPID keys. */
  push: PushSender | undefined;
  logger: Logger;
}

export function createNotifier({ repository, push, logger }: NotifierDeps): Notifier {
  return {
    async notify(userId, n) {
      const stored = await repository.insert({
        userId,
        taskId: n.taskId,
        reminderId: n.reminderId,
        title: n.title,
        body: n.body,
        dueAt: n.dueAt,
        fireAt: n.fireAt,
        late: n.late,
      });
      // Told before: the scheduler re-delivers a firing whose replica died before marking it fired.
      if (!stored || !push) return;
      try {
        const result = await push.send(userId, stored);
        if (result.removed || result.failed) logger.info({ notificationId: stored.id, ...result }, "web push delivered in part");
      } catch (err) {
        logger.warn({ err: { type: (err as Error)?.name }, notificationId: stored.id }, "web push failed");
      }
    },
  };
}
