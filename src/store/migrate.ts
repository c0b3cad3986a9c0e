import type { Database } from "better-sqlite3";
import { StoreError } from "../errors.js";
import { MIGRATIONS, type Migration } from "./migrations.js";

/**
 * Brings a database up to the latest schema. Each migration runs in its own transaction together
 * with the `user_version` bump, so a crash leaves the database at a whole version.
 */
export function migrate(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  const from = db.pragma("user_version", { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new StoreError(
      "E_STORE_TOO_NEW",
      `The database is at schema version ${from}, newer than this warden knows (${latest}). Upgrade warden or point WARDEN_DB elsewhere.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return { from, to: Math.max(from, latest) };
}
