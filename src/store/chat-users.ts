import type { Database } from "better-sqlite3";

/** The cached chat user id for an email: a string, null when the platform said "not found", undefined when never asked. */
export function getChatUserId(db: Database, platform: string, email: string): string | null | undefined {
  const row = db
    .prepare("SELECT user_id FROM chat_users WHERE platform = ? AND email = ?")
    .get(platform, email.toLowerCase()) as { user_id: string | null } | undefined;
  return row === undefined ? undefined : row.user_id;
}

/** The email of a chat user id warden has seen. */
export function getChatUserEmail(db: Database, platform: string, userId: string): string | undefined {
  return db
    .prepare(
      "SELECT email FROM chat_users WHERE platform = ? AND user_id = ? ORDER BY resolved_at DESC LIMIT 1",
    )
    .pluck()
    .get(platform, userId) as string | undefined;
}

export function saveChatUser(
  db: Database,
  platform: string,
  email: string,
  userId: string | null,
  at: Date,
): void {
  db.prepare(
    `INSERT INTO chat_users (platform, email, user_id, resolved_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (platform, email) DO UPDATE SET user_id = excluded.user_id, resolved_at = excluded.resolved_at`,
  ).run(platform, email.toLowerCase(), userId, at.toISOString());
}
