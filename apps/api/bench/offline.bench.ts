/**
 * How much the offline assistant understands: runs the corpus (src/chat/offline/offline.corpus.ts)
 * through the model and prints how many phrasings get exactly the right tool calls, and which do not.
 *
 *   npm run bench:offline -w @todo/api
 *   npm run bench:offline -w @todo/api -- /path/to/other/offline.model.ts   (another version, e.g. main's)
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { CORPUS, CORPUS_NOW, answer, isRight } from "../src/chat/offline/offline.corpus.ts";

const modelPath = process.argv[2] ? resolve(process.argv[2]) : resolve(import.meta.dirname, "../src/chat/offline/offline.model.ts");
const { OfflineLanguageModel } = (await import(pathToFileURL(modelPath).href)) as {
  OfflineLanguageModel: new (clock: () => Date) => LanguageModelV3;
};
const model = new OfflineLanguageModel(() => CORPUS_NOW);

const wrong: string[] = [];
const started = performance.now();
for (const entry of CORPUS) {
  const got = await answer(model, entry);
  if (!isRight(entry, got))
    wrong.push(
      `  ✗ ${entry.after ? "(after a reply) " : ""}"${entry.say}" → ${got.calls.length ? JSON.stringify(got.calls) : JSON.stringify(got.text.slice(0, 80))}`,
    );
}
const ms = performance.now() - started;
const right = CORPUS.length - wrong.length;
console.log(`offline model: ${modelPath}`);
if (wrong.length) console.log(`wrong:\n${wrong.join("\n")}`);
console.log(`corpus: ${right}/${CORPUS.length} right (${((100 * right) / CORPUS.length).toFixed(1)}%), ${(ms / CORPUS.length).toFixed(3)} ms per phrasing`);
