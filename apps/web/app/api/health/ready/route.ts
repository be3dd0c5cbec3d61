/**
 * Readiness: this server can take requests. It checks the frontend itself and never the backend:
 * a backend or database restart must not take every frontend pod out of its Service (NodePort
 * 30080 would refuse connections). Pages already show a backend outage and recover by themselves.
 * Not ready only when the environment is invalid (API_BASE_URL not a URL, …), which no restart would
 * fix either but which the pod's status should show.
 */
import { WebEnvError, webEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

export function GET() {
  const headers = { "cache-control": "no-store" };
  try {
    webEnv();
  } catch (err) {
    if (!(err instanceof WebEnvError)) throw err;
    return Response.json({ status: "unavailable", reason: err.message }, { status: 503, headers });
  }
  return Response.json({ status: "ok" }, { headers });
}
