"use client";
/**
 * The chat area's frame: the list of past conversations (a sidebar on desktop, a sheet on phones),
 * grouped by date (Today, Yesterday, Last 7 days, Older), searchable and renamable, and a context so
 * the chat can ask the list to refresh after a reply.
 */
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useId, useMemo, useRef, useState } from "react";
import { History, MessageSquarePlus, Pencil, Search, Trash2 } from "lucide-react";
import { CHAT_LIMITS } from "@todo/contracts/constants";
import { toast } from "sonner";
import type { ConversationSummary } from "@todo/contracts";
import { apiFetch } from "@/lib/api.client";
import { groupConversations, searchConversations } from "@/lib/conversation-groups";
import { cn } from "@/lib/cn";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog, DialogContent, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";

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

  // One list, shown in the sidebar on desktop and in the sheet on phones (each mount its own ids).
  const list = (
    <ConversationList
      conversations={conversations}
      onNavigate={() => setSheetOpen(false)}
      onDeleted={(id) => setConversations((cs) => cs.filter((c) => c.id !== id))}
      onRenamed={(renamed) => setConversations((cs) => cs.map((c) => (c.id === renamed.id ? renamed : c)))}
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
  onRenamed,
  onNewChat,
}: {
  conversations: ConversationSummary[];
  onNavigate: () => void;
  onDeleted: (id: string) => void;
  onRenamed: (conversation: ConversationSummary) => void;
  onNewChat: () => void;
}) {
  const pathname = usePathname();
  const router = useRouter();
  /** The sidebar and the sheet each mount this list: ids are made per mount, so none is on the page twice. */
  const ids = useId();
  const [pendingDelete, setPendingDelete] = useState<ConversationSummary | null>(null);
  const [query, setQuery] = useState("");
  const [renaming, setRenaming] = useState<{ id: string; title: string } | null>(null);
  const found = searchConversations(conversations, query);
  /** The one being renamed: Enter and the blur that follows it save once; Escape saves nothing. */
  const editing = useRef<string | null>(null);
  const startRename = (c: ConversationSummary) => {
    editing.current = c.id;
    setRenaming({ id: c.id, title: c.title });
  };

  async function rename(conversation: ConversationSummary, title: string) {
    if (editing.current !== conversation.id) return;
    editing.current = null;
    setRenaming(null);
    if (!title.trim() || title.trim() === conversation.title) return;
    try {
      onRenamed(await apiFetch<ConversationSummary>(`/conversations/${conversation.id}`, { method: "PATCH", json: { title } }));
    } catch (err) {
      toast.error(err instanceof Error ? err.message : "Could not rename the conversation.");
    }
  }

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
      {conversations.length > 0 && (
        <div className="relative px-3 pb-2">
          <label htmlFor={`${ids}-search`} className="sr-only">
            Search chats
          </label>
          <Search className="pointer-events-none absolute left-5 top-1/2 size-4 -translate-y-[calc(50%+4px)] text-muted-foreground" aria-hidden />
          <Input id={`${ids}-search`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search chats" className="h-9 pl-8" />
        </div>
      )}
      {conversations.length === 0 ? (
        <p className="px-3 text-sm text-muted-foreground">No conversations yet. Say hello to the assistant to start one.</p>
      ) : found.length === 0 ? (
        <p className="px-3 text-sm text-muted-foreground" role="status" data-testid="chat-search-empty">
          No chats match &ldquo;{query.trim()}&rdquo;.
        </p>
      ) : (
        <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
          {groupConversations(found, new Date()).map((group) => (
            <section key={group.label} aria-labelledby={`${ids}-${group.label.replace(/\s+/g, "-")}`} className="mb-2" data-testid="history-group">
              <h3 id={`${ids}-${group.label.replace(/\s+/g, "-")}`} className="px-2 pb-1 pt-2 text-xs font-medium text-muted-foreground">
                {group.label}
              </h3>
              <ul className="space-y-0.5">
                {group.conversations.map((c) => {
                  const active = pathname === `/chat/${c.id}`;
                  if (renaming?.id === c.id) {
                    return (
                      <li key={c.id} className="px-1 py-0.5">
                        <form
                          onSubmit={(e) => {
                            e.preventDefault();
                            void rename(c, renaming.title);
                          }}
                        >
                          <Input
                            aria-label={`New name for: ${c.title}`}
                            value={renaming.title}
                            maxLength={CHAT_LIMITS.titleMax}
                            autoFocus
                            onFocus={(e) => e.currentTarget.select()}
                            onChange={(e) => setRenaming({ id: c.id, title: e.target.value })}
                            onBlur={() => void rename(c, renaming.title)}
                            onKeyDown={(e) => {
                              if (e.key === "Escape") {
                                e.preventDefault();
                                e.stopPropagation();
                                editing.current = null;
                                setRenaming(null);
                              }
                            }}
                            className="h-9"
                          />
                        </form>
                      </li>
                    );
                  }
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
                        className="text-muted-foreground opacity-100 md:opacity-0 md:group-hover:opacity-100 md:focus-visible:opacity-100"
                        aria-label={`Rename conversation: ${c.title}`}
                        onClick={() => startRename(c)}
                      >
                        <Pencil aria-hidden />
                      </Button>
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
            </section>
          ))}
        </div>
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
