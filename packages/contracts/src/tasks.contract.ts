/**
 * Task shapes: one schema per shape, used to validate REST bodies, MCP tool inputs and web forms.
 */
import { z } from "zod";
import {
  ADD_MANY_MAX,
  BULK_SELECTED_MAX,
  DEFAULT_PRIORITY,
  DUE_YEARS,
  PRIORITIES,
  SORT_ORDERS,
  TASK_LIMITS,
  TASK_NUMBER_MAX,
  TASK_SORTS,
  TASK_STATUSES,
} from "./constants.ts";
import { storableText } from "./text.contract.ts";

export const PrioritySchema = z.enum(PRIORITIES);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether text is a calendar date, YYYY-MM-DD, that really exists (2026-02-30 does not). */
function isCalendarDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A calendar date, YYYY-MM-DD, that really exists (2026-02-30 is rejected), in DUE_YEARS. Checked in
 * code rather than by zod's ISO-date pattern: its JSON Schema is `format: "date"` alone, where the
 * generated leap-year pattern cost ~330 bytes of every tool definition a model receives.
 */
export const DueDateSchema = z
  .string()
  .superRefine((d, ctx) => {
    if (!isCalendarDate(d)) ctx.addIssue({ code: "custom", message: "a real date as YYYY-MM-DD", abort: true });
    else {
      const year = Number(d.slice(0, 4));
      if (year < DUE_YEARS.min || year > DUE_YEARS.max) {
        ctx.addIssue({ code: "custom", message: `a date between ${DUE_YEARS.min}-01-01 and ${DUE_YEARS.max}-12-31` });
      }
    }
  })
  .meta({ format: "date" });

/** Whether text is an IANA time zone this runtime knows (Europe/Paris, America/New_York, UTC). */
export function isTimeZone(text: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: text });
    return /^[A-Za-z_+\-/0-9]+$/.test(text);
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, "timeZone must be an IANA time zone such as Europe/Paris")
  .describe("IANA time zone, e.g. Europe/Paris");

/** A local wall time, 24-hour HH:MM. */
export const DueTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time as HH:MM (24-hour)");

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?$/;

/**
 * A due date as REST, the MCP tools and the web send it: YYYY-MM-DD (all day), or a local date-time
 * YYYY-MM-DDTHH:MM in the task's time zone (no offset: 17:00 means 17:00 where the person is).
 */
const DueInputSchema = z
  .string()
  .superRefine((v, ctx) => {
    const m = LOCAL_DATE_TIME.exec(v);
    const parsed = DueDateSchema.safeParse(m ? m[1]! : v);
    if (!parsed.success) ctx.addIssue({ code: "custom", message: parsed.error.issues[0]?.message ?? "a real date as YYYY-MM-DD" });
    else if (!m && v.length > 10) ctx.addIssue({ code: "custom", message: "a date as YYYY-MM-DD or a local date-time as YYYY-MM-DDTHH:MM, without an offset" });
    else if (m && !DueTimeSchema.safeParse(m[2]).success) ctx.addIssue({ code: "custom", message: "a time as HH:MM (24-hour)" });
  })
  .describe("YYYY-MM-DD or YYYY-MM-DDTHH:MM (local)");

/** A due date as given, split: "2026-12-07T17:00" → date 2026-12-07, time 17:00 (an explicit dueTime wins). */
export function splitDue(
  dueDate: string | null | undefined,
  dueTime: string | null | undefined,
): { dueDate: string | null | undefined; dueTime: string | null | undefined } {
  const m = dueDate ? LOCAL_DATE_TIME.exec(dueDate) : null;
  if (!m) return { dueDate, dueTime };
  return { dueDate: m[1]!, dueTime: dueTime === undefined ? m[2]! : dueTime };
}

/** An RFC 5545 recurrence rule, e.g. FREQ=WEEKLY;BYDAY=MO,TH (checked fully by the API). */
export const RepeatSchema = z
  .string()
  .trim()
  .max(300, "repeat is at most 300 characters")
  .refine((v) => /^(?:RRULE:)?FREQ=[A-Z]+(?:;[A-Z]+=[A-Za-z0-9,+-]+)*$/i.test(v), "repeat must be an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=MO")
  .describe("RRULE e.g. FREQ=WEEKLY;BYDAY=MO; null stops");

export const TagSchema = storableText("tag")
  .trim()
  .toLowerCase()
  .min(1, "tags cannot be empty")
  .max(TASK_LIMITS.tagMax, `tags are at most ${TASK_LIMITS.tagMax} characters`)
  .regex(/^[\p{L}\p{N}_-]+$/u, "tags are single words: letters, digits, - and _");

const TitleSchema = storableText("title")
  .trim()
  .min(1, "Give the task a title")
  .max(TASK_LIMITS.titleMax, `title is at most ${TASK_LIMITS.titleMax} characters`);

const DescriptionSchema = storableText("description").max(TASK_LIMITS.descriptionMax, `description is at most ${TASK_LIMITS.descriptionMax} characters`);

