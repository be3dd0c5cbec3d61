/** A person's settings (GET/PATCH /api/me/settings). */
import { z } from "zod";
import { TimeZoneSchema } from "./tasks.contract.ts";

export const SettingsSchema = z.object({
  timeZone: z.string().nullable().describe("The person's IANA time zone; null until set (the API then uses UTC)"),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const UpdateSettingsSchema = z.strictObject({ timeZone: TimeZoneSchema });
export type UpdateSettings = z.infer<typeof UpdateSettingsSchema>;
