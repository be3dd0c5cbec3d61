/** A real MCP client talking to the app's POST /mcp over streamable HTTP, in-process. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

type FetchApp = { request: (input: string | Request | URL, init?: RequestInit) => Response | Promise<Response> };

export async function connectMcp(app: FetchApp, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL("http://backend.test/mcp"), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
    fetch: async (url, init) => app.request(String(url), init as RequestInit),
  });
  const client = new Client({ name: "isolation-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** The text of a tool result, and whether it was an error. */
export function toolText(result: unknown): { text: string; isError: boolean; structured: any } {
  const r = result as { content: { type: string; text?: string }[]; isError?: boolean; structuredContent?: unknown };
  return {
    text: r.content
      .filter((c) => c.type === "text")
      .map((c) => c.text)
      .join("\n"),
    isError: r.isError === true,
    structured: r.structuredContent,
  };
}
