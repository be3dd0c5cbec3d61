/** Liveness: the process answers. Never calls the backend, so a backend outage can't restart us. */
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
