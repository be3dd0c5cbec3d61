/** A person's settings (their time zone). Every query is scoped by the owner's user id. */
import { eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { userSettings } from "../db/schema.ts";

/** The zone the API uses for a person who has not set one. */
export const DEFAULT_TIME_ZONE = "UTC";

export class SettingsRepository {
  constructor(private readonly db: Database) {}

  /** The person's stored time zone, or null when they have none yet. */
  async timeZone(userId: string): Promise<string | null> {
    const [row] = await this.db.select({ timeZone: userSettings.timeZone }).from(userSettings).where(eq(userSettings.userId, userId));
    return row?.timeZone ?? null;
  }

  /** The stored time zone, its row locked until the transaction ends (a zone change reads, then writes it). */
  async lockTimeZone(userId: string): Promise<string | null> {
    const [row] = await this.db.select({ timeZone: userSettings.timeZone }).from(userSettings).where(eq(userSettings.userId, userId)).for("update");
    return row?.timeZone ?? null;
  }

  async setTimeZone(userId: string, timeZone: string): Promise<void> {
    await this.db
      .insert(userSettings)
      .values({ userId, timeZone })
      .onConflictDoUpdate({ target: userSettings.userId, set: { timeZone, updatedAt: new Date() } });
  }
}
