/**
 * The choices the task UI offers. They mirror @todo/contracts, checked by the compiler below, so
 * the pages don't pull zod (which importing a value from the contracts package does) into their
 * first load; the schemas themselves load on demand in task-form.ts.
 */
import type { ListTasksQuery, Priority } from "@todo/contracts";

export const PRIORITIES = ["low", "medium", "high"] as const satisfies readonly Priority[];
export const TASK_STATUSES = ["all", "pending", "completed"] as const satisfies readonly ListTasksQuery["status"][];

// Fails to compile if the contracts gain a priority or status these lists lack.
type Missing<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
export const exhaustive: [Missing<Priority, (typeof PRIORITIES)[number]>, Missing<ListTasksQuery["status"], (typeof TASK_STATUSES)[number]>] = [true, true];
