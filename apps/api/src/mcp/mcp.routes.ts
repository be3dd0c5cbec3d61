/**
 * POST /mcp: the MCP server over streamable HTTP for outside clients (Claude Desktop, MCP
 * Inspector …). Stateless: each request gets a server bound to the caller's user and grant
 * (mcp.auth.ts: an OAuth access token with its scopes, or a session token).
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { Hono } from "hono";
import { DomainError } from "../domain-error.ts";
import type { Logger } from "../logger.ts";
import type { TaskService } from "../tasks/tasks.service.ts";
import type { McpEnv } from "./mcp.auth.ts";
import { createMcpServer, TOOL_CALLS_PER_REQUEST } from "./mcp.server.ts";

/** JSON-RPC messages one POST may carry (the SDK allows 100). */
export const MCP_BATCH_MAX = TOOL_CALLS_PER_REQUEST;

export function mcpRoutes(tasks: TaskService, logger: Logger, jsonSchemaValidator?: AjvJsonSchemaValidator) {
  return new Hono<McpEnv>()
    .post("/", async (c) => {
      const body: unknown = await c.req.json().catch(() => {
        throw new DomainError("invalid_json", "request body is not valid JSON");
      });
      if (Array.isArray(body) && body.length > MCP_BATCH_MAX) {
        throw new DomainError("batch_too_large", `a batch carries at most ${MCP_BATCH_MAX} JSON-RPC messages; this one has ${body.length}`);
      }
      // The whole request (every call of a batch) shares one budget of tool calls.
      const grant = c.var.mcpGrant;
      const server = createMcpServer(tasks, grant.userId, {
        logger,
        canWrite: grant.scopes.has("tasks:write"),
        ...(jsonSchemaValidator ? { jsonSchemaValidator } : {}),
      });
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      await server.connect(transport);
      try {
        return await transport.handleRequest(c.req.raw, { parsedBody: body });
      } finally {
        await server.close();
      }
    })
    .on(["GET", "DELETE"], "/", () => {
      throw new DomainError("method_not_allowed", "this MCP endpoint is stateless: send JSON-RPC with POST");
    });
}
