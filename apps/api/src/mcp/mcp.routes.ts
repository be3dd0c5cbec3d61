/**
 * POST /mcp: the MCP server over streamable HTTP for outside clients (Claude Desktop, MCP
 * Inspector …). Stateless: each request gets a server bound to the bearer token's user.
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { Hono } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { HttpError } from "../http/errors.ts";
import type { TaskService } from "../tasks/tasks.service.ts";
import { createMcpServer } from "./mcp.server.ts";

export function mcpRoutes(tasks: TaskService) {
  return new Hono<AppEnv>()
    .post("/", async (c) => {
      const server = createMcpServer(tasks, c.var.userId);
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      await server.connect(transport);
      try {
        return await transport.handleRequest(c.req.raw);
      } finally {
        await server.close();
      }
    })
    .on(["GET", "DELETE"], "/", () => {
      throw new HttpError(405, "method_not_allowed", "this MCP endpoint is stateless: send JSON-RPC with POST");
    });
}
