/**
 * Server-side access to the backend. The URL comes from the environment at run time (API_BASE_URL, env.ts),
 * never from the build, so one image runs anywhere. Only server code imports this module.
 */
import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import type { ConnectedAppList, Conversation, ConversationSummary, TaskPage } from "@todo/contracts";
import { forwardedFor } from "./client-address.server";
import { webEnv } from "./env";

export function backendUrl(): string {
  return webEnv().apiBaseUrl;
}

export type SessionUser = { id: string; name: string; email: string };

/** GET a backend JSON route on behalf of the signed-in person (their cookie), or null on 401/404. */
async function getAsCaller<T>(path: string): Promise<T | null> {
  const cookieHeader = (await cookies()).toString();
  const clientChain = forwardedFor(await headers());
  const res = await fetch(`${backendUrl()}${path}`, {
    headers: {
      cookie: cookieHeader,
      accept: "application/json",
      ...(clientChain ? { "x-forwarded-for": clientChain } : {}),
    },
    cache: "no-store",
  });
  if (res.status === 401 || res.status === 404) return null;
  if (!res.ok) throw new Error(`backend ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

/** The signed-in person, asked once per request; null when there is no valid session. */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const cookieStore = await cookies();
  if (cookieStore.size === 0) return null;
  const body = await getAsCaller<{ user?: SessionUser } | null>("/api/auth/get-session");
  return body?.user ?? null;
});

export function getConversation(id: string) {
  return getAsCaller<Conversation>(`/api/conversations/${encodeURIComponent(id)}`);
}

export async function listConversations(): Promise<ConversationSummary[]> {
  return (await getAsCaller<{ conversations: ConversationSummary[] }>("/api/conversations"))?.conversations ?? [];
}

export function listTasks(query: string) {
  return getAsCaller<TaskPage>(`/api/tasks?${query}`);
}

/** The MCP clients the person allowed (the Connected apps page). */
export async function listConnectedApps(): Promise<ConnectedAppList["apps"]> {
  return (await getAsCaller<ConnectedAppList>("/api/connected-apps"))?.apps ?? [];
}

/** What an OAuth client registered as (its name), for the consent page; null when there is no such client. */
export function getOAuthClient(clientId: string) {
  return getAsCaller<{ client_id: string; client_name?: string; client_uri?: string }>(
    `/api/auth/oauth2/public-client?client_id=${encodeURIComponent(clientId)}`,
  );
}
