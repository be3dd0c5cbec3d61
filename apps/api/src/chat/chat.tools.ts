/**
 * The assistant's tools, taken from the project's MCP server over an in-memory transport: the model
 * sees exactly what an outside MCP client sees, and every call runs through the same handlers.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { dynamicTool, jsonSchema, type ToolSet } from "ai";
import type { ToolCall } from "@todo/contracts";
import { jsonSchemaValidator } from "../mcp/mcp.server.ts";
import { version } from "../version.ts";

export interface ConnectedTools {
  tools: ToolSet;
  /** The text answer of a call made through these tools (MCP `content`), by tool call id. */
  textOf(toolCallId: string): string | undefined;
  close(): Promise<void>;
}

export class ToolError extends Error {
  override name = "ToolError";
}

/**
 * Tool definitions are the same for every user (only the handlers are bound to one), and listing
 * them costs ~40 ms of JSON-schema work, so the first listing is kept for the process's lifetime.
 */
let definitions: Promise<Tool[]> | undefined;

/**
 * `onCall` hears of each call as it completes (or fails), before the model sees its result, so a
 * turn can record what its tools did even if the turn fails later.
 */
export async function connectTools(server: McpServer, onCall?: (call: ToolCall) => Promise<void>): Promise<ConnectedTools> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: "todo-chatbot-agent", version }, { jsonSchemaValidator });
  await client.connect(clientTransport);
  definitions ??= client.listTools().then((r) => r.tools);
  const listed = await definitions.catch((err: unknown) => {
    definitions = undefined;
    throw err;
  });

  const texts = new Map<string, string>();
  const tools: ToolSet = {};
  for (const t of listed) {
    tools[t.name] = dynamicTool({
      description: t.description ?? t.title ?? t.name,
      inputSchema: jsonSchema(t.inputSchema as Parameters<typeof jsonSchema>[0]),
      execute: async (args, { toolCallId }) => {
        const input = (args ?? {}) as Record<string, unknown>;
        const result = await client.callTool({ name: t.name, arguments: input });
        const text = (result.content as { type: string; text?: string }[])
          .filter((c) => c.type === "text")
          .map((c) => c.text)
          .join("\n");
        if (result.isError) {
          const message = text || `${t.name} failed`;
          await onCall?.({ name: t.name, arguments: input, result: message, text: message, isError: true });
          throw new ToolError(message);
        }
        const output = result.structuredContent ?? { text };
        await onCall?.({ name: t.name, arguments: input, result: output, text });
        texts.set(toolCallId, text);
        return output;
      },
    });
  }
  return {
    tools,
    textOf: (toolCallId) => texts.get(toolCallId),
    async close() {
      await client.close();
      await server.close();
    },
  };
}
