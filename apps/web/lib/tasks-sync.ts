/**
 * Keeps the tasks page in step with the assistant: whoever changes tasks (a chat tool call, another
 * tab) announces it on a BroadcastChannel; the tasks page listens, and also refetches when it
 * regains focus. No polling, no manual reload.
 */
const CHANNEL = "todo-tasks";

export function announceTasksChanged() {
  if (typeof BroadcastChannel === "undefined") return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage({ type: "tasks-changed", at: Date.now() });
  channel.close();
}

export function onTasksChanged(listener: () => void): () => void {
  if (typeof BroadcastChannel === "undefined") return () => {};
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = () => listener();
  return () => channel.close();
}
