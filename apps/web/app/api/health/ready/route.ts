/**
 * Readiness: this server can take requests. It checks the frontend itself and never the backend:
 * a backend or database restart must not take every frontend pod out of its Service (NodePort
 * 30080 would refuse connections). Pages already show a backend outage and recover by themselves.
 * Not ready only when the configured backend address is not a URL, which no restart would fix
 * either but which the pod's status should show.
 */
import { backendUrl } from "@/lib/backend.server";

export const dynamic = "force-dynamic";

export function GET() {
  const headers = { "cache-control": "no-store" };
  if (!URL.canParse(backendUrl())) {
    return Response.json({ status: "unavailable", reason: "API_BASE_URL is not a URL" }, { status: 503, headers });
  }
  return Response.json({ status: "ok" }, { headers });
}
