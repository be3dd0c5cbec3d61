"use client";
/**
 * Connected apps: each MCP client the person allowed (Claude, VS Code, Cursor …), what it may do and
 * when it last called, and Revoke, which ends its access at once (its next call is refused).
 */
import { useState } from "react";
import { Loader2, Plug } from "lucide-react";
import { toast } from "sonner";
import { MCP_SCOPE_DESCRIPTIONS, type ConnectedApp } from "@todo/contracts";
import { apiFetch, ApiError } from "@/lib/api.client";
import { Button } from "@/components/ui/button";

function when(iso: string | null): string {
  if (!iso) return "never";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function ConnectedAppsView({ initialApps }: { initialApps: ConnectedApp[] }) {
  const [apps, setApps] = useState(initialApps);
  const [revoking, setRevoking] = useState<string | null>(null);

  async function revoke(app: ConnectedApp) {
    setRevoking(app.clientId);
    try {
      await apiFetch<void>(`/connected-apps/${encodeURIComponent(app.clientId)}`, { method: "DELETE" });
      setApps((list) => list.filter((a) => a.clientId !== app.clientId));
      toast.success(`${app.name} can no longer use your tasks.`);
    } catch (err) {
      toast.error(err instanceof ApiError ? err.message : "Could not revoke. Try again.");
    } finally {
      setRevoking(null);
    }
  }

  return (
    <main className="mx-auto w-full max-w-2xl flex-1 overflow-y-auto px-4 py-6">
      <h1 className="text-xl font-semibold">Connected apps</h1>
      <p className="mt-1 text-sm text-muted-foreground">
        Apps you allowed to use your tasks through MCP (add <span className="font-mono">/mcp</span> on this site to Claude, VS Code or Cursor).
      </p>
      {apps.length === 0 ? (
        <div className="mt-8 flex flex-col items-center gap-2 text-center text-sm text-muted-foreground">
          <Plug className="size-6" aria-hidden />
          No apps are connected.
        </div>
      ) : (
        <ul className="mt-6 space-y-3" aria-label="Connected apps">
          {apps.map((app) => (
            <li key={app.clientId} className="flex flex-wrap items-start gap-3 rounded-lg border p-4" aria-label={app.name}>
              <div className="min-w-0 flex-1 space-y-1">
                <p className="break-all font-medium">{app.name}</p>
                <p className="text-sm text-muted-foreground">
                  {app.scopes.map((s) => MCP_SCOPE_DESCRIPTIONS[s as keyof typeof MCP_SCOPE_DESCRIPTIONS] ?? s).join(" · ")}
                </p>
                <p className="text-xs text-muted-foreground">
                  Connected {when(app.connectedAt)} · Last used {when(app.lastUsedAt)}
                </p>
              </div>
              <Button variant="outline" size="sm" disabled={revoking !== null} onClick={() => revoke(app)} aria-label={`Revoke ${app.name}`}>
                {revoking === app.clientId && <Loader2 className="animate-spin" aria-hidden />}
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
