/**
 * The consent page an MCP client's authorization lands on (the authorization server sends the
 * person here with a signed query): which app asks, what each scope lets it do, Allow or Deny.
 * Signing in comes first: a signed-out visitor is sent to sign in with the same query, which
 * brings them back here.
 */
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { MCP_SCOPE_DESCRIPTIONS } from "@todo/contracts";
import { getOAuthClient, getSessionUser } from "@/lib/backend.server";
import { Logo } from "@/components/logo";
import { ConsentForm } from "@/components/oauth/consent-form";

export const metadata: Metadata = { title: "Allow access" };

type SearchParams = Record<string, string | string[] | undefined>;

function toQuery(params: SearchParams): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) query.append(key, v);
  }
  return query.toString();
}

export default async function ConsentPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const query = toQuery(params);
  const user = await getSessionUser();
  if (!user) redirect(`/sign-in?${query}`);
  const clientId = typeof params.client_id === "string" ? params.client_id : "";
  const client = clientId && typeof params.sig === "string" ? await getOAuthClient(clientId) : null;
  const scopes = (typeof params.scope === "string" ? params.scope : "").split(" ").filter(Boolean);

  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-muted/40 px-4 py-10">
      <div className="mb-6 flex items-center gap-2 text-lg font-semibold">
        <Logo /> Todo Chatbot
      </div>
      <div className="w-full max-w-md rounded-lg border bg-card p-6 shadow-sm">
        {client ? (
          <ConsentForm
            clientName={client.client_name || client.client_id}
            email={user.email}
            oauthQuery={query}
            scopes={scopes.map((scope) => ({
              scope,
              description: MCP_SCOPE_DESCRIPTIONS[scope as keyof typeof MCP_SCOPE_DESCRIPTIONS] ?? scope,
            }))}
          />
        ) : (
          <div role="alert" className="space-y-2">
            <h1 className="text-xl font-semibold">This link does not work</h1>
            <p className="text-sm text-muted-foreground">It is not a request from a known app, or it has expired. Start connecting again from your app.</p>
          </div>
        )}
      </div>
    </main>
  );
}
