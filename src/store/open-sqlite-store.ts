import { createSqliteStore } from "./create-sqlite-store.js";
import { openAndMigrate } from "./open-database.js";
import type { Store } from "./store.js";

/** The store over the SQLite file at `path`, created and migrated if needed (openDatabase). */
export function openSqliteStore(path: string): Store {
  return openAndMigrateStore(path).store;
}

/** openSqliteStore, also saying which schema versions the migration went from and to (`warden migrate`). */
export function openAndMigrateStore(path: string): { store: Store; migrated: { from: number; to: number } } {
  const { db, migrated } = openAndMigrate(path);
  return { store: createSqliteStore(db, { location: path }), migrated };
}
