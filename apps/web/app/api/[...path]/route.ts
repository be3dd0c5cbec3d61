/** Every /api/* call the browser makes (except health) goes to the backend through this handler. */
import type { NextRequest } from "next/server";
import { proxyToBackend } from "@/lib/proxy.server";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ path: string[] }> };

async function handle(req: NextRequest, ctx: Context) {
  return proxyToBackend(req, (await ctx.params).path);
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as HEAD, handle as OPTIONS };
