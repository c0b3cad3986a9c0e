import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { RULE_NAMES } from "../../src/core/model.js";
import { listAccountsShownTo } from "../../src/store/accounts-shown-to.js";
import { migrate } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openDatabase } from "../../src/store/open-database.js";
import { RULE_BITS } from "../../src/store/rule-bits.js";
import { tempDbPath } from "../helpers/temp-db.js";

const COMPACT = MIGRATIONS.find((m) => m.name.startsWith("message accounts: without rowid"));
const SENT = `INSERT INTO outbox (id, platform, kind, recipient, dedupe_key, payload, status, created_at, sent_at)
  VALUES (?, 'slack', 'unowned', 'CADMIN', ?, '{}', 'sent', '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z')`;
const SHOWN =
  "INSERT INTO message_accounts (outbox_id, source, account_id, rules, answered_at) VALUES (?, ?, ?, ?, ?)";

describe("the message accounts migration", () => {
  it("keeps which accounts and rules each message showed, so the admin channel is not shown them again", () => {
    expect(COMPACT).toBeDefined();
    const path = tempDbPath();
    const old = new BetterSqlite3(path);
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version < (COMPACT?.version ?? 0)),
    );
    old.prepare(SENT).run(1, "k1");
    old.prepare(SENT).run(2, "k2");
    old.prepare(SHOWN).run(1, "servicenow", "a1", '["no_owner","dormant"]', null);
    old.prepare(SHOWN).run(1, "entra", "a1", '["credential_expired"]', "2026-11-02T00:00:00.000Z");
    old.prepare(SHOWN).run(2, "servicenow", "a2", "[]", null);
    old.close();

    const db = openDatabase(path);
    const shown = listAccountsShownTo(db, {
      platform: "slack",
      kind: "unowned",
      recipient: "CADMIN",
      since: new Date("2026-10-01T00:00:00Z"),
    });
    expect(Object.fromEntries([...shown].map(([key, rules]) => [key, [...rules].sort()]))).toEqual({
      "servicenow:a1": ["dormant", "no_owner"],
      "entra:a1": ["credential_expired"],
      "servicenow:a2": [],
    });
    expect(db.prepare("SELECT answered_at FROM message_accounts WHERE source = 'entra'").pluck().get()).toBe(
      "2026-11-02T00:00:00.000Z",
    );
    // The primary key still holds: one row per account per message.
    expect(() => db.prepare(SHOWN).run(1, "servicenow", "a1", 1, null)).toThrow(/UNIQUE constraint failed/);
    db.close();
  });

  it("gives every rule a bit of its own", () => {
    const bits = RULE_NAMES.map((rule) => RULE_BITS[rule]);
    expect(bits.every((bit) => Number.isInteger(Math.log2(bit)))).toBe(true);
    expect(new Set(bits).size).toBe(RULE_NAMES.length);
  });
});
