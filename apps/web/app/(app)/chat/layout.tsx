import { listConversations } from "@/lib/backend.server";
import { ChatShell } from "@/components/chat/chat-shell";

export default async function ChatLayout({ children }: { children: React.ReactNode }) {
  const conversations = await listConversations();
  return <ChatShell initialConversations={conversations}>{children}</ChatShell>;
}
