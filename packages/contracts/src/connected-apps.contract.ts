/**
 * Connected apps: the MCP clients (Claude, VS Code, Cursor …) a person allowed to act on their tasks
 * through OAuth, as the API lists them and the web app's "Connected apps" page shows them.
 */
import { z } from "zod";

/** What each OAuth scope lets an MCP client do, in words for the consent and Connected apps pages. */
export const MCP_SCOPE_DESCRIPTIONS = {
  "tasks:read": "See your tasks (list and search them)",
  "tasks:write": "Add, change, complete and delete your tasks",
  offline_access: "Stay connected without asking you again (until you revoke it)",
} as const satisfies Record<string, string>;

export const ConnectedAppSchema = z.object({
  clientId: z.string().describe("The OAuth client's id"),
  name: z.string().describe("The name the client registered with"),
  scopes: z.array(z.string()).describe("What the person allowed"),
  connectedAt: z.string().nullable().describe("When the person allowed it (ISO 8601)"),
  lastUsedAt: z.string().nullable().describe("When it last called /mcp (ISO 8601, to the minute); null if never"),
});
export type ConnectedApp = z.infer<typeof ConnectedAppSchema>;

export const ConnectedAppListSchema = z.object({ apps: z.array(ConnectedAppSchema) });
export type ConnectedAppList = z.infer<typeof ConnectedAppListSchema>;
