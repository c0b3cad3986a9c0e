import type { Database } from "better-sqlite3";
import { normalizeEmail } from "../identity/normalize-email.js";

/**
 * How old a cached answer may be and still be used. A user's email can change on the chat
 * platform at any time; an older entry is read from the platform again before warden relies on it.
 */
export interface CacheFreshness {
  now: Date;
  maxAgeMs: number;
}

/** A chat_users row as both backends read it. */
export interface ChatUserRow {
  email: string;
  user_id: string | null;
  resolved_at: string;
}

/** Whether a cached answer is young enough to be used. */
export const isFresh = (row: ChatUserRow, freshness: CacheFreshness): boolean =>
  freshness.now.getTime() - Date.parse(row.resolved_at) < freshness.maxAgeMs;

/**
 * The cached chat user id for an email: a string, null when the platform said "not found",
 * undefined when never asked, when the entry is older than `maxAgeMs`, or when the email is invalid.
 */
export function getChatUserId(
  db: Database,
  platform: string,
  email: string,
  freshness: CacheFreshness,
): string | null | undefined {
  const key = normalizeEmail(email);
  if (key === undefined) return undefined;
  const row = db
    .prepare("SELECT email, user_id, resolved_at FROM chat_users WHERE platform = ? AND email = ?")
    .get(platform, key) as ChatUserRow | undefined;
  return row && isFresh(row, freshness) ? row.user_id : undefined;
}

/**
 * When the cached answer for `email` stops being used (`maxAgeMs` after it was read), so a
 * delivery waiting on a "not found" answer can be retried right then; undefined when none is cached.
 */
export function chatUserCacheExpiresAt(
  db: Database,
  platform: string,
  email: string,
  maxAgeMs: number,
): Date | undefined {
  const key = normalizeEmail(email);
  if (key === undefined) return undefined;
  const at = db
    .prepare("SELECT resolved_at FROM chat_users WHERE platform = ? AND email = ?")
    .pluck()
    .get(platform, key) as string | undefined;
  return at === undefined ? undefined : new Date(Date.parse(at) + maxAgeMs);
}

/**
 * The email of a chat user id warden has seen, normalised; undefined when unknown or older than
 * `maxAgeMs` (the caller then reads it from the platform again: users.info, TeamsInfo.getMember).
 */
export function getChatUserEmail(
  db: Database,
  platform: string,
  userId: string,
  freshness: CacheFreshness,
): string | undefined {
  const row = db
    .prepare(
      "SELECT email, user_id, resolved_at FROM chat_users WHERE platform = ? AND user_id = ? ORDER BY resolved_at DESC LIMIT 1",
    )
    .get(platform, userId) as ChatUserRow | undefined;
  return row && isFresh(row, freshness) ? row.email : undefined;
}

/**
 * Records what the platform answered: `email` belongs to `userId` (null: no such user). The email
 * is stored normalised (an invalid one is not stored). A user has one current email: any other
 * email cached for the same user id stops resolving to them, so after an email change messages for
 * the old address are looked up again instead of reaching this user.
 */
export function saveChatUser(
  db: Database,
  platform: string,
  email: string,
  userId: string | null,
  at: Date,
): void {
  const key = normalizeEmail(email);
  if (key === undefined) return;
  db.transaction(() => {
    if (userId !== null) forgetOtherEmails(db, platform, userId, key);
    db.prepare(
      `INSERT INTO chat_users (platform, email, user_id, resolved_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (platform, email) DO UPDATE SET user_id = excluded.user_id, resolved_at = excluded.resolved_at`,
    ).run(platform, key, userId, at.toISOString());
  })();
}

/** The platform reports no usable email for `userId` any more: nothing cached resolves to them. */
export function forgetChatUser(db: Database, platform: string, userId: string): void {
  forgetOtherEmails(db, platform, userId, "");
}

function forgetOtherEmails(db: Database, platform: string, userId: string, keep: string): void {
  db.prepare("DELETE FROM chat_users WHERE platform = ? AND user_id = ? AND email != ?").run(
    platform,
    userId,
    keep,
  );
}

/** What is cached for an email: the user id (null: "not found"), its DM channel, and when it was read. */
export interface CachedChatUser {
  userId: string | null;
  dmChannel: string | undefined;
  resolvedAt: Date;
}

/**
 * The cached answer for `email`, however old: the caller decides how long each kind of answer is
 * trusted (a found id far longer than "not found"). Undefined when never asked or the email is invalid.
 */
export function getCachedChatUser(db: Database, platform: string, email: string): CachedChatUser | undefined {
  const key = normalizeEmail(email);
  if (key === undefined) return undefined;
  const row = db
    .prepare(
      `SELECT u.user_id, d.channel, u.resolved_at FROM chat_users u
         LEFT JOIN chat_dm_channels d ON d.platform = u.platform AND d.user_id = u.user_id
        WHERE u.platform = ? AND u.email = ?`,
    )
    .get(platform, key) as
    | { user_id: string | null; channel: string | null; resolved_at: string }
    | undefined;
  if (!row) return undefined;
  return { userId: row.user_id, dmChannel: row.channel ?? undefined, resolvedAt: new Date(row.resolved_at) };
}

/** Records the DM channel opened with `userId`. */
export function saveDmChannel(
  db: Database,
  platform: string,
  userId: string,
  channel: string,
  at: Date,
): void {
  db.prepare(
    `INSERT INTO chat_dm_channels (platform, user_id, channel, opened_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (platform, user_id) DO UPDATE SET channel = excluded.channel, opened_at = excluded.opened_at`,
  ).run(platform, userId, channel, at.toISOString());
}

/**
 * The platform refused a post to the cached user or DM channel (channel_not_found, user_not_found,
 * account_inactive): what is cached for `email` (the user id and that user's DM channel) is
 * dropped, so the owner is looked up again.
 */
export function forgetChatUserEmail(db: Database, platform: string, email: string): void {
  const key = normalizeEmail(email);
  if (key === undefined) return;
  db.transaction(() => {
    db.prepare(
      `DELETE FROM chat_dm_channels WHERE platform = ?
         AND user_id = (SELECT user_id FROM chat_users WHERE platform = ? AND email = ?)`,
    ).run(platform, platform, key);
    db.prepare("DELETE FROM chat_users WHERE platform = ? AND email = ?").run(platform, key);
  })();
}
