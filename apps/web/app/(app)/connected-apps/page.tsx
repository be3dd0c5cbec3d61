import type { Metadata } from "next";
import { listConnectedApps } from "@/lib/backend.server";
import { ConnectedAppsView } from "@/components/oauth/connected-apps-view";

export const metadata: Metadata = { title: "Connected apps" };

export default async function ConnectedAppsPage() {
  return <ConnectedAppsView initialApps={await listConnectedApps()} />;
}
