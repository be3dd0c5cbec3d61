/**
 * The offline assistant: a rule-based language model behind the AI SDK's LanguageModelV3
 * interface. It reads the person's last message, emits a tool call (which runs through the same MCP
 * tools a real model uses), then turns the tool's result into a reply. No network, no API key.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import { TOOL_NAMES, type ToolName } from "@todo/contracts/constants";
import { localDate } from "./offline.dates.ts";
import { parseIntent, type Intent } from "./offline.intent.ts";
import { plainReply, toolErrorReply, toolReply } from "./offline.reply.ts";

/** The tool an intent runs: intents that act are named as TOOL_NAMES' keys (help and small talk run none). */
const TOOL_FOR: Partial<Record<Intent["kind"], ToolName>> = TOOL_NAMES;

export interface OfflineOptions {
  /** The person's IANA time zone (per request, via providerOptions.offline.timeZone). */
  timeZone?: string;
}

type Prompt = LanguageModelV3CallOptions["prompt"];

function lastUserText(prompt: Prompt): string {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const msg = prompt[i]!;
    if (msg.role === "user") {
      return msg.content
        .filter((p) => p.type === "text")
        .map((p) => (p as { text: string }).text)
        .join(" ");
    }
  }
  return "";
}

/** Task numbers a message names: a tool's answer (its JSON or text), a tool call's input, a reply's "#3". */
function taskNumbers(msg: Prompt[number]): number[] {
  if (msg.role === "system" || msg.role === "user") return [];
  const found = new Set<number>();
  const fromText = (text: string) => {
    for (const m of text.matchAll(/#(\d{1,9})\b/g)) found.add(Number(m[1]));
  };
  for (const part of msg.content) {
    if (part.type === "text") fromText(part.text);
    else if (part.type === "tool-call") {
      const n = (part.input as { number?: unknown } | undefined)?.number;
      if (typeof n === "number") found.add(n);
    } else if (part.type === "tool-result") {
      const out = part.output;
      if (out.type === "json") {
        const v = out.value as { task?: { number?: number }; tasks?: { number?: number }[] } | null;
        if (v?.task?.number) found.add(v.task.number);
        for (const t of v?.tasks ?? []) if (t.number) found.add(t.number);
      } else if (out.type === "text" || out.type === "error-text") fromText(out.value);
    }
  }
  return [...found];
}

/**
 * The task the conversation just mentioned, for "make it tomorrow" or "delete it": the latest
 * assistant or tool message that names tasks, when it names exactly one (a list of several is no answer).
 */
export function lastMentionedTask(prompt: Prompt): number | undefined {
  let end = prompt.length - 1;
  while (end >= 0 && prompt[end]!.role !== "user") end--;
  for (let i = end - 1; i >= 0; i--) {
    const numbers = taskNumbers(prompt[i]!);
    if (numbers.length === 1) return numbers[0];
    if (numbers.length > 1) return undefined;
  }
  return undefined;
}

let callCounter = 0;

export class OfflineLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = "v3";
  readonly provider = "offline";
  readonly modelId = "offline-assistant";
  readonly supportedUrls = {};

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** Decides this step's output: a reply to tool results, a tool call, or plain text. */
  respond(options: LanguageModelV3CallOptions): LanguageModelV3Content[] {
    const offline = (options.providerOptions?.offline ?? {}) as OfflineOptions;
    const timeZone = offline.timeZone ?? "UTC";
    const now = this.clock();
    const today = localDate(now, timeZone);
    const last = options.prompt.at(-1);

    if (last?.role === "tool") {
      // The question is read again for how to answer it ("how many…" is a count of the same list).
      const asked = parseIntent(lastUserText(options.prompt), { now, timeZone, today });
      const replies = last.content.flatMap((part) => {
        if (part.type !== "tool-result") return [];
        const out = part.output;
        if (out.type === "json") return [toolReply(part.toolName, out.value, today, asked)];
        if (out.type === "error-text" || out.type === "text") return [toolErrorReply(part.toolName, out.value)];
        if (out.type === "error-json") return [toolErrorReply(part.toolName, JSON.stringify(out.value))];
        return [toolReply(part.toolName, {}, today)];
      });
      return [{ type: "text", text: replies.join("\n\n") }];
    }

    const lastTask = lastMentionedTask(options.prompt);
    const intent = parseIntent(lastUserText(options.prompt), { now, timeZone, today, ...(lastTask ? { lastTask } : {}) });
    const toolName = TOOL_FOR[intent.kind];
    const hasTool = toolName !== undefined && (options.tools ?? []).some((t) => t.name === toolName);
    if (toolName && hasTool && "args" in intent) {
      // A list ("eggs, bread and milk") is one add_task call: one change, which one undo reverts.
      const calls = [intent.kind === "add" && intent.more?.length ? { ...intent.args, more: intent.more.map((m) => m.title) } : intent.args];
      return calls.map((args) => ({
        type: "tool-call" as const,
        toolCallId: `offline-${Date.now().toString(36)}-${(callCounter++).toString(36)}`,
        toolName,
        input: JSON.stringify(args),
      }));
    }
    return [{ type: "text", text: plainReply(intent) }];
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const content = this.respond(options);
    return {
      content,
      finishReason: finishReason(content),
      usage: usage(),
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const content = this.respond(options);
    const parts: LanguageModelV3StreamPart[] = [{ type: "stream-start", warnings: [] }];
    content.forEach((c, i) => {
      if (c.type === "text") {
        const id = `text-${i}`;
        parts.push({ type: "text-start", id });
        // Word-sized deltas, so a client renders the reply as it is "written", like a real model's.
        for (const delta of c.text.match(/\S+\s*|\s+/g) ?? []) parts.push({ type: "text-delta", id, delta });
        parts.push({ type: "text-end", id });
      } else if (c.type === "tool-call") {
        parts.push(
          { type: "tool-input-start", id: c.toolCallId, toolName: c.toolName },
          { type: "tool-input-delta", id: c.toolCallId, delta: c.input },
          { type: "tool-input-end", id: c.toolCallId },
          c,
        );
      }
    });
    parts.push({ type: "finish", finishReason: finishReason(content), usage: usage() });
    return {
      stream: new ReadableStream({
        start(controller) {
          for (const p of parts) controller.enqueue(p);
          controller.close();
        },
      }),
    };
  }
}

function finishReason(content: LanguageModelV3Content[]) {
  const tools = content.some((c) => c.type === "tool-call");
  return { unified: tools ? ("tool-calls" as const) : ("stop" as const), raw: undefined };
}

function usage() {
  return {
    inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 0, text: 0, reasoning: 0 },
  };
}
