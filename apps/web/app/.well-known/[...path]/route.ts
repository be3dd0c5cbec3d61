/**
 * The OAuth discovery documents MCP clients read at this origin: RFC 9728's protected-resource
 * metadata for /mcp and RFC 8414's authorization-server metadata, both served by the backend.
 */
import type { NextRequest } from "next/server";
import { proxyToBackend } from "@/lib/proxy.server";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ path: string[] }> };

async function handle(req: NextRequest, ctx: Context) {
  return proxyToBackend(req, (await ctx.params).path, ".well-known");
}

export { handle as GET, handle as HEAD, handle as OPTIONS };
