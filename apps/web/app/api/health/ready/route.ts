/** Readiness: we can serve pages only when the backend is ready too (503 otherwise). */
import { backendService } from "@todo/contracts";
import { backendUrl } from "@/lib/backend.server";

export const dynamic = "force-dynamic";

export async function GET() {
  const headers = { "cache-control": "no-store" };
  try {
    const res = await fetch(`${backendUrl()}${backendService.health.ready}`, {
      cache: "no-store",
      signal: AbortSignal.timeout(2000),
    });
    if (res.ok) return Response.json({ status: "ok", backend: "ok" }, { headers });
    return Response.json({ status: "unavailable", backend: `status ${res.status}` }, { status: 503, headers });
  } catch {
    return Response.json({ status: "unavailable", backend: "unreachable" }, { status: 503, headers });
  }
}
