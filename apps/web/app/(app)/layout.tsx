/** Signed-in area: the session is checked on the server against the backend on every request. */
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/backend.server";
import { AppHeader } from "@/components/app-header";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return (
    <div className="flex h-dvh flex-col">
      <AppHeader user={user} />
      {children}
    </div>
  );
}
