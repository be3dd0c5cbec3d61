import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/backend.server";

export default async function Home() {
  redirect((await getSessionUser()) ? "/chat" : "/sign-in");
}
