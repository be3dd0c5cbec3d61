"use client";
/**
 * Allow or Deny an MCP client's request. Either answer goes to the authorization server
 * (/api/auth/oauth2/consent) with the signed query; it answers with where to send the browser:
 * back to the app with a code (Allow) or with `access_denied` (Deny).
 */
import { useState } from "react";
import { Loader2 } from "lucide-react";
import { apiFetch, ApiError } from "@/lib/api.client";
import { Button } from "@/components/ui/button";

type Props = {
  clientName: string;
  email: string;
  oauthQuery: string;
  scopes: { scope: string; description: string }[];
};

export function ConsentForm({ clientName, email, oauthQuery, scopes }: Props) {
  const [pending, setPending] = useState<"allow" | "deny" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function answer(accept: boolean) {
    setPending(accept ? "allow" : "deny");
    setError(null);
    try {
      const res = await apiFetch<{ url?: string; redirect_uri?: string }>("/auth/oauth2/consent", {
        method: "POST",
        json: { accept, oauth_query: oauthQuery },
      });
      const next = res?.url ?? res?.redirect_uri;
      if (!next) throw new ApiError(500, "no_redirect", "The server did not say where to go next.");
      window.location.assign(next);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Something went wrong. Try again.");
      setPending(null);
    }
  }

  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">
          Allow <span className="break-all">{clientName}</span> to use your tasks?
        </h1>
        <p className="text-sm text-muted-foreground">Signed in as {email}. It asks to:</p>
      </div>
      <ul className="space-y-2" aria-label="What it asks for">
        {scopes.map(({ scope, description }) => (
          <li key={scope} className="rounded-md border px-3 py-2 text-sm">
            <span className="font-medium">{description}</span>
            <span className="ml-2 font-mono text-xs text-muted-foreground">{scope}</span>
          </li>
        ))}
      </ul>
      <p className="text-xs text-muted-foreground">You can revoke its access at any time under Connected apps.</p>
      {error && (
        <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <Button variant="outline" className="flex-1" disabled={pending !== null} onClick={() => answer(false)}>
          {pending === "deny" && <Loader2 className="animate-spin" aria-hidden />}
          Deny
        </Button>
        <Button className="flex-1" disabled={pending !== null} onClick={() => answer(true)}>
          {pending === "allow" && <Loader2 className="animate-spin" aria-hidden />}
          Allow
        </Button>
      </div>
    </div>
  );
}
