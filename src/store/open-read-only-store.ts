import BetterSqlite3 from "better-sqlite3";
import { createSqliteStore } from "./create-sqlite-store.js";
import type { Store } from "./store.js";

/**
 * The store over an existing database file opened read-only (`warden doctor`): nothing is created
 * or migrated, and a write fails with SQLITE_READONLY. Throws when the file cannot be opened
 * (https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#new-databasepath-options).
 */
export function openReadOnlyStore(path: string): Store {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  return createSqliteStore(db, { location: path });
}
