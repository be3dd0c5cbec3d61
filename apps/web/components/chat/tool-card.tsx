"use client";
/** A small card per tool call: what the assistant did and how it went ("Added: Buy milk · high · due Fri"). */
import type { DynamicToolUIPart } from "ai";
import { CheckCircle2, ListTodo, Loader2, XCircle } from "lucide-react";
import { TOOL_NAMES } from "@todo/contracts/constants";
import { summarizeToolCall } from "@/lib/chat-messages";
import { cn } from "@/lib/cn";
import { ListCard } from "./list-card";

export function ToolCard({ part }: { part: DynamicToolUIPart }) {
  const summary = summarizeToolCall(part);
  const Icon = summary.status === "running" ? Loader2 : summary.status === "error" ? XCircle : part.toolName === TOOL_NAMES.list ? ListTodo : CheckCircle2;
  return (
    <div
      data-testid="tool-card"
      data-tool={part.toolName}
      data-status={summary.status}
      data-error-code={summary.code}
      className={cn(
        "w-fit min-w-0 max-w-full rounded-lg border px-3 py-2 text-sm",
        summary.status === "error" ? "border-destructive/40 bg-destructive/10" : "bg-muted/50",
      )}
    >
      <p className="flex items-center gap-2">
        <Icon
          className={cn(
            "size-4 shrink-0",
            summary.status === "running" && "animate-spin text-muted-foreground",
            summary.status === "done" && "text-success",
            summary.status === "error" && "text-destructive",
          )}
          aria-hidden
        />
        <span className={cn("font-medium", summary.status === "error" && "text-destructive")}>{summary.label}</span>
      </p>
      {summary.detail && <p className="mt-1 pl-6 text-muted-foreground">{summary.detail}</p>}
      {summary.tasks && summary.tasks.length > 0 && <ListCard tasks={summary.tasks} total={summary.total ?? summary.tasks.length} />}
    </div>
  );
}
