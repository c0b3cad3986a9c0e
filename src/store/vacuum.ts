import type { Database } from "better-sqlite3";

/** SQLite's auto_vacuum values (https://www.sqlite.org/pragma.html#pragma_auto_vacuum). */
const INCREMENTAL = 2;

/**
 * A new database gets `auto_vacuum = INCREMENTAL`, so the pages retention frees can be given back
 * to the file system (incrementalVacuum) instead of only being reused. The mode can be set only
 * before the first table is created: called before the first migration, it does nothing on a
 * database that already has tables. Returns whether it set the mode.
 */
export function setIncrementalVacuumIfEmpty(db: Database): boolean {
  const tables = db.prepare("SELECT count(*) FROM sqlite_schema").pluck().get() as number;
  if (tables > 0) return false;
  db.pragma("auto_vacuum = INCREMENTAL");
  return true;
}

/** Whether freed pages can be returned to the file system (auto_vacuum = INCREMENTAL). */
export function hasIncrementalVacuum(db: Database): boolean {
  return (db.pragma("auto_vacuum", { simple: true }) as number) === INCREMENTAL;
}

/**
 * Switches an existing database to `auto_vacuum = INCREMENTAL`: the change takes effect only with
 * a VACUUM, which rewrites the whole file (it needs about as much free disk as the database takes,
 * and cannot run inside a transaction: https://www.sqlite.org/lang_vacuum.html). `warden migrate`
 * does it once, as the one-off job before a rollout; `warden serve` never does, as it would hold the
 * database for as long as the rewrite takes. A VACUUM that fails (a full disk) leaves the database
 * as it was. Returns whether the database was converted.
 */
export function convertToIncrementalVacuum(db: Database): boolean {
  if (hasIncrementalVacuum(db) || db.inTransaction) return false;
  db.pragma("auto_vacuum = INCREMENTAL");
  db.exec("VACUUM");
  return hasIncrementalVacuum(db);
}

/**
 * Gives up to `pages` free pages back to the file system (`PRAGMA incremental_vacuum(N)`), one
 * short write; returns how many free pages remain (0 on a database without incremental vacuum,
 * whose free pages are reused by later writes instead).
 */
export function incrementalVacuum(db: Database, pages: number): number {
  if (!hasIncrementalVacuum(db)) return 0;
  db.exec(`PRAGMA incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
  return db.pragma("freelist_count", { simple: true }) as number;
}

/**
 * Copies the WAL into the database file and truncates it to zero bytes
 * (https://www.sqlite.org/pragma.html#pragma_wal_checkpoint). TRUNCATE waits for readers of other
 * processes through the busy handler: the wait is switched off here, so a reader in another
 * process makes this a no-op (retried after the next scan) rather than blocking the event loop for
 * the busy timeout. Returns whether the WAL was truncated.
 */
export function truncateWal(db: Database): boolean {
  const timeout = db.pragma("busy_timeout", { simple: true }) as number;
  db.pragma("busy_timeout = 0");
  try {
    const [result] = db.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
    return result?.busy === 0;
  } catch {
    return false;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}
