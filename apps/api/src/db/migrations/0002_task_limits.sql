ALTER TABLE "tasks" ADD COLUMN "title_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "tasks_user_open_idx" ON "tasks" USING btree ("user_id") WHERE "tasks"."completed" = false;--> statement-breakpoint
-- Tasks stored before: their title's words as tasks.match.ts titleKey writes them (lower case,
-- accents and punctuation gone, space-padded), near enough for the SQL pre-selection.
UPDATE "tasks" SET "title_key" = ' ' || btrim(regexp_replace(
  regexp_replace(lower(normalize("title", NFKD)), '[\u0300-\u036f]', '', 'g'),
  '[[:space:][:punct:]]+', ' ', 'g')) || ' ';
