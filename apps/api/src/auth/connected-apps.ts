/**
 * GET /api/connected-apps and DELETE /api/connected-apps/:clientId: the OAuth clients a person has
 * allowed, and revoking one. Revoking deletes the person's consent for that client (so /mcp refuses
 * its access tokens at once, mcp.auth.ts) and every refresh and opaque access token it holds for
 * them (so it cannot get new ones); another person's grants are never touched.
 */
import { ConnectedAppListSchema } from "@todo/contracts";
import { and, desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import type { Database } from "../db/client.ts";
import { oauthAccessToken, oauthClient, oauthConsent, oauthRefreshToken } from "../db/schema.ts";
import type { AppEnv } from "../http/app-env.ts";
import { DomainError } from "../domain-error.ts";

export class ConnectedAppsRepository {
  constructor(private readonly db: Database) {}

  async listConnectedApps(userId: string) {
    const rows = await this.db
      .select({
        clientId: oauthConsent.clientId,
        name: oauthClient.name,
        scopes: oauthConsent.scopes,
        connectedAt: oauthConsent.createdAt,
        lastUsedAt: oauthConsent.lastUsedAt,
      })
      .from(oauthConsent)
      .innerJoin(oauthClient, eq(oauthClient.clientId, oauthConsent.clientId))
      .where(eq(oauthConsent.userId, userId))
      .orderBy(desc(oauthConsent.createdAt));
    return ConnectedAppListSchema.parse({
      apps: rows.map((r) => ({
        clientId: r.clientId,
        name: r.name ?? r.clientId,
        scopes: r.scopes,
        connectedAt: r.connectedAt?.toISOString() ?? null,
        lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
      })),
    });
  }

  /** Ends one client's access for one person; false when they had not allowed it. */
  async revokeConnectedApp(userId: string, clientId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const removed = await tx
        .delete(oauthConsent)
        .where(and(eq(oauthConsent.userId, userId), eq(oauthConsent.clientId, clientId)))
        .returning({ id: oauthConsent.id });
      await tx.delete(oauthAccessToken).where(and(eq(oauthAccessToken.userId, userId), eq(oauthAccessToken.clientId, clientId)));
      await tx.delete(oauthRefreshToken).where(and(eq(oauthRefreshToken.userId, userId), eq(oauthRefreshToken.clientId, clientId)));
      return removed.length > 0;
    });
  }
}

export function connectedAppsRoutes(repository: ConnectedAppsRepository) {
  return new Hono<AppEnv>()
    .get("/", async (c) => c.json(await repository.listConnectedApps(c.var.userId)))
    .delete("/:clientId", async (c) => {
      const clientId = c.req.param("clientId");
      if (!(await repository.revokeConnectedApp(c.var.userId, clientId))) {
        throw new DomainError("not_found", "no connected app with that client id");
      }
      return c.body(null, 204);
    });
}
