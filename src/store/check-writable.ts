import { accessSync, constants, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Database } from "better-sqlite3";

/** Why the database cannot take a write now. */
export type DatabaseProblem = "closed" | "deleted" | "replaced" | "read-only" | "locked" | "not-writable";

export type DatabaseWritable =
  | { ok: true }
  | {
      ok: false;
      problem: DatabaseProblem;
      /** One sentence for an operator: what is wrong and what to do. Names the file, no secret. */
      reason: string;
    };

/** The file a connection opened, as the file system identifies it (device and inode). */
interface FileIdentity {
  dev: number;
  ino: number;
}

const opened = new WeakMap<Database, FileIdentity>();

/**
 * Notes which file `db` has open, right after opening it, so that checkDatabaseWritable can tell
 * when the path later names another file (or none). openDatabase calls it.
 */
export function rememberDatabaseFile(db: Database, path: string = db.name): void {
  if (db.memory) return;
  try {
    const { dev, ino } = statSync(path);
    opened.set(db, { dev, ino });
  } catch {
    // Not there (yet): the first check records it instead.
  }
}

const fail = (problem: DatabaseProblem, reason: string): DatabaseWritable => ({
  ok: false,
  problem,
  reason,
});

const codeOf = (error: unknown): string =>
  typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : "";

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Can warden record something in its database right now? Cheap (two stat/access calls and an
 * empty write transaction, well under a millisecond on a local disk), so `/readyz` runs it on
 * every probe and a click runs it before anything is written to ServiceNow: a decision that cannot
 * be recorded must not be applied.
 *
 * An open SQLite connection keeps writing to its file descriptor even after the file was deleted
 * or replaced (unlink only removes the name, https://man7.org/linux/man-pages/man2/unlink.2.html),
 * so a write on the connection alone proves nothing: such writes vanish with the process. Hence:
 * 1. the path must still name the file that was opened (same device and inode);
 * 2. the file and its directory must be writable for this process (access(2): EACCES for
 *    permissions, EROFS for a read-only mount; SQLite creates `-wal` and `-shm` files next to the
 *    database, https://www.sqlite.org/tempfiles.html). Root passes permission bits, as it would
 *    when writing;
 * 3. the connection must take a write: BEGIN IMMEDIATE takes the write lock, and rewriting
 *    `user_version` with its own value inside the transaction makes SQLite check that the
 *    connection may write (a read-only connection, `PRAGMA query_only`, or a file SQLite fell back
 *    to opening read-only, https://www.sqlite.org/c3ref/open.html). The transaction is rolled
 *    back: nothing changes.
 */
export function checkDatabaseWritable(db: Database, path: string = db.name): DatabaseWritable {
  if (!db.open) return fail("closed", "the database connection is closed");
  if (db.readonly) return fail("read-only", `the database ${path} was opened read-only`);
  if (!db.memory && path !== ":memory:" && path !== "") {
    const identity = checkFile(db, path);
    if (!identity.ok) return identity;
  }
  return checkWrite(db, path);
}

function checkFile(db: Database, path: string): DatabaseWritable {
  let now: FileIdentity;
  try {
    now = statSync(path);
  } catch (error) {
    if (codeOf(error) === "ENOENT")
      return fail(
        "deleted",
        `the database file ${path} was deleted while warden runs: what it records now would be lost; restore the file (WARDEN_DB) and restart warden`,
      );
    return fail("not-writable", `the database file ${path} cannot be examined: ${messageOf(error)}`);
  }
  const before = opened.get(db);
  if (before === undefined) opened.set(db, { dev: now.dev, ino: now.ino });
  else if (before.dev !== now.dev || before.ino !== now.ino)
    return fail(
      "replaced",
      `the database file ${path} is no longer the file warden opened (it was replaced or moved): restart warden to use the file now at WARDEN_DB`,
    );
  for (const [target, what] of [
    [path, "the database file"],
    [dirname(path), "the database directory"],
  ] as const) {
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      const code = codeOf(error);
      const why =
        code === "EROFS"
          ? "is on a read-only file system"
          : code === "EACCES" || code === "EPERM"
            ? "is read-only for warden's user (permissions)"
            : `cannot be written (${code || messageOf(error)})`;
      return fail("read-only", `${what} ${target} ${why}: SQLite needs to write both`);
    }
  }
  return { ok: true };
}

function checkWrite(db: Database, path: string): DatabaseWritable {
  // Inside a caller's transaction a savepoint does the same job (BEGIN would fail there).
  const nested = db.inTransaction;
  try {
    db.exec(nested ? "SAVEPOINT warden_writable" : "BEGIN IMMEDIATE");
    try {
      const version = Number(db.pragma("user_version", { simple: true }));
      db.pragma(`user_version = ${Number.isSafeInteger(version) ? version : 0}`);
    } finally {
      // After some failures SQLite has rolled the transaction back itself
      // (https://www.sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction").
      if (db.inTransaction)
        db.exec(nested ? "ROLLBACK TO warden_writable; RELEASE warden_writable" : "ROLLBACK");
    }
    return { ok: true };
  } catch (error) {
    const code = codeOf(error);
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
      return fail(
        "locked",
        `the database ${path} stayed locked by another writer for longer than the busy timeout (${messageOf(error)})`,
      );
    if (code.startsWith("SQLITE_READONLY"))
      return fail("read-only", `the database ${path} is read-only (${messageOf(error)})`);
    return fail("not-writable", `the database ${path} cannot be written (${messageOf(error)})`);
  }
}
