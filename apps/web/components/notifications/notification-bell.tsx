"use client";
/**
 * The notification centre in the header: a bell with the unread count, the list (open a task,
 * snooze, dismiss), a toast when a reminder arrives over the event stream, and the browser's own
 * notification when the person allowed it and the tab is in the background.
 */
import { NOTIFICATION_EVENT, type Notification } from "@todo/contracts";
import { Bell, BellRing, Clock, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { canNotify, enableNotifications, NOTIFICATION_STREAM_URL, notificationsApi, showSystemNotification, taskHref } from "@/lib/notifications.client";

const SNOOZE_MINUTES = 10;

export function NotificationBell() {
  const router = useRouter();
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [permission, setPermission] = useState<NotificationPermission | "unsupported">("default");
  const panel = useRef<HTMLDivElement>(null);
  /** Ids already shown: a replayed or listed notification is not toasted twice. */
  const seen = useRef(new Set<string>());

  const reload = useCallback(async () => {
    try {
      const list = await notificationsApi.list();
      for (const n of list.notifications) seen.current.add(n.id);
      setItems(list.notifications);
      setUnread(list.unread);
    } catch {
      // The bell stays as it was; the stream or the next open tries again.
    }
  }, []);

  const openTask = useCallback(
    (n: Notification) => {
      setOpen(false);
      if (!n.readAt) {
        setItems((list) => list.map((x) => (x.id === n.id ? { ...x, readAt: new Date().toISOString() } : x)));
        setUnread((u) => Math.max(0, u - 1));
        void notificationsApi.read(n.id).catch(() => undefined);
      }
      router.push(taskHref(n));
    },
    [router],
  );

  useEffect(() => {
    setPermission(canNotify() ? window.Notification.permission : "unsupported");
    void reload();
    const source = new EventSource(NOTIFICATION_STREAM_URL);
    let reconnected = false;
    source.addEventListener("ready", () => {
      // After a drop, what the replay could not cover (read or dismissed elsewhere) comes from the list.
      if (reconnected) void reload();
      reconnected = true;
    });
    source.addEventListener(NOTIFICATION_EVENT, (event) => {
      const n = JSON.parse((event as MessageEvent<string>).data) as Notification;
      if (seen.current.has(n.id)) return;
      seen.current.add(n.id);
      setItems((list) => [n, ...list.filter((x) => x.id !== n.id)]);
      setUnread((u) => u + 1);
      toast(n.title, {
        id: n.id,
        description: n.body || undefined,
        action: { label: "Open", onClick: () => openTask(n) },
      });
      if (document.hidden) showSystemNotification(n, () => openTask(n));
    });
    return () => source.close();
  }, [reload, openTask]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    const onClick = (e: MouseEvent) => panel.current && !panel.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  async function act(n: Notification, what: "dismiss" | "snooze") {
    try {
      if (what === "dismiss") {
        await notificationsApi.dismiss(n.id);
        setItems((list) => list.filter((x) => x.id !== n.id));
      } else {
        const updated = await notificationsApi.snooze(n.id, SNOOZE_MINUTES);
        setItems((list) => list.map((x) => (x.id === n.id ? updated : x)));
        toast(`Snoozed for ${SNOOZE_MINUTES} minutes`);
      }
      if (!n.readAt) setUnread((u) => Math.max(0, u - 1));
    } catch (err) {
      toast.error(err instanceof Error ? err.message : "That did not work; try again.");
    }
  }

  async function turnOn() {
    try {
      setPermission(await enableNotifications());
    } catch (err) {
      toast.error(err instanceof Error ? err.message : "Could not turn on notifications.");
    }
  }

  return (
    <div className="relative" ref={panel}>
      <Button
        variant="ghost"
        size="icon-sm"
        className="relative"
        aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}
        aria-expanded={open}
        aria-haspopup="dialog"
        data-testid="notification-bell"
        onClick={() => setOpen((o) => !o)}
      >
        {unread ? <BellRing aria-hidden /> : <Bell aria-hidden />}
        {unread > 0 && (
          <span
            data-testid="notification-count"
            className="absolute -right-1 -top-1 min-w-4 rounded-full bg-destructive px-1 text-center text-[10px] font-semibold leading-4 text-white"
          >
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </Button>
      {open && (
        <div
          role="dialog"
          aria-label="Notifications"
          data-testid="notification-panel"
          className="absolute right-0 z-50 mt-2 w-80 max-w-[calc(100vw-1.5rem)] rounded-md border bg-background shadow-lg"
        >
          <div className="flex items-center justify-between border-b px-3 py-2 text-sm font-medium">
            <span>Reminders</span>
            {permission === "default" && (
              <Button variant="outline" size="sm" onClick={turnOn}>
                Turn on notifications
              </Button>
            )}
          </div>
          {items.length === 0 ? (
            <p className="px-3 py-6 text-center text-sm text-muted-foreground">No reminders yet.</p>
          ) : (
            <ul className="max-h-96 divide-y overflow-y-auto">
              {items.map((n) => (
                <li key={n.id} className={cn("flex items-start gap-2 px-3 py-2", !n.readAt && "bg-muted/40")} data-testid="notification-item">
                  <button type="button" className="min-w-0 flex-1 text-left" onClick={() => openTask(n)}>
                    <span className={cn("block truncate text-sm", !n.readAt && "font-semibold")}>{n.title}</span>
                    {n.body && <span className="block truncate text-xs text-muted-foreground">{n.body}</span>}
                    {n.snoozedUntil && new Date(n.snoozedUntil) > new Date() && (
                      <span className="block text-xs text-muted-foreground">
                        Snoozed until {new Date(n.snoozedUntil).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" })}
                      </span>
                    )}
                    {n.late && <span className="block text-xs text-muted-foreground">Late: the reminder could not be sent on time</span>}
                  </button>
                  <Button variant="ghost" size="icon-sm" aria-label={`Snooze ${n.title} for ${SNOOZE_MINUTES} minutes`} onClick={() => act(n, "snooze")}>
                    <Clock aria-hidden />
                  </Button>
                  <Button variant="ghost" size="icon-sm" aria-label={`Dismiss ${n.title}`} onClick={() => act(n, "dismiss")}>
                    <X aria-hidden />
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
