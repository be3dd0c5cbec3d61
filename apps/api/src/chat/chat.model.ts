/** Chooses the language model from configuration: OpenAI, any OpenAI-compatible API, or offline. */
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import type { LlmConfig } from "../config.ts";
import { OfflineLanguageModel } from "./offline/offline.model.ts";

export function createLanguageModel(llm: LlmConfig): LanguageModel {
  switch (llm.provider) {
    case "offline":
      return new OfflineLanguageModel();
    case "openai":
      return createOpenAI({ apiKey: llm.apiKey, ...(llm.baseURL ? { baseURL: llm.baseURL } : {}) }).chat(llm.model);
    case "openai-compatible":
      return createOpenAICompatible({
        name: llm.name,
        baseURL: llm.baseURL,
        ...(llm.apiKey ? { apiKey: llm.apiKey } : {}),
      }).chatModel(llm.model);
  }
}

/** Names the model for logs and health (never the key). */
export function describeModel(llm: LlmConfig): string {
  return llm.provider === "offline" ? "offline" : `${llm.provider}:${llm.model}`;
}
