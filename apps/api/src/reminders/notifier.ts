/**
 * The delivery interface the scheduler calls when a reminder fires. The notification centre (SSE,
 * the bell, Web Push) implements it; the default only logs at debug.
 *
 * Delivery is at-least-once with a key: the scheduler calls `notify` after it has claimed the
 * reminder and marks it fired (with the rest of its batch) once `notify` resolved. If the replica
 * dies in between, another replica calls `notify` again for the same firing after the claim runs
 * out, so an implementation that stores notifications makes (`reminderId`, `fireAt`) unique.
 */
import type { Logger } from "../logger.ts";

export interface ReminderNotification {
  reminderId: string;
  taskId: string;
  /** The task's title. */
  title: string;
  /** One line for the notification's body ("Due 6 Dec, 09:00"). */
  body: string;
  /** The task's due instant (ISO), or null when it has none. */
  dueAt: string | null;
  /** When this firing was planned (ISO): with `reminderId`, what makes a firing unique. */
  fireAt: string;
  /** It fires well after its time (every replica was down then). */
  late: boolean;
}

export interface Notifier {
  notify(userId: string, notification: ReminderNotification): Promise<void>;
}

/** Inserts nothing, tells nobody: logs at debug (the delivery side replaces it). */
export function createLogNotifier(logger: Logger): Notifier {
  return {
    async notify(userId, notification) {
      logger.debug({ userId, reminderId: notification.reminderId, taskId: notification.taskId, late: notification.late }, "reminder fired");
    },
  };
}
