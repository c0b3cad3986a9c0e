import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrate } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openDatabase } from "../../src/store/open-database.js";
import { tempDbPath } from "../helpers/temp-db.js";

const INSERT = `INSERT INTO decisions (id, source, account_id, action, actor_platform, actor_id, decided_at, mode,
  outcome, undoes_decision_id) VALUES (?, 'servicenow', ?, 'disable', 'slack', 'U1', '2026-11-01T00:00:00Z', ?, ?, ?)`;
const TICKET = `INSERT INTO decision_tickets (decision_id, source, account_id, ticket_table, sys_id, number, url,
  opened_at, done_at) VALUES (?, 'servicenow', ?, 'incident', 'abc', ?, 'https://x', '2026-11-01T00:00:00Z', ?)`;

const TICKET_MODE = MIGRATIONS.find((m) => m.name.startsWith("ticket mode"));

describe("the ticket mode migration", () => {
  it("keeps every decision and its undo link, and then takes mode ticket and outcome ticketed", () => {
    expect(TICKET_MODE).toBeDefined();
    const path = tempDbPath();
    const old = new BetterSqlite3(path);
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version < (TICKET_MODE?.version ?? 0)),
    );
    old.prepare(INSERT).run(1, "a1", "apply", "applied", null);
    old.prepare(INSERT).run(2, "a1", "dry-run", "dry_run", 1);
    expect(() => old.prepare(INSERT).run(3, "a2", "ticket", "ticketed", null)).toThrow(
      /CHECK constraint failed/,
    );
    const before = old.prepare("SELECT * FROM decisions ORDER BY id").all();
    old.close();

    const db = openDatabase(path);
    expect(db.prepare("SELECT * FROM decisions ORDER BY id").all()).toEqual(before);
    db.prepare(INSERT).run(3, "a2", "ticket", "ticketed", null);
    expect(() => db.prepare(INSERT).run(4, "a3", "ticket", "opened", null)).toThrow(
      /CHECK constraint failed/,
    );
    expect(() => db.prepare(INSERT).run(5, "a3", "yolo", "applied", null)).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare(INSERT).run(6, "a3", "apply", "applied", 99)).toThrow(
      /FOREIGN KEY constraint failed/,
    );

    // One open ticket per account; a done one does not count.
    db.prepare(TICKET).run(3, "a2", "INC0010001", "2026-11-02T00:00:00Z");
    db.prepare(INSERT).run(7, "a2", "ticket", "ticketed", null);
    db.prepare(TICKET).run(7, "a2", "INC0010002", null);
    db.prepare(INSERT).run(8, "a2", "ticket", "ticketed", null);
    expect(() => db.prepare(TICKET).run(8, "a2", "INC0010003", null)).toThrow(/UNIQUE constraint failed/);
    db.close();
  });
});
