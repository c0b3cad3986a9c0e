import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3, { type Database } from "better-sqlite3";
import { StoreError } from "../errors.js";
import { rememberDatabaseFile } from "./check-writable.js";
import { migrate } from "./migrate.js";

/**
 * Opens (creating if needed) the SQLite database and migrates it. WAL lets readers (the HTTP
 * server's lookups) run while a scan writes; a busy timeout rides out a concurrent CLI command.
 */
export function openDatabase(path: string): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  let db: Database;
  try {
    db = new BetterSqlite3(path);
  } catch (error) {
    throw new StoreError(
      "E_STORE_OPEN",
      `Cannot open the database at ${path} (WARDEN_DB): ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  // The file opened now: checkDatabaseWritable notices when WARDEN_DB later names another one.
  rememberDatabaseFile(db, path);
  return db;
}
