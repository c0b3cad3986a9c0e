import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import { migrate } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openDatabase } from "../../src/store/open-database.js";
import { tempDbPath } from "../helpers/temp-db.js";

const latest = MIGRATIONS.at(-1)!.version;

describe("migrate", () => {
  it("creates every table on a new database file", () => {
    const db = openDatabase(tempDbPath());
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining(["accounts", "audit_log", "decisions", "findings", "scans"]),
    );
    expect(db.pragma("user_version", { simple: true })).toBe(latest);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  // Each version a release may have left a database at: 0, then every migration but the last.
  const previous = [0, ...MIGRATIONS.slice(0, -1).map((m) => m.version)];
  it.each(previous)("upgrades a database created at version %i", (version) => {
    const path = tempDbPath();
    const old = new BetterSqlite3(path);
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version <= version),
    );
    expect(old.pragma("user_version", { simple: true })).toBe(version);
    old.close();

    const db = openDatabase(path);
    expect(db.pragma("user_version", { simple: true })).toBe(latest);
    // The upgraded schema accepts a scan, as a new one would.
    db.prepare(
      "INSERT INTO scans (source, started_at, status) VALUES ('servicenow', '2026-01-01T00:00:00Z', 'running')",
    ).run();
    db.close();
  });

  it("is idempotent: opening twice changes nothing", () => {
    const path = tempDbPath();
    openDatabase(path).close();
    const db = openDatabase(path);
    expect(migrate(db)).toEqual({ from: latest, to: latest });
    db.close();
  });

  it("refuses a database created by a newer warden, saying what to do", () => {
    const path = tempDbPath();
    const future = new BetterSqlite3(path);
    future.pragma(`user_version = ${latest + 1}`);
    future.close();
    expect(() => openDatabase(path)).toThrowError(StoreError);
    expect(() => openDatabase(path)).toThrowError(/newer than this warden knows/);
  });

  it("rolls a failing migration back whole, leaving the version where it was", () => {
    const db = new BetterSqlite3(tempDbPath());
    const broken = [
      ...MIGRATIONS,
      { version: latest + 1, name: "broken", sql: "CREATE TABLE x (a); SELECT * FROM nope;" },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma("user_version", { simple: true })).toBe(latest);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'x'").pluck().get()).toBe(0);
    db.close();
  });
});