const TagsSchema = z
  .array(TagSchema)
  .max(TASK_LIMITS.tagsMax, `at most ${TASK_LIMITS.tagsMax} tags`)
  .transform((tags) => [...new Set(tags)])
  .describe("One-word labels, e.g. work");

export const TaskSchema = z.object({
  id: z.uuid().describe("Stable id used in REST URLs"),
  number: z.int().positive().describe("The task's number in its owner's list (#3); never reused"),
  title: z.string(),
  description: z.string(),
  completed: z.boolean(),
  priority: PrioritySchema,
  dueDate: DueDateSchema.nullable(),
  dueTime: DueTimeSchema.nullable().describe("Local wall time HH:MM on dueDate; null: all day"),
  timeZone: z.string().nullable().describe("The IANA zone dueTime and repeat are meant in"),
  dueAt: z.iso.datetime().nullable().describe("Read-only: the instant dueDate + dueTime is, in timeZone; null for all-day tasks"),
  repeat: z.string().nullable().describe("RFC 5545 rule the task repeats by"),
  repeatText: z.string().nullable().describe("The rule in words: every weekday at 09:00"),
  tags: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  deletedAt: z.iso.datetime().nullable().describe("Set while the task is in the Trash"),
});
export type Task = z.infer<typeof TaskSchema>;

const TIMING_FIELDS = {
  dueTime: DueTimeSchema.nullable().describe("HH:MM; null: all day").optional(),
  timeZone: TimeZoneSchema.optional().describe("Zone of dueTime; default the person's"),
  repeat: RepeatSchema.nullable().optional(),
};

export const CreateTaskSchema = z.strictObject({
  title: TitleSchema,
  description: DescriptionSchema.default(""),
  priority: PrioritySchema.default(DEFAULT_PRIORITY),
  dueDate: DueInputSchema.nullish().transform((v) => v ?? null),
  ...TIMING_FIELDS,
  tags: TagsSchema.default([]),
});
export type CreateTaskInput = z.input<typeof CreateTaskSchema>;
export type CreateTask = z.output<typeof CreateTaskSchema>;

/** UpdateTaskSchema's fields, before the "give at least one" rule (the MCP tool leaves some out). */
export const UpdateTaskFields = z.strictObject({
  title: TitleSchema.optional(),
  description: DescriptionSchema.optional(),
  completed: z.boolean().describe("false reopens the task").optional(),
  priority: PrioritySchema.optional(),
  dueDate: DueInputSchema.nullable().describe("null clears it (and its time and rule)").optional(),
  ...TIMING_FIELDS,
  tags: TagsSchema.optional(),
});
const SOME_FIELD = { message: "nothing to update: give at least one field" };
export const UpdateTaskSchema = UpdateTaskFields.refine((v) => Object.keys(v).length > 0, SOME_FIELD);
export type UpdateTaskInput = z.input<typeof UpdateTaskSchema>;
export type UpdateTask = z.output<typeof UpdateTaskSchema>;

export const ListTasksQuerySchema = z.strictObject({
  status: z.enum(TASK_STATUSES).default("all"),
  priority: PrioritySchema.optional(),
  tag: TagSchema.optional(),
  dueBefore: DueDateSchema.optional().describe("Due on or before"),
  dueAfter: DueDateSchema.optional().describe("Due on or after"),
  q: storableText("q").trim().max(TASK_LIMITS.qMax, `q is at most ${TASK_LIMITS.qMax} characters`).optional().describe("Words in the title or description"),
  sort: z.enum(TASK_SORTS).default("created"),
  order: z.enum(SORT_ORDERS).optional().describe("Default: desc for created and priority, else asc"),
  limit: z.coerce
    .number()
    .int()
    .min(1, "limit is at least 1")
    .max(TASK_LIMITS.listMax, `limit is at most ${TASK_LIMITS.listMax}`)
    .default(TASK_LIMITS.listDefault),
  offset: z.coerce.number().int().min(0, "offset cannot be negative").max(1_000_000).default(0),
});
export type ListTasksQuery = z.output<typeof ListTasksQuerySchema>;

/** GET /api/tasks/me: the seed's plain array, a page at a time (oldest first); `after` is the last number seen. */
export const MyTasksQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1, "limit is at least 1").max(TASK_LIMITS.pageMax, `limit is at most ${TASK_LIMITS.pageMax}`).default(TASK_LIMITS.pageMax),
  after: z.coerce.number().int().min(0, "after cannot be negative").max(TASK_NUMBER_MAX).default(0).describe("Only tasks numbered after this one"),
});
export type MyTasksQuery = z.output<typeof MyTasksQuerySchema>;

/** A task as the list shows it: with when its next reminder fires, for the row's bell. */
export const ListedTaskSchema = TaskSchema.extend({
  nextReminderAt: z.iso.datetime().nullable().describe("Read-only: when the task's next pending reminder fires; null: none"),
});
export type ListedTask = z.infer<typeof ListedTaskSchema>;

