"use client";
/**
 * The chat area's frame: the list of past conversations (a sidebar on desktop, a sheet on phones)
 * and a context so the chat can ask the list to refresh after a reply.
 */
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useMemo, useState } from "react";
import { History, MessageSquarePlus, Trash2 } from "lucide-react";
import { toast } from "sonner";
import type { ConversationSummary } from "@todo/contracts";
import { apiFetch } from "@/lib/api.client";
import { cn } from "@/lib/cn";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog, DialogContent, DialogTitle, DialogTrigger } from "@/components/ui/dialog";

type ConversationsContext = { refresh: () => Promise<void>; startNewChat: () => void };
const Ctx = createContext<ConversationsContext | null>(null);

export function useConversations(): ConversationsContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("useConversations outside ChatShell");
  return ctx;
}

export function ChatShell({ initialConversations, children }: { initialConversations: ConversationSummary[]; children: React.ReactNode }) {
  const router = useRouter();
  const [conversations, setConversations] = useState(initialConversations);
  const [sheetOpen, setSheetOpen] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const body = await apiFetch<{ conversations: ConversationSummary[] }>("/conversations");
      setConversations(body.conversations);
    } catch {
      // The list is a convenience; the chat itself keeps working.
    }
  }, []);

  const startNewChat = useCallback(() => {
    setSheetOpen(false);
    router.push("/chat");
    router.refresh();
  }, [router]);

  const ctx = useMemo(() => ({ refresh, startNewChat }), [refresh, startNewChat]);

  const list = (
    <ConversationList
      conversations={conversations}
      onNavigate={() => setSheetOpen(false)}
      onDeleted={(id) => setConversations((cs) => cs.filter((c) => c.id !== id))}
      onNewChat={startNewChat}
    />
  );

  return (
    <Ctx.Provider value={ctx}>
      <div className="flex min-h-0 flex-1">
        <aside aria-label="Conversations" className="hidden w-64 shrink-0 flex-col border-r bg-muted/30 md:flex">
          {list}
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <div className="flex items-center gap-2 border-b px-3 py-2 md:hidden">
            <Dialog open={sheetOpen} onOpenChange={setSheetOpen}>
              <DialogTrigger asChild>
                <Button variant="outline" size="sm">
                  <History aria-hidden /> History
                </Button>
              </DialogTrigger>
              <DialogContent side="left" aria-describedby={undefined}>
                <DialogTitle className="sr-only">Conversations</DialogTitle>
                <div className="flex h-full flex-col">{list}</div>
              </DialogContent>
            </Dialog>
            <Button variant="outline" size="sm" className="ml-auto" onClick={startNewChat}>
              <MessageSquarePlus aria-hidden /> New chat
            </Button>
          </div>
          {children}
        </div>
      </div>
    </Ctx.Provider>
  );
}

function ConversationList({
  conversations,
  onNavigate,
  onDeleted,
  onNewChat,
}: {
  conversations: ConversationSummary[];
  onNavigate: () => void;
  onDeleted: (id: string) => void;
  onNewChat: () => void;
}) {
  const pathname = usePathname();
  const router = useRouter();
  const [pendingDelete, setPendingDelete] = useState<ConversationSummary | null>(null);

  async function remove(conversation: ConversationSummary) {
    try {
      await apiFetch(`/conversations/${conversation.id}`, { method: "DELETE" });
      onDeleted(conversation.id);
      toast.success("Conversation deleted");
      if (pathname === `/chat/${conversation.id}`) {
        router.push("/chat");
        router.refresh();
      }
    } catch (err) {
      toast.error(err instanceof Error ? err.message : "Could not delete the conversation.");
    }
  }

  return (
    <>
      <div className="flex items-center justify-between gap-2 p-3">
        <h2 className="text-sm font-semibold">Conversations</h2>
        <Button variant="outline" size="sm" onClick={onNewChat}>
          <MessageSquarePlus aria-hidden /> New chat
        </Button>
      </div>
      {conversations.length === 0 ? (
        <p className="px-3 text-sm text-muted-foreground">No conversations yet. Say hello to the assistant to start one.</p>
      ) : (
        <ul className="min-h-0 flex-1 space-y-0.5 overflow-y-auto px-2 pb-3">
          {conversations.map((c) => {
            const active = pathname === `/chat/${c.id}`;
            return (
              <li key={c.id} className={cn("group flex items-center rounded-md hover:bg-muted", active && "bg-muted")}>
                <Link
                  href={`/chat/${c.id}`}
                  onClick={onNavigate}
                  aria-current={active ? "page" : undefined}
                  className="min-w-0 flex-1 truncate rounded-md px-2 py-2 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                  title={c.title}
                >
                  {c.title || "Untitled conversation"}
                </Link>
                <Button
                  variant="ghost"
                  size="icon-sm"
                  className="text-muted-foreground opacity-100 hover:text-destructive md:opacity-0 md:group-hover:opacity-100 md:focus-visible:opacity-100"
                  aria-label={`Delete conversation: ${c.title}`}
                  onClick={() => setPendingDelete(c)}
                >
                  <Trash2 aria-hidden />
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      <ConfirmDialog
        open={pendingDelete !== null}
        onOpenChange={(open) => !open && setPendingDelete(null)}
        title="Delete this conversation?"
        description={<>&ldquo;{pendingDelete?.title}&rdquo; and its messages will be removed for good. Your tasks stay as they are.</>}
        confirmLabel="Delete"
        onConfirm={() => pendingDelete && remove(pendingDelete)}
      />
    </>
  );
}
