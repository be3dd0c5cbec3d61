/**
 * Text a PostgreSQL `text` or `jsonb` column can store as it was sent: no NUL character (PostgreSQL
 * refuses it) and no lone UTF-16 surrogate (not a character at all; `jsonb` refuses it and a UTF-8
 * encoder silently turns it into U+FFFD). Every free-text field of every shape is checked with this.
 */
import { z } from "zod";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as it is, or undefined when it can. */
export function unstorableText(value: string): string | undefined {
  if (value.includes("\u0000")) return "contains a NUL character (\\u0000)";
  if (LONE_SURROGATE.test(value)) return "contains a lone UTF-16 surrogate (not a character)";
  return undefined;
}

/** A string schema's check that the text is storable; the message names the field. */
export function storableText(field: string) {
  return z.string().superRefine((value, ctx) => {
    const problem = unstorableText(value);
    if (problem) ctx.addIssue({ code: "custom", message: `${field} ${problem}`, abort: true });
  });
}

/** The same text made storable: NUL and lone surrogates become U+FFFD (for text we did not validate, a model's). */
export function toStorableText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character this replaces (PostgreSQL text cannot hold it).
  return value.replace(/\u0000/g, "\uFFFD").replace(new RegExp(LONE_SURROGATE.source, "g"), "\uFFFD");
}

/** A JSON value with every string (keys too) made storable. */
export function toStorableJson(value: unknown): unknown {
  if (typeof value === "string") return toStorableText(value);
  if (Array.isArray(value)) return value.map(toStorableJson);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [toStorableText(k), toStorableJson(v)]));
}
