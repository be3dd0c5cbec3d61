"use client";
/**
 * A small card per tool call: what the assistant did and how it went ("Added: Buy milk · high · due Fri").
 * A call that waits for the person's approval (deleting, a change to many tasks) shows what will
 * happen, to which tasks, with Approve / Deny; nothing runs before the answer.
 */
import type { DynamicToolUIPart } from "ai";
import { Ban, CheckCircle2, ListTodo, Loader2, ShieldAlert, XCircle } from "lucide-react";
import { TOOL_NAMES } from "@todo/contracts/constants";
import { approvalOf, summarizeToolCall } from "@/lib/chat-messages";
import { cn } from "@/lib/cn";
import { Button } from "@/components/ui/button";
import { ListCard } from "./list-card";

export function ToolCard({ part, onApproval }: { part: DynamicToolUIPart; onApproval?: ((answer: { id: string; approved: boolean }) => void) | undefined }) {
  const summary = summarizeToolCall(part);
  const approval = approvalOf(part);
  const Icon =
    summary.status === "running"
      ? Loader2
      : summary.status === "error"
        ? XCircle
        : summary.status === "asking"
          ? ShieldAlert
          : summary.status === "declined"
            ? Ban
            : part.toolName === TOOL_NAMES.list
              ? ListTodo
              : CheckCircle2;
  const asking = part.state === "approval-requested";
  return (
    <div
      data-testid="tool-card"
      data-tool={part.toolName}
      data-status={summary.status}
      data-error-code={summary.code}
      {...(asking ? { role: "group", "aria-label": `Approval needed: ${approval?.description ?? summary.label}` } : {})}
      className={cn(
        "w-fit min-w-0 max-w-full rounded-lg border px-3 py-2 text-sm",
        summary.status === "error" ? "border-destructive/40 bg-destructive/10" : asking ? "border-destructive/40 bg-background" : "bg-muted/50",
      )}
    >
      <p className="flex items-center gap-2">
        <Icon
          className={cn(
            "size-4 shrink-0",
            summary.status === "running" && "animate-spin text-muted-foreground",
            summary.status === "done" && "text-success",
            (summary.status === "error" || summary.status === "asking") && "text-destructive",
            summary.status === "declined" && "text-muted-foreground",
          )}
          aria-hidden
        />
        <span className={cn("font-medium", summary.status === "error" && "text-destructive")}>{summary.label}</span>
      </p>
      {approval && (asking || summary.status === "declined") && <p className="mt-1 pl-6">{approval.description}</p>}
      {asking && approval && approval.total > 1 && (
        <ul className="mt-1 space-y-0.5 pl-6 text-muted-foreground" aria-label="Tasks it changes">
          {approval.tasks.map((t) => (
            <li key={t.number}>
              #{t.number} {t.title}
            </li>
          ))}
          {approval.total > approval.tasks.length && <li>…and {approval.total - approval.tasks.length} more</li>}
        </ul>
      )}
      {asking && part.state === "approval-requested" && (
        <div className="mt-2 flex gap-2 pl-6">
          <Button
            size="sm"
            variant="destructive"
            disabled={!onApproval}
            onClick={() => onApproval?.({ id: part.approval.id, approved: true })}
            data-testid="approve"
          >
            Approve
          </Button>
          <Button size="sm" variant="outline" disabled={!onApproval} onClick={() => onApproval?.({ id: part.approval.id, approved: false })} data-testid="deny">
            Deny
          </Button>
        </div>
      )}
      {summary.detail && <p className="mt-1 pl-6 text-muted-foreground">{summary.detail}</p>}
      {summary.tasks && summary.tasks.length > 0 && <ListCard tasks={summary.tasks} total={summary.total ?? summary.tasks.length} />}
    </div>
  );
}
