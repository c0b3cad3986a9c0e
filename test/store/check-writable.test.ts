import { copyFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { checkDatabaseWritable } from "../../src/store/check-writable.js";
import { openDatabase } from "../../src/store/open-database.js";
import { startScan } from "../../src/store/scans.js";
import { tempDir } from "../helpers/temp-db.js";

function open() {
  const dir = tempDir();
  const path = join(dir, "warden.db");
  const db = openDatabase(path);
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return { db, path, dir };
}

const scanCount = (db: BetterSqlite3.Database) =>
  (db.prepare("SELECT count(*) AS n FROM scans").get() as { n: number }).n;

describe("checkDatabaseWritable", () => {
  it("accepts a database that can take a write, and leaves it unchanged", () => {
    const { db, path } = open();
    const version = db.pragma("user_version", { simple: true });
    expect(checkDatabaseWritable(db)).toEqual({ ok: true });
    expect(checkDatabaseWritable(db, path)).toEqual({ ok: true });
    expect(db.pragma("user_version", { simple: true })).toBe(version);
    expect(db.inTransaction).toBe(false);
  });

  it("refuses a database whose file was deleted, though the open connection still writes", () => {
    const { db, path } = open();
    rmSync(path);
    // What makes the check necessary: SQLite writes on, into a file nobody will see again.
    startScan(db, "servicenow", new Date());
    const result = checkDatabaseWritable(db);
    expect(result).toMatchObject({ ok: false, problem: "deleted" });
    expect(result.ok || result.reason).toContain(`${path} was deleted`);
  });

  it("refuses a database whose file was replaced by another one", () => {
    const { db, path, dir } = open();
    const copy = join(dir, "copy.db");
    copyFileSync(path, copy);
    renameSync(copy, path);
    const result = checkDatabaseWritable(db);
    expect(result).toMatchObject({ ok: false, problem: "replaced" });
    expect(result.ok || result.reason).toContain("no longer the file warden opened");
  });

  it("refuses a connection opened read-only, and one switched to query_only, until switched back", () => {
    const { db, path } = open();
    const readOnly = new BetterSqlite3(path, { readonly: true });
    onTestFinished(() => void readOnly.close());
    expect(checkDatabaseWritable(readOnly)).toMatchObject({ ok: false, problem: "read-only" });

    db.pragma("query_only = ON");
    const result = checkDatabaseWritable(db);
    expect(result).toMatchObject({ ok: false, problem: "read-only" });
    expect(result.ok || result.reason).toContain("read-only");
    db.pragma("query_only = OFF");
    expect(checkDatabaseWritable(db)).toEqual({ ok: true });
  });

  it("refuses while another connection holds the write lock past the busy timeout", () => {
    const { db, path } = open();
    db.pragma("busy_timeout = 0");
    const other = new BetterSqlite3(path);
    onTestFinished(() => void other.close());
    other.exec("BEGIN IMMEDIATE");
    expect(checkDatabaseWritable(db)).toMatchObject({ ok: false, problem: "locked" });
    other.exec("ROLLBACK");
    expect(checkDatabaseWritable(db)).toEqual({ ok: true });
  });

  it("works inside a caller's transaction without ending or undoing it", () => {
    const { db } = open();
    const before = scanCount(db);
    db.transaction(() => {
      startScan(db, "servicenow", new Date());
      expect(checkDatabaseWritable(db)).toEqual({ ok: true });
      expect(db.inTransaction).toBe(true);
    })();
    expect(scanCount(db)).toBe(before + 1);
  });

  it("refuses a closed connection, and accepts an in-memory database", () => {
    const { db } = open();
    db.close();
    expect(checkDatabaseWritable(db)).toMatchObject({ ok: false, problem: "closed" });
    const memory = openDatabase(":memory:");
    onTestFinished(() => void memory.close());
    expect(checkDatabaseWritable(memory)).toEqual({ ok: true });
  });
});
