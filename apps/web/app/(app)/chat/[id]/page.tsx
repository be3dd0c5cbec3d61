import type { Metadata } from "next";
import { CHAT_LIMITS } from "@todo/contracts/constants";
import { notFound } from "next/navigation";
import { getConversation } from "@/lib/backend.server";
import { toUIMessages } from "@/lib/chat-messages";
import { Chat } from "@/components/chat/chat";

export const metadata: Metadata = { title: "Chat" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const conversation = await getConversation(id);
  if (!conversation) notFound();
  return (
    <Chat
      key={id}
      conversationId={id}
      initialMessages={toUIMessages(conversation.messages)}
      initialHasOlder={conversation.hasOlder}
      initialTurn={conversation.turn}
      messageMax={CHAT_LIMITS.messageMax}
    />
  );
}
