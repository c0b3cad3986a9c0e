import { describe, expect, it } from "vitest";
import { appendAudit, verifyAuditChain } from "../../src/store/audit-log.js";
import { openDatabase } from "../../src/store/open-database.js";
import { tempDbPath } from "../helpers/temp-db.js";

function seeded() {
  const db = openDatabase(tempDbPath());
  const at = new Date("2026-11-23T10:00:00Z");
  for (let i = 0; i < 5; i++) {
    appendAudit(db, {
      at,
      event: "decision.refused",
      actor: `U${i}`,
      subject: "servicenow:abc",
      detail: { i },
    });
  }
  return db;
}

describe("audit log", () => {
  it("chains every entry to the previous one", () => {
    const db = seeded();
    expect(verifyAuditChain(db)).toEqual({ ok: true, entries: 5 });
  });

  it("refuses updates and deletes", () => {
    const db = seeded();
    expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = 2").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare("DELETE FROM audit_log WHERE id = 2").run()).toThrow(/append-only/);
  });

  it("reports the first entry where a tampered chain breaks", () => {
    const db = seeded();
    // Someone with file access removes the guard and edits history.
    db.exec("DROP TRIGGER audit_log_no_update");
    db.prepare("UPDATE audit_log SET detail = '{\"i\":99}' WHERE id = 3").run();
    expect(verifyAuditChain(db)).toEqual({ ok: false, brokenAt: 3, entries: 3 });
  });

  it("detects a deleted entry", () => {
    const db = seeded();
    db.exec("DROP TRIGGER audit_log_no_delete");
    db.prepare("DELETE FROM audit_log WHERE id = 2").run();
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 3 });
  });
});
