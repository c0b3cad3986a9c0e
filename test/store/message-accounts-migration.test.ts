import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { RULE_NAMES } from "../../src/core/model.js";
import type { OwnerMessageView } from "../../src/messages/build-owner-messages.js";
import { encodeOutboxMessage } from "../../src/notify/outbox-message.js";
import { listAccountsShownTo } from "../../src/store/accounts-shown-to.js";
import { compactSupersededMessages } from "../../src/store/message-compactions.js";
import { migrate } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openDatabase } from "../../src/store/open-database.js";
import { getOutboxItem } from "../../src/store/outbox.js";
import { packPayload } from "../../src/store/packed-payload.js";
import { RULE_BITS } from "../../src/store/rule-bits.js";
import { tempDbPath } from "../helpers/temp-db.js";

const COMPACT = MIGRATIONS.find((m) => m.name.startsWith("message accounts: without rowid"));
const SENT = `INSERT INTO outbox (id, platform, kind, recipient, dedupe_key, payload, status, created_at, sent_at)
  VALUES (?, 'slack', 'unowned', 'CADMIN', ?, '{}', 'sent', '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z')`;
const SHOWN =
  "INSERT INTO message_accounts (outbox_id, source, account_id, rules, answered_at) VALUES (?, ?, ?, ?, ?)";

describe("the message accounts and compactions migration", () => {
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

  it("compacts the owner messages superseded before it, a day after they were superseded", () => {
    const path = tempDbPath();
    const old = new BetterSqlite3(path);
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version < (COMPACT?.version ?? 0)),
    );
    const view = (supersededBy?: OwnerMessageView["supersededBy"]): OwnerMessageView => ({
      owner: { id: "u1", userName: "raj", name: "Raj Patel", email: "raj@acme.example", active: true },
      accounts: [
        {
          source: "servicenow",
          accountId: "a1",
          userName: "svc_etl",
          name: "ETL",
          active: true,
          webServiceAccessOnly: false,
          findings: [
            {
              rule: "wsao_disabled",
              severity: "medium",
              summary: "Makes API calls with UI access",
              evidence: [{ signal: "api_calls", detail: "12 REST calls in 30 days" }],
              remediation: "restrict",
            },
          ],
          risk: 0.4,
          uniqueApiCalls7d: [{ method: "GET", path: "/api/now/table/incident", count: 12 }],
          authMethods30d: { basic: 0, oauth: 12, other: 0 },
          actions: ["restrict", "disable", "keep", "not_mine"],
        },
      ],
      supersededBy,
    });
    const insert =
      old.prepare(`INSERT INTO outbox (id, platform, kind, recipient, dedupe_key, payload, status,
        created_at, sent_at) VALUES (?, 'slack', 'owner_message', 'raj@acme.example', ?, ?, 'sent', ?, ?)`);
    const stored = (v: OwnerMessageView) =>
      packPayload(encodeOutboxMessage("slack", { kind: "owner_message", view: v }));
    const at = "2026-11-01T09:00:00.000Z";
    insert.run(1, "k1", stored(view({ outboxId: 2, sentAt: new Date("2026-11-02T09:00:00.000Z") })), at, at);
    insert.run(2, "k2", stored(view()), at, at);
    old.close();

    const db = openDatabase(path);
    // Within the day after it was superseded: not yet.
    expect(compactSupersededMessages(db, new Date("2026-11-03T08:00:00.000Z"), 10)).toBe(0);
    expect(compactSupersededMessages(db, new Date("2026-11-03T10:00:00.000Z"), 10)).toBe(1);
    const compacted = getOutboxItem(db, 1)?.message;
    const live = getOutboxItem(db, 2)?.message;
    if (compacted?.kind !== "owner_message" || live?.kind !== "owner_message")
      throw new Error("no owner messages");
    expect(compacted.view.accounts[0]).toMatchObject({
      userName: "svc_etl",
      findings: [{ rule: "wsao_disabled", summary: "Makes API calls with UI access", evidence: [] }],
      uniqueApiCalls7d: [],
      actions: [],
    });
    expect(compacted.view.supersededBy?.outboxId).toBe(2);
    // The live message is whole.
    expect(live.view).toEqual(view());
    db.close();
  });

  it("gives every rule a bit of its own", () => {
    const bits = RULE_NAMES.map((rule) => RULE_BITS[rule]);
    expect(bits.every((bit) => Number.isInteger(Math.log2(bit)))).toBe(true);
    expect(new Set(bits).size).toBe(RULE_NAMES.length);
  });
});
