/**
 * The boundary between the reminders engine (it decides when a reminder fires) and delivery (it
 * tells the person): the engine calls notify() once per firing. The implementation is
 * createNotifier in ../notifications/notifier.ts.
 */
export interface Notifier {
  notify(userId: string, n: { reminderId: string; taskId: string; title: string; body: string; dueAt: string | null; late: boolean }): Promise<void>;
}
