ALTER TABLE "messages" ADD COLUMN "tool_results" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
-- Messages stored before: each call's result moves to tool_results, and its text answer becomes the
-- result as JSON text (or the error message), which is what the model was shown of it then.
UPDATE "messages" SET
  "tool_results" = "split"."results",
  "tool_calls" = "split"."calls"
FROM (
  SELECT "message"."id",
    jsonb_agg(coalesce("call" -> 'result', 'null'::jsonb) ORDER BY "n") AS "results",
    jsonb_agg(
      ("call" - 'result') || jsonb_build_object('text', CASE
        WHEN jsonb_typeof("call" -> 'result') = 'string' THEN "call" ->> 'result'
        ELSE coalesce("call" -> 'result', 'null'::jsonb)::text
      END) ORDER BY "n") AS "calls"
  FROM "messages" AS "message", jsonb_array_elements("message"."tool_calls") WITH ORDINALITY AS "calls"("call", "n")
  GROUP BY "message"."id"
) AS "split"
WHERE "messages"."id" = "split"."id";
