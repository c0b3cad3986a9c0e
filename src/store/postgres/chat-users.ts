import { normalizeEmail } from "../../identity/normalize-email.js";
import type { CachedChatUser, CacheFreshness, ChatUserRow } from "../chat-users.js";
import { isFresh } from "../chat-users.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/**
 * The first key of the (int, int) advisory locks a save takes on one chat user ("chus"); the second
 * is a hash of the platform and user id. Two-key locks never collide with the one-key locks of the
 * audit log or scan claims: https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
 */
const CHAT_USER_LOCK = 0x63687573;

/** src/store/chat-users.ts getChatUserId. */
export async function getChatUserId(
  db: PgDb,
  platform: string,
  email: string,
  freshness: CacheFreshness,
): Promise<string | null | undefined> {
  const key = normalizeEmail(email);
  if (key === undefined) return undefined;
  const [row] = await db.query<ChatUserRow>(
    "SELECT email, user_id, resolved_at FROM chat_users WHERE platform = $1 AND email = $2",
    [platform, key],
  );
  return row && isFresh(row, freshness) ? row.user_id : undefined;
}

/** src/store/chat-users.ts chatUserCacheExpiresAt. */
export async function chatUserCacheExpiresAt(
  db: PgDb,
  platform: string,
  email: string,
  maxAgeMs: number,
): Promise<Date | undefined> {
  const key = normalizeEmail(email);
  if (key === undefined) return undefined;
  const [row] = await db.query<{ resolved_at: string }>(
    "SELECT resolved_at FROM chat_users WHERE platform = $1 AND email = $2",
    [platform, key],
  );
  return row === undefined ? undefined : new Date(Date.parse(row.resolved_at) + maxAgeMs);
}

/** src/store/chat-users.ts getChatUserEmail. */
export async function getChatUserEmail(
  db: PgDb,
  platform: string,
  userId: string,
  freshness: CacheFreshness,
): Promise<string | undefined> {
  const [row] = await db.query<ChatUserRow>(
    "SELECT email, user_id, resolved_at FROM chat_users WHERE platform = $1 AND user_id = $2 ORDER BY resolved_at DESC LIMIT 1",
    [platform, userId],
  );
  return row && isFresh(row, freshness) ? row.email : undefined;
}

/**
 * src/store/chat-users.ts saveChatUser. Under READ COMMITTED two saves of one user with two emails
 * would each delete the other emails they can see (not the other's uncommitted insert) and both
 * insert, leaving the user with two current emails; an advisory lock on the user makes them take
 * turns, as SQLite's write lock does.
 */
export async function saveChatUser(
  db: PgDb,
  platform: string,
  email: string,
  userId: string | null,
  at: Date,
): Promise<void> {
  const key = normalizeEmail(email);
  if (key === undefined) return;
  await db.transaction(async (tx) => {
    if (userId !== null) {
      await tx.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [
        CHAT_USER_LOCK,
        JSON.stringify([platform, userId]),
      ]);
      await forgetOtherEmails(tx, platform, userId, key);
    }
    await tx.execute(
      `INSERT INTO chat_users (platform, email, user_id, resolved_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (platform, email) DO UPDATE SET user_id = excluded.user_id, resolved_at = excluded.resolved_at`,
      [platform, key, userId, at.toISOString()],
    );
  });
}

/** src/store/chat-users.ts forgetChatUser (one statement: it needs no lock). */
export async function forgetChatUser(db: PgDb, platform: string, userId: string): Promise<void> {
  await forgetOtherEmails(db, platform, userId, "");
}

async function forgetOtherEmails(db: PgDb, platform: string, userId: string, keep: string): Promise<void> {
  await db.execute("DELETE FROM chat_users WHERE platform = $1 AND user_id = $2 AND email != $3", [
    platform,
    userId,
    keep,
  ]);
}

/** src/store/chat-users.ts getCachedChatUser. */
export async function getCachedChatUser(
  db: PgDb,
  platform: string,
  email: string,
): Promise<CachedChatUser | undefined> {
  const key = normalizeEmail(email);
  if (key === undefined) return undefined;
  const [row] = await db.query<{ user_id: string | null; channel: string | null; resolved_at: string }>(
    `SELECT u.user_id, d.channel, u.resolved_at FROM chat_users u
       LEFT JOIN chat_dm_channels d ON d.platform = u.platform AND d.user_id = u.user_id
      WHERE u.platform = $1 AND u.email = $2`,
    [platform, key],
  );
  if (!row) return undefined;
  return { userId: row.user_id, dmChannel: row.channel ?? undefined, resolvedAt: new Date(row.resolved_at) };
}

/** src/store/chat-users.ts saveDmChannel. */
export async function saveDmChannel(
  db: PgDb,
  platform: string,
  userId: string,
  channel: string,
  at: Date,
): Promise<void> {
  await db.execute(
    `INSERT INTO chat_dm_channels (platform, user_id, channel, opened_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (platform, user_id) DO UPDATE SET channel = excluded.channel, opened_at = excluded.opened_at`,
    [platform, userId, channel, at.toISOString()],
  );
}

/** src/store/chat-users.ts forgetChatUserEmail: both deletes in one transaction. */
export async function forgetChatUserEmail(db: PgDb, platform: string, email: string): Promise<void> {
  const key = normalizeEmail(email);
  if (key === undefined) return;
  await db.transaction(async (tx) => {
    await tx.execute(
      `DELETE FROM chat_dm_channels WHERE platform = $1
         AND user_id = (SELECT user_id FROM chat_users WHERE platform = $1 AND email = $2)`,
      [platform, key],
    );
    await tx.execute("DELETE FROM chat_users WHERE platform = $1 AND email = $2", [platform, key]);
  });
}

/** src/store/chat-user-time-zones.ts getUserTimeZone. */
export async function getUserTimeZone(
  db: PgDb,
  platform: string,
  userId: string,
): Promise<string | undefined> {
  const [row] = await db.query<{ time_zone: string }>(
    "SELECT time_zone FROM chat_user_time_zones WHERE platform = $1 AND user_id = $2",
    [platform, userId],
  );
  return row?.time_zone;
}

/**
 * src/store/chat-user-time-zones.ts saveUserTimeZone. The existing row is named by its table in
 * DO UPDATE: PostgreSQL finds a bare column there ambiguous with `excluded`.
 * https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT
 */
export async function saveUserTimeZone(
  db: PgDb,
  platform: string,
  userId: string,
  timeZone: string,
  at: Date,
): Promise<void> {
  await db.execute(
    `INSERT INTO chat_user_time_zones (platform, user_id, time_zone, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (platform, user_id) DO UPDATE SET time_zone = excluded.time_zone, updated_at = excluded.updated_at
       WHERE chat_user_time_zones.time_zone != excluded.time_zone`,
    [platform, userId, timeZone, at.toISOString()],
  );
}

/** The chatUsers repository of the PostgreSQL store. */
export const CHAT_USERS_PG = {
  getUserTimeZone,
  saveUserTimeZone,
  getChatUserId,
  getChatUserEmail,
  chatUserCacheExpiresAt,
  saveChatUser,
  forgetChatUser,
  getCachedChatUser,
  saveDmChannel,
  forgetChatUserEmail,
} satisfies Partial<PostgresQueries["chatUsers"]>;
