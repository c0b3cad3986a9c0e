import { afterEach, describe, expect, it } from "vitest";
import { exportAudit } from "../../src/audit/export-audit.js";
import type { AuditExportRow, DecisionExportRow } from "../../src/store/audit-export-rows.js";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";

const day = (d: string) => `${d}T10:00:00.000Z`;
/** More entries than one page of the PostgreSQL export (1,000), so it reads several. */
const ENTRIES = 1_234;

async function seed(store: Store, db: BackendDatabase): Promise<void> {
  await db.sql(
    "INSERT INTO scans (id, source, started_at, finished_at, status) VALUES (1, 'servicenow', ?, ?, 'succeeded')",
    [day("2026-11-01"), day("2026-11-01")],
  );
  await db.sql(
    `INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at, last_seen_at, last_scan_id)
     VALUES ('servicenow', 'acc1', 'svc.payroll', 'Payroll', 'ann@acme.example', 1, '{}', ?, ?, 1)`,
    [day("2026-11-01"), day("2026-11-01")],
  );
  const decide = (at: string, account: string, outcome: string, undoes: number | null) =>
    db.sql(
      `INSERT INTO decisions (source, account_id, action, actor_platform, actor_id, actor_email, decided_at, mode,
                              outcome, before_values, after_values, reason, undoes_decision_id)
       VALUES ('servicenow', ?, 'disable', 'slack', 'U1', 'ann@acme.example', ?, 'apply', ?, '{"active":true}', '{"active":false}', 'left', ?)`,
      [account, at, outcome, undoes],
    );
  await decide(day("2026-11-05"), "acc1", "applied", null);
  await decide(day("2026-11-20"), "gone", "failed", null);
  await decide(day("2026-11-21"), "acc1", "applied", 1);
  await store.transaction(async (tx) => {
    for (let i = 0; i < ENTRIES; i++) {
      await tx.audit.appendAudit({
        at: new Date(day(i < 700 ? "2026-11-05" : "2026-11-20")),
        event: "decision.applied",
        actor: "slack:U1 <ann@acme.example>",
        subject: ["servicenow:acc1", "servicenow:gone", "nocolon", undefined][i % 4],
        detail: { i, text: 'ünïcode <&> "quoted"' },
      });
    }
  });
}

async function read(store: Store, since?: Date) {
  const decisions: DecisionExportRow[] = [];
  const entries: AuditExportRow[] = [];
  await store.audit.readAuditExportRows(since, {
    decision: (row) => decisions.push(row),
    entry: (row) => entries.push(row),
  });
  return { decisions, entries };
}

describe.each(STORE_BACKENDS)("the audit export's rows on $name", (backend) => {
  let database: BackendDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it("hands out every decision by id, then every entry in chain order, with the account's user name", async () => {
    database = await backend.database();
    const store = await database.connect();
    await seed(store, database);
    const { decisions, entries } = await read(store);

    expect(decisions.map((d) => [d.id, d.account_id, d.user_name, d.undoes_decision_id])).toEqual([
      [1, "acc1", "svc.payroll", null],
      [2, "gone", null, null],
      [3, "acc1", "svc.payroll", 1],
    ]);
    expect(decisions[2]).toEqual({
      id: 3,
      source: "servicenow",
      account_id: "acc1",
      action: "disable",
      actor_platform: "slack",
      actor_id: "U1",
      actor_email: "ann@acme.example",
      decided_at: day("2026-11-21"),
      mode: "apply",
      outcome: "applied",
      before_values: '{"active":true}',
      after_values: '{"active":false}',
      reason: "left",
      expires_at: null,
      undoes_decision_id: 1,
      idempotency_key: null,
      error: null,
      claimed_pid: null,
      claimed_host: null,
      message_id: null,
      user_name: "svc.payroll",
    });

    expect(entries.map((e) => e.id)).toEqual(Array.from({ length: ENTRIES }, (_, i) => i + 1));
    expect(entries.slice(0, 4).map((e) => [e.subject, e.user_name])).toEqual([
      ["servicenow:acc1", "svc.payroll"],
      ["servicenow:gone", null],
      ["nocolon", null],
      [null, null],
    ]);
    expect(entries[0]).toMatchObject({
      at: day("2026-11-05"),
      event: "decision.applied",
      actor: "slack:U1 <ann@acme.example>",
      detail: '{"i":0,"text":"ünïcode <&> \\"quoted\\""}',
      prev_hash: "0".repeat(64),
    });
    expect(entries[1]?.prev_hash).toBe(entries[0]?.hash);

    // Since a date: decisions decided and entries written at or after it.
    const since = await read(store, new Date(day("2026-11-20")));
    expect(since.decisions.map((d) => d.id)).toEqual([2, 3]);
    expect(since.entries.map((e) => e.id)).toEqual(Array.from({ length: ENTRIES - 700 }, (_, i) => i + 701));
    expect((await read(store, new Date(day("2026-11-22")))).entries).toEqual([]);

    // Inside a caller's transaction the export joins it (and sees what it wrote).
    const joined = await store.transaction(async (tx) => {
      await tx.audit.appendAudit({ at: new Date(day("2026-11-23")), event: "in.transaction", detail: {} });
      const rows: number[] = [];
      await tx.audit.readAuditExportRows(new Date(day("2026-11-23")), {
        decision: () => {},
        entry: (row) => rows.push(row.id),
      });
      await tx.audit.readAuditEntries({ firstId: ENTRIES, throughId: ENTRIES + 1 }, (row) =>
        rows.push(row.id),
      );
      return rows;
    });
    expect(joined).toEqual([ENTRIES + 1, ENTRIES, ENTRIES + 1]);

    const out: string[] = [];
    expect(await exportAudit(store.audit, { format: "csv" }, (chunk) => out.push(chunk))).toEqual({
      decisions: 3,
      entries: ENTRIES + 1,
    });
    expect(out.join("").trimEnd().split("\n")).toHaveLength(1 + 3 + ENTRIES + 1);
  });

  it("is one snapshot: what another connection commits while the export is read is not in it", async () => {
    database = await backend.database();
    const [a, b] = [await database.connect(), await database.connect()];
    await seed(a, database);
    // Several pages of decisions before the entries: the export reads on long after b commits.
    await database.sql(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
       INSERT INTO decisions (source, account_id, action, actor_platform, actor_id, decided_at, mode, outcome)
       SELECT 'servicenow', 'acc1', 'keep', 'slack', 'U1', ?, 'apply', 'applied' FROM n`,
      [day("2026-11-22")],
    );
    let started!: () => void;
    const exportStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    // b appends in a transaction it commits once the export has begun (its first row is handed out).
    const late = b.transaction(async (tx) => {
      await tx.audit.appendAudit({ at: new Date(day("2026-11-23")), event: "late.entry", detail: {} });
      await exportStarted;
    });
    const counts = { decisions: 0, entries: 0 };
    await a.audit.readAuditExportRows(undefined, {
      decision: () => {
        counts.decisions += 1;
        started();
      },
      entry: () => {
        counts.entries += 1;
      },
    });
    await late;
    expect(counts).toEqual({ decisions: 2503, entries: ENTRIES });
    expect((await read(a)).entries).toHaveLength(ENTRIES + 1);
    expect(await a.audit.verifyAuditChain()).toEqual({ ok: true, entries: ENTRIES + 1 });
  });
});
