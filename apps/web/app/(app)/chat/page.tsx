import type { Metadata } from "next";
import { CHAT_LIMITS } from "@todo/contracts/constants";
import { Chat } from "@/components/chat/chat";

export const metadata: Metadata = { title: "Chat" };

export default function NewChatPage() {
  // A fresh key per render, so "New chat" (push + refresh) always mounts an empty chat.
  const chatKey = crypto.randomUUID();
  return <Chat key={chatKey} conversationId={null} initialMessages={[]} messageMax={CHAT_LIMITS.messageMax} />;
}
