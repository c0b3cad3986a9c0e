import BetterSqlite3, { type Database } from "better-sqlite3";
import { onTestFinished } from "vitest";

/**
 * A second connection to warden's SQLite file, for a test to read what warden committed or to set
 * up a state warden must meet (an item left 'sending' by a crash). warden itself sees its database
 * only through the store port; with WAL, this connection reads every committed write
 * (https://www.sqlite.org/wal.html) and waits out warden's write lock instead of failing.
 */
export function inspectDatabase(path: string): Database {
  const db = new BetterSqlite3(path);
  db.pragma("busy_timeout = 5000");
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return db;
}
