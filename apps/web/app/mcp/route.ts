/**
 * POST /mcp: the MCP endpoint people add to Claude, VS Code or Cursor (http://localhost:3000/mcp),
 * passed to the backend's /mcp as it comes (streamed back, the same body limit as /api/*). Its 401
 * names the OAuth metadata at this origin (/.well-known/*, proxied next door).
 */
import type { NextRequest } from "next/server";
import { proxyToBackend } from "@/lib/proxy.server";

export const dynamic = "force-dynamic";

async function handle(req: NextRequest) {
  return proxyToBackend(req, [], "mcp");
}

export { handle as GET, handle as POST, handle as DELETE, handle as OPTIONS };
