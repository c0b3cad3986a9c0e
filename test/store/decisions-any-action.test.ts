import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrate } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openDatabase } from "../../src/store/open-database.js";
import { tempDbPath } from "../helpers/temp-db.js";

const INSERT = `INSERT INTO decisions (id, source, account_id, action, actor_platform, actor_id, actor_email,
  decided_at, mode, outcome, before_values, after_values, undoes_decision_id, claimed_pid, message_id)
  VALUES (?, 'servicenow', 'a1', ?, 'slack', 'U1', 'alice@example.com', ?, 'apply', ?, ?, ?, ?, ?, ?)`;

const rows = (db: BetterSqlite3.Database) => db.prepare("SELECT * FROM decisions ORDER BY id").all();
const indexes = (db: BetterSqlite3.Database) =>
  db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'decisions' AND sql IS NOT NULL ORDER BY name",
    )
    .pluck()
    .all();

describe("migration 16: decisions take any action of the registry", () => {
  it("keeps every decision and its undo link, its indexes and checks, and accepts Remove expired credential", () => {
    const path = tempDbPath();
    const old = new BetterSqlite3(path);
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version < 16),
    );
    old
      .prepare(INSERT)
      .run(
        1,
        "disable",
        "2026-11-01T00:00:00Z",
        "applied",
        '{"active":true}',
        '{"active":false}',
        null,
        null,
        7,
      );
    old
      .prepare(INSERT)
      .run(2, "undo", "2026-11-01T01:00:00Z", "applied", '{"active":false}', '{"active":true}', 1, null, 7);
    old.prepare(INSERT).run(3, "keep", "2026-11-02T00:00:00Z", "pending", null, null, null, 4242, null);
    expect(() =>
      old
        .prepare(INSERT)
        .run(4, "remove_expired_credential", "2026-11-03T00:00:00Z", "applied", null, null, null, null, null),
    ).toThrow(/CHECK constraint failed/);
    const before = rows(old);
    const indexesBefore = indexes(old);
    old.close();

    const db = openDatabase(path);
    expect(rows(db)).toEqual(before);
    expect(indexes(db)).toEqual(indexesBefore);
    db.prepare(INSERT).run(
      4,
      "remove_expired_credential",
      "2026-11-03T00:00:00Z",
      "applied",
      null,
      null,
      null,
      null,
      null,
    );
    // Mode and outcome are still checked; the undo link is still a foreign key (on in warden).
    expect(() =>
      db.prepare(INSERT).run(5, "disable", "2026-11-03T00:00:00Z", "done", null, null, null, null, null),
    ).toThrow(/CHECK constraint failed/);
    expect(() =>
      db.prepare(INSERT).run(6, "undo", "2026-11-03T00:00:00Z", "applied", null, null, 99, null, null),
    ).toThrow(/FOREIGN KEY constraint failed/);
    // One pending decision per account, as before.
    expect(() =>
      db.prepare(INSERT).run(7, "disable", "2026-11-03T00:00:00Z", "pending", null, null, null, null, null),
    ).toThrow(/UNIQUE constraint failed/);

    // Replayed on a database rewound to version 15: harmless, nothing lost.
    const kept = rows(db);
    db.pragma("user_version = 15");
    migrate(db);
    expect(rows(db)).toEqual(kept);
    expect(db.pragma("foreign_key_check")).toEqual([]);
    db.close();
  });
});