export const TaskPageSchema = z.object({
  tasks: z.array(ListedTaskSchema),
  total: z.int().describe("How many tasks match the filters, ignoring limit and offset"),
  limit: z.int(),
  offset: z.int(),
});
export type TaskPage = z.infer<typeof TaskPageSchema>;

/** How a person or a model points at one task: its number (#3) or words from its title. */
export const TaskRefSchema = z.strictObject({
  number: z.int().positive().max(TASK_NUMBER_MAX, `number is at most ${TASK_NUMBER_MAX}`).optional().describe("The task's number (3 for #3)"),
  match: storableText("match").trim().min(1).max(TASK_LIMITS.titleMax).optional().describe("Else words from its title ('milk' for 'Buy milk')"),
});
export type TaskRef = z.infer<typeof TaskRefSchema>;

/** Which tasks a bulk change acts on: the filters of list_tasks, so it selects exactly what a list would show. */
export const TaskFilterSchema = z.strictObject({
  status: z.enum(TASK_STATUSES).default("all"),
  priority: PrioritySchema.optional(),
  tag: TagSchema.optional(),
  // The same fields as ListTasksQuerySchema's, without descriptions: the model has read them in list_tasks.
  dueBefore: DueDateSchema.optional(),
  dueAfter: DueDateSchema.optional(),
  q: storableText("q").trim().max(TASK_LIMITS.qMax, `q is at most ${TASK_LIMITS.qMax} characters`).optional(),
});
export type TaskFilter = z.output<typeof TaskFilterSchema>;

/** What a bulk change does to every task it selects. */
export const BulkChangesSchema = z
  .strictObject({
    completed: z.boolean().describe("false reopens").optional(),
    priority: PrioritySchema.optional(),
    dueDate: DueDateSchema.nullable().describe("null clears it").optional(),
    addTag: TagSchema.optional(),
    delete: z.literal(true).describe("To the Trash").optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to change: give at least one field" })
  .refine((v) => !v.delete || Object.keys(v).length === 1, { message: "delete cannot be combined with other changes" });
export type BulkChanges = z.output<typeof BulkChangesSchema>;

export const BulkUpdateSchema = z.strictObject({ filter: TaskFilterSchema, changes: BulkChangesSchema });
export type BulkUpdate = z.output<typeof BulkUpdateSchema>;

/** A bulk change of the tasks a person picked on the tasks page: by id, all of them or none. */
export const BulkSelectedSchema = z.strictObject({
  ids: z
    .array(z.uuid("each id must be a task id (a UUID)"))
    .min(1, "pick at least one task")
    .max(BULK_SELECTED_MAX, `at most ${BULK_SELECTED_MAX} tasks at once`)
    .describe("The tasks to change"),
  changes: BulkChangesSchema,
});
export type BulkSelected = z.output<typeof BulkSelectedSchema>;

/** What a bulk change did (or, as a preview, would do): how many tasks, and the first few. */
export const BulkResultSchema = z.object({
  count: z.int().describe("How many tasks it changed (a preview: would change)"),
  tasks: z.array(TaskSchema).describe("The first few of them"),
});
export type BulkResult = z.infer<typeof BulkResultSchema>;

/** Several titles at once, each with the same details: "add eggs, bread and milk to shopping". */
export const AddTitlesSchema = z.array(TitleSchema).min(1).max(ADD_MANY_MAX, `at most ${ADD_MANY_MAX} titles at once`);

/** What an undo reverted: the change it undid and the tasks as they are now (an undone add: as they were). */
export const UndoResultSchema = z.object({
  op: z.string().describe("The undone change: add, complete, reopen, update, delete, restore or bulk"),
  count: z.int(),
  tasks: z.array(TaskSchema),
});
export type UndoResult = z.infer<typeof UndoResultSchema>;

export const TrashPageSchema = z.object({ tasks: z.array(TaskSchema), total: z.int() });
export type TrashPage = z.infer<typeof TrashPageSchema>;

/** Quick add: a line as typed ("pay rent friday #home !high") to understand, nothing stored. */
export const ParseTaskRequestSchema = z.strictObject({
  text: storableText("text")
    .max(TASK_LIMITS.titleMax * 2, `text is at most ${TASK_LIMITS.titleMax * 2} characters`)
    .describe("The line as typed in the add box"),
  timeZone: TimeZoneSchema.optional().describe("The person's time zone, so 'today' and 'friday' mean their day (default UTC)"),
});
export type ParseTaskRequest = z.infer<typeof ParseTaskRequestSchema>;

/** What quick add understood: the title without the date, tag and priority words, and those fields. */
export const ParsedTaskSchema = z.object({
  title: z.string().describe("The title left once the date, tags and priority are taken out (may be empty)"),
  priority: PrioritySchema.optional().describe("Only when the text named one (!high, 'urgent', 'low priority')"),
  dueDate: z.string().optional().describe("YYYY-MM-DD in the person's time zone, when the text named a day"),
  tags: z.array(z.string()).describe("#tags and 'tagged x' words, lower-cased"),
});
export type ParsedTask = z.infer<typeof ParsedTaskSchema>;
