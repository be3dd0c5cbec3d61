"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { LogOut, ListTodo, MessageSquare, Plug } from "lucide-react";
import { toast } from "sonner";
import { apiFetch } from "@/lib/api.client";
import { cn } from "@/lib/cn";
import { Button } from "@/components/ui/button";
import { Logo } from "@/components/logo";
import { NotificationBell } from "@/components/notifications/notification-bell";
import { SettingsDialog } from "@/components/settings/settings-dialog";
import { disablePush } from "@/lib/notifications.client";

const NAV = [
  { href: "/chat", label: "Chat", icon: MessageSquare },
  { href: "/tasks", label: "Tasks", icon: ListTodo },
  { href: "/connected-apps", label: "Apps", icon: Plug },
] as const;

export function AppHeader({ user }: { user: { name: string; email: string } }) {
  const pathname = usePathname();
  const router = useRouter();
  const [signingOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    try {
      await disablePush().catch(() => undefined);
      await apiFetch("/auth/sign-out", { method: "POST", json: {} });
      router.replace("/sign-in");
      router.refresh();
    } catch (err) {
      toast.error(err instanceof Error ? err.message : "Could not sign out.");
      setSigningOut(false);
    }
  }

  return (
    <header className="flex h-14 shrink-0 items-center gap-2 border-b px-3 sm:px-4">
      <Link href="/chat" className="flex items-center gap-2 rounded-md font-semibold focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
        <Logo />
        <span className="sr-only sm:not-sr-only">Todo Chatbot</span>
      </Link>
      <nav aria-label="Main" className="ml-1 flex items-center gap-0.5 sm:ml-2 sm:gap-1">
        {NAV.map(({ href, label, icon: Icon }) => {
          const active = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <Link
              key={href}
              href={href}
              aria-current={active ? "page" : undefined}
              className={cn(
                "inline-flex h-9 items-center gap-1.5 rounded-md px-2 text-sm font-medium sm:px-3 text-muted-foreground hover:bg-muted hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                active && "bg-muted text-foreground",
              )}
            >
              {/* On a phone the words alone: the header fits 375 px whatever fonts the device has. */}
              <Icon className="hidden size-4 sm:block" aria-hidden />
              {label}
            </Link>
          );
        })}
      </nav>
      <div className="ml-auto flex min-w-0 items-center gap-2">
        <NotificationBell />
        <SettingsDialog />
        <span className="hidden truncate text-sm text-muted-foreground md:inline" title={user.email}>
          {user.email}
        </span>
        <Button variant="ghost" size="sm" onClick={signOut} disabled={signingOut} aria-label="Sign out">
          <LogOut aria-hidden />
          <span className="hidden sm:inline">Sign out</span>
        </Button>
      </div>
    </header>
  );
}
