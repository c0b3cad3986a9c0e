import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrate } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openAndMigrate, openDatabase } from "../../src/store/open-database.js";
import { tempDbPath } from "../helpers/temp-db.js";

const INCREMENTAL = 2;

/** A database as warden created it before incremental vacuum: auto_vacuum NONE, schema 10, some data. */
function olderDatabase(): string {
  const path = tempDbPath();
  const old = new BetterSqlite3(path);
  old.pragma("journal_mode = WAL");
  migrate(
    old,
    MIGRATIONS.filter((m) => m.version <= 10),
  );
  old.prepare("INSERT INTO settings (key, value) VALUES ('kept', 'yes')").run();
  old.close();
  return path;
}

describe("incremental vacuum", () => {
  it("is how a new database is created", () => {
    const db = openDatabase(tempDbPath());
    expect(db.pragma("auto_vacuum", { simple: true })).toBe(INCREMENTAL);
    db.close();
  });

  it("is switched on for an older database by warden migrate (a VACUUM), and by nothing else", () => {
    const path = olderDatabase();
    const served = openDatabase(path);
    expect(served.pragma("auto_vacuum", { simple: true })).toBe(0);
    served.close();

    const { db, migrated, convertedVacuum } = openAndMigrate(path);
    expect(migrated.to).toBe(MIGRATIONS.at(-1)?.version);
    expect(convertedVacuum).toBe(true);
    expect(db.pragma("auto_vacuum", { simple: true })).toBe(INCREMENTAL);
    expect(db.prepare("SELECT value FROM settings WHERE key = 'kept'").pluck().get()).toBe("yes");
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
    const again = openAndMigrate(path);
    expect(again.convertedVacuum).toBe(false);
    again.db.close();
  });
});
