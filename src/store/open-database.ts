import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3, { type Database } from "better-sqlite3";
import { StoreError } from "../errors.js";
import { rememberDatabaseFile } from "./check-writable.js";
import { migrate } from "./migrate.js";
import { convertToIncrementalVacuum, setIncrementalVacuumIfEmpty } from "./vacuum.js";

/**
 * Opens (creating if needed) the SQLite database and migrates it. WAL lets readers (the HTTP
 * server's lookups) run while a scan writes; a busy timeout rides out a concurrent CLI command.
 */
export function openDatabase(path: string): Database {
  return openAndMigrate(path, { convertVacuum: false }).db;
}

/**
 * openDatabase, also saying which schema versions the migration went from and to (`warden migrate`).
 * Every failure is a StoreError with one sentence naming WARDEN_DB and the path.
 *
 * A new database is created with incremental vacuum (src/store/vacuum.ts). An older one is switched
 * to it here, by a VACUUM after the migrations, unless `convertVacuum` is false: `warden migrate`
 * converts, every other command (openDatabase) leaves the rewrite to it.
 */
export function openAndMigrate(
  path: string,
  options: { convertVacuum?: boolean } = {},
): { db: Database; migrated: { from: number; to: number }; convertedVacuum: boolean } {
  const fail = (what: string, error: unknown) =>
    new StoreError("E_STORE_OPEN", `cannot use the database ${path} (WARDEN_DB): ${what}`, {
      cause: error,
    });
  if (path !== ":memory:") {
    const dir = dirname(path);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw fail(`its directory ${dir} cannot be created (${describeFsError(error)})`, error);
    }
  }
  let db: Database;
  try {
    db = new BetterSqlite3(path);
  } catch (error) {
    throw fail(`it cannot be opened (${permissionProblem(path) ?? messageOf(error)})`, error);
  }
  try {
    // Before anything creates a table (the journal mode does not): https://www.sqlite.org/pragma.html#pragma_auto_vacuum
    setIncrementalVacuumIfEmpty(db);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    const migrated = migrate(db);
    const convertedVacuum =
      options.convertVacuum !== false && path !== ":memory:" && convertToIncrementalVacuum(db);
    // The file opened now: checkDatabaseWritable notices when WARDEN_DB later names another one.
    rememberDatabaseFile(db, path);
    return { db, migrated, convertedVacuum };
  } catch (error) {
    db.close();
    // A database from a newer warden says so itself.
    if (error instanceof StoreError) throw error;
    throw fail(`it cannot be prepared (${permissionProblem(path) ?? messageOf(error)})`, error);
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Why SQLite could not open or write `path`, when permissions say so: it writes the file and,
 * beside it, the `-wal` and `-shm` files (https://www.sqlite.org/tempfiles.html).
 */
function permissionProblem(path: string): string | undefined {
  if (path === ":memory:") return undefined;
  for (const [target, what] of [
    [path, "the file"],
    [dirname(path), "its directory"],
  ] as const) {
    if (target === path && !existsSync(path)) continue;
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      return `${what} ${target} is not writable: ${describeFsError(error)}`;
    }
  }
  return undefined;
}

/** What a failed mkdir or access means, in words (https://man7.org/linux/man-pages/man2/mkdir.2.html). */
function describeFsError(error: unknown): string {
  switch ((error as { code?: unknown }).code) {
    case "EEXIST":
    case "ENOTDIR":
      return "a file, not a directory, is in the way";
    case "EACCES":
    case "EPERM":
      return "permission denied for warden's user";
    case "EROFS":
      return "read-only file system";
    default:
      return messageOf(error);
  }
}
