import type { Database } from "better-sqlite3";

/**
 * Runs `fn` in a transaction that takes SQLite's write lock at its start (BEGIN IMMEDIATE), or
 * inside the caller's transaction when there is one. A deferred transaction that reads and then
 * writes can fail with SQLITE_BUSY when another process wrote in between (the busy timeout does
 * not apply to that upgrade: https://www.sqlite.org/lang_transaction.html), so every transaction
 * that writes after reading goes through here.
 */
export function writeTransaction<T>(db: Database, fn: () => T): T {
  return db.inTransaction ? fn() : db.transaction(fn).immediate();
}
