import type { Database } from "better-sqlite3";

/** The time zone `userId`'s client last reported (an IANA name), or undefined when none did. */
export function getUserTimeZone(db: Database, platform: string, userId: string): string | undefined {
  return db
    .prepare("SELECT time_zone FROM chat_user_time_zones WHERE platform = ? AND user_id = ?")
    .pluck()
    .get(platform, userId) as string | undefined;
}

/** Records the time zone `userId`'s client reported; a row already holding it is left as it is. */
export function saveUserTimeZone(
  db: Database,
  platform: string,
  userId: string,
  timeZone: string,
  at: Date,
): void {
  db.prepare(
    `INSERT INTO chat_user_time_zones (platform, user_id, time_zone, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (platform, user_id) DO UPDATE SET time_zone = excluded.time_zone, updated_at = excluded.updated_at
       WHERE time_zone != excluded.time_zone`,
  ).run(platform, userId, timeZone, at.toISOString());
}
