/**
 * The assistant's tools: the project's MCP server, reached over an in-memory transport, so every
 * call runs through the same handlers an outside MCP client reaches. The adapter is thin: each
 * tool's execute returns the MCP result as it is (`content`, `structuredContent`, `isError`), and
 * the model reads the structured result, or the error's message when the call failed.
 *
 * (`@ai-sdk/mcp`'s createMCPClient, 1.0.x for `ai` 6, does the same wrapping but lists the tools
 * on every connection, validates every result with its own copy of the protocol schemas, and adds
 * a dependency; this is the part of it this app needs.)
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { dynamicTool, jsonSchema, type ToolSet } from "ai";
import type { ToolCall } from "@todo/contracts";
import type { ToolDefinition } from "../mcp/mcp.server.ts";
import { version } from "../version.ts";

export interface ConnectedTools {
  tools: ToolSet;
  close(): Promise<void>;
}

/** The text answer of a tool result (MCP `content`): what the model reads of an earlier call. */
export function textOf(result: CallToolResult): string {
  return result.content.flatMap((c) => (c.type === "text" ? [c.text] : [])).join("\n");
}

/** A tool call as stored with its turn: the result is the tool's structuredContent, as it answered it. */
export function toToolCall(name: string, input: unknown, result: CallToolResult): ToolCall {
  const args = (input ?? {}) as Record<string, unknown>;
  const call: ToolCall = { name, arguments: args, result: result.structuredContent ?? null, text: textOf(result) };
  return result.isError ? { ...call, isError: true } : call;
}

/** The result of a call the server never answered: a tool error like any other, in the same shape. */
const NO_ANSWER: CallToolResult = {
  isError: true,
  content: [{ type: "text", text: "the tool failed on our side; nothing more is known here. Try again in a moment." }],
  structuredContent: { error: { code: "internal_error", message: "the tool failed on our side; nothing more is known here. Try again in a moment." } },
};

/**
 * Connects to a server built for one person. `definitions` are the tools' definitions, built once
 * with the app; `onCall` hears of each call as it completes, before the model sees its result, so a
 * turn records what its tools did even if the turn fails later.
 */
export async function connectTools(
  server: McpServer,
  definitions: ToolDefinition[],
  options: {
    jsonSchemaValidator?: AjvJsonSchemaValidator;
    onCall?: (call: ToolCall, toolCallId: string) => Promise<void>;
    /**
     * The AI SDK's `needsApproval`, for every tool: whether this call waits for the person's
     * approval (see mcp.approval.ts). Such a call runs only in a later turn, once approved.
     */
    needsApproval?: (toolName: string, input: unknown, toolCallId: string) => Promise<boolean>;
    /** Hears of a call that got no answer from the server at all (the connection failed). */
    onFailure?: (err: unknown) => void;
  } = {},
): Promise<ConnectedTools> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: "todo-chatbot-agent", version }, options.jsonSchemaValidator ? { jsonSchemaValidator: options.jsonSchemaValidator } : {});
  await client.connect(clientTransport);

  const tools: ToolSet = {};
  const needsApproval = options.needsApproval;
  for (const definition of definitions) {
    tools[definition.name] = dynamicTool({
      description: definition.description,
      inputSchema: jsonSchema(definition.inputSchema as Parameters<typeof jsonSchema>[0]),
      ...(needsApproval
        ? { needsApproval: (input: unknown, { toolCallId }: { toolCallId: string }) => needsApproval(definition.name, input, toolCallId) }
        : {}),
      // Not aborted with the turn: a call that started finishes, so what it did is recorded.
      execute: async (input, { toolCallId }) => {
        const result = await (client.callTool({ name: definition.name, arguments: (input ?? {}) as Record<string, unknown> }) as Promise<CallToolResult>).catch(
          (err: unknown): CallToolResult => {
            options.onFailure?.(err);
            return NO_ANSWER;
          },
        );
        await options.onCall?.(toToolCall(definition.name, input, result), toolCallId);
        return result;
      },
      toModelOutput: ({ output }) => {
        const result = output as CallToolResult;
        return result.isError
          ? { type: "error-text", value: textOf(result) }
          : { type: "json", value: (result.structuredContent ?? { text: textOf(result) }) as never };
      },
    });
  }
  return {
    tools,
    async close() {
      await client.close();
      await server.close();
    },
  };
}
