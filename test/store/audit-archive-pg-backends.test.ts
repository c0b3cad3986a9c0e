import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { archiveAudit } from "../../src/audit/archive-audit.js";
import { verifyAuditArchive } from "../../src/audit/verify-archive.js";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";
import { tempDir } from "../helpers/temp-db.js";

const day = (d: string) => new Date(`${d}T10:00:00.000Z`);

/** Six entries, 2 November to 1 December; #2 is about a known account, #3 has no colon, #4 no subject. */
const SEED = [
  { at: day("2026-11-02"), event: "scan.succeeded", subject: "servicenow:scan" },
  { at: day("2026-11-10"), event: "decision.applied", subject: "servicenow:acc1" },
  { at: day("2026-11-10"), event: "message.sent", subject: "nocolon" },
  { at: day("2026-11-20"), event: "decision.refused", subject: undefined },
  { at: day("2026-11-25"), event: "scan.succeeded", subject: "servicenow:scan" },
  { at: day("2026-12-01"), event: "scan.succeeded", subject: "servicenow:scan" },
];

async function seed(store: Store, database: BackendDatabase): Promise<void> {
  await database.sql(
    "INSERT INTO scans (id, source, started_at, finished_at, status) VALUES (1, 'servicenow', ?, ?, 'succeeded')",
    ["2026-11-01T02:00:00.000Z", "2026-11-01T02:01:00.000Z"],
  );
  await database.sql(
    `INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at, last_seen_at, last_scan_id)
     VALUES ('servicenow', 'acc1', 'svc.payroll', 'Payroll', 'ann@acme.example', 1, '{}', ?, ?, 1)`,
    ["2026-11-01T02:00:00.000Z", "2026-11-01T02:00:00.000Z"],
  );
  for (const [i, entry] of SEED.entries()) {
    await store.audit.appendAudit({ ...entry, actor: `U${i + 1}`, detail: { i: i + 1 } });
  }
}

const ids = async (database: BackendDatabase) =>
  (await database.sql("SELECT id FROM audit_log ORDER BY id")).map((r) => Number(r.id));

describe.each(STORE_BACKENDS)("audit archives on $name", (backend) => {
  let database: BackendDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });
  async function open(): Promise<BackendDatabase> {
    database = await backend.database();
    return database;
  }

  it("plans the oldest run before a date, hands its entries out, checkpoints it, removes exactly it, and the chain still verifies", async () => {
    const db = await open();
    const store = await db.connect();
    await seed(store, db);
    expect(await store.audit.verifyAuditChain()).toEqual({ ok: true, entries: 6 });
    expect(await store.audit.planAuditArchive(day("2026-11-02"))).toBeUndefined();

    const plan = await store.audit.planAuditArchive(new Date("2026-11-11T00:00:00Z"));
    const [third] = await db.sql("SELECT hash FROM audit_log WHERE id = 3");
    expect(plan).toEqual({ firstId: 1, throughId: 3, entries: 3, throughHash: third?.hash });
    if (!plan) throw new Error("no plan");

    const read: Array<[number, string | null, string | null]> = [];
    await store.audit.readAuditEntries(plan, (row) => read.push([row.id, row.subject, row.user_name]));
    expect(read).toEqual([
      [1, "servicenow:scan", null],
      [2, "servicenow:acc1", "svc.payroll"],
      [3, "nocolon", null],
    ]);

    const recorded = await store.audit.recordAuditCheckpoint(plan, {
      file: "/archive/2026-11.jsonl",
      sha256: "ab".repeat(32),
      at: day("2026-12-02"),
    });
    expect(recorded.headHash).toBe((await store.audit.auditHead())?.hash);
    expect(await store.audit.lastEventAt("audit.archived")).toEqual(day("2026-12-02"));
    expect(await store.audit.listAuditCheckpoints()).toEqual([
      {
        id: recorded.checkpointId,
        firstId: 1,
        throughId: 3,
        throughHash: plan.throughHash,
        entries: 3,
        archiveFile: "/archive/2026-11.jsonl",
        archiveSha256: "ab".repeat(32),
        createdAt: day("2026-12-02"),
      },
    ]);
    // The same plan again: those entries are archived already.
    await expect(
      store.audit.recordAuditCheckpoint(plan, {
        file: "/again",
        sha256: "cd".repeat(32),
        at: day("2026-12-02"),
      }),
    ).rejects.toMatchObject({ code: "E_AUDIT_ARCHIVE_CHANGED" });

    // Newest first, a batch at a time; the chain verifies after every batch.
    expect(await store.audit.removeArchivedAudit(2)).toBe(2);
    expect(await ids(db)).toEqual([1, 4, 5, 6, 7]);
    expect(await store.audit.verifyAuditChain()).toEqual({ ok: true, entries: 5 });
    expect(await store.audit.removeArchivedAudit(2)).toBe(1);
    expect(await store.audit.removeArchivedAudit(2)).toBe(0);
    expect(await ids(db)).toEqual([4, 5, 6, 7]);
    expect(await store.audit.verifyAuditChain()).toEqual({ ok: true, entries: 4 });

    // Nothing left before the date; the next archive starts after the checkpoint.
    expect(await store.audit.planAuditArchive(new Date("2026-11-11T00:00:00Z"))).toBeUndefined();
    const next = await store.audit.planAuditArchive(day("2026-11-25"));
    expect(next).toMatchObject({ firstId: 4, throughId: 4, entries: 1 });
    await store.audit.appendAudit({ at: day("2026-12-03"), event: "scan.succeeded", detail: {} });
    expect(await store.audit.verifyAuditChain()).toEqual({ ok: true, entries: 5 });
  });

  it("warden audit --archive: the file verifies against its checkpoint, and the chain goes on verifying after every entry is archived", async () => {
    const db = await open();
    const store = await db.connect();
    await seed(store, db);
    const dir = tempDir();
    const first = join(dir, "2026-11a.jsonl");

    const archived = await archiveAudit(store.audit, {
      file: first,
      before: new Date("2026-11-11T00:00:00Z"),
      now: day("2026-12-02"),
    });
    expect(archived).toMatchObject({ plan: { firstId: 1, throughId: 3, entries: 3 }, removed: 3 });
    expect(
      readFileSync(first, "utf8")
        .trimEnd()
        .split("\n")
        .map((line) => (JSON.parse(line) as { id: number; user: string | null }).id),
    ).toEqual([1, 2, 3]);
    expect(await verifyAuditArchive(store.audit, first)).toMatchObject({ ok: true, entries: 3 });
    expect(await store.audit.verifyAuditChain()).toEqual({ ok: true, entries: 4 });

    // Everything, the audit.archived entry too: the chain then resumes from the last checkpoint.
    const second = join(dir, "2026-11b.jsonl");
    const all = await archiveAudit(store.audit, {
      file: second,
      before: day("2026-12-03"),
      now: day("2026-12-03"),
    });
    expect(all).toMatchObject({ plan: { firstId: 4, throughId: 7, entries: 4 }, removed: 4 });
    expect(await verifyAuditArchive(store.audit, second)).toMatchObject({ ok: true, entries: 4 });
    expect(await ids(db)).toEqual([8]);
    expect(await store.audit.verifyAuditChain()).toEqual({ ok: true, entries: 1 });
    expect(await verifyAuditArchive(store.audit, first)).toMatchObject({ ok: true, entries: 3 });
    await store.audit.appendAudit({ at: day("2026-12-04"), event: "scan.succeeded", detail: {} });
    expect(await store.audit.verifyAuditChain()).toEqual({ ok: true, entries: 2 });
    expect((await store.audit.listAuditCheckpoints()).map((c) => [c.firstId, c.throughId])).toEqual([
      [1, 3],
      [4, 7],
    ]);
  });

  it("refuses to change any entry, or to remove one no checkpoint covers", async () => {
    const db = await open();
    const store = await db.connect();
    await seed(store, db);
    await expect(db.sql("DELETE FROM audit_log WHERE id = 2")).rejects.toThrow(/append-only/);
    await expect(db.sql("UPDATE audit_log SET actor = 'mallory' WHERE id = 2")).rejects.toThrow(
      /append-only/,
    );
    const plan = await store.audit.planAuditArchive(new Date("2026-11-11T00:00:00Z"));
    if (!plan) throw new Error("no plan");
    await store.audit.recordAuditCheckpoint(plan, {
      file: "/a",
      sha256: "ab".repeat(32),
      at: day("2026-12-02"),
    });
    await expect(db.sql("DELETE FROM audit_log WHERE id = 4")).rejects.toThrow(/append-only/);
    await expect(db.sql("UPDATE audit_log SET actor = 'mallory' WHERE id = 3")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.sql("DELETE FROM audit_checkpoints")).rejects.toThrow(/append-only/);
    await db.sql("DELETE FROM audit_log WHERE id = 3");
    expect(await ids(db)).toEqual([1, 2, 4, 5, 6, 7]);
    expect(await store.audit.verifyAuditChain()).toEqual({ ok: true, entries: 6 });
  });

  it.each([
    ["the same plan", "2026-11-11T00:00:00Z"],
    ["overlapping plans", "2026-11-25T00:00:00Z"],
  ])(
    "records one of two archives (%s) run at once by two connections; the other is told to run again",
    async (_, before) => {
      const db = await open();
      const [a, b] = [await db.connect(), await db.connect()];
      await seed(a, db);
      const [first, second] = await Promise.all([
        a.audit.planAuditArchive(new Date("2026-11-11T00:00:00Z")),
        b.audit.planAuditArchive(new Date(before)),
      ]);
      if (!first || !second) throw new Error("no plan");
      const archive = { file: "/a", sha256: "ab".repeat(32), at: day("2026-12-02") };
      const outcomes = await Promise.allSettled([
        a.audit.recordAuditCheckpoint(first, archive),
        b.audit.recordAuditCheckpoint(second, archive),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
      expect(outcomes.find((o) => o.status === "rejected")).toMatchObject({
        reason: { code: "E_AUDIT_ARCHIVE_CHANGED" },
      });
      expect(await a.audit.listAuditCheckpoints()).toHaveLength(1);
      expect(await db.sql("SELECT id FROM audit_log WHERE event = 'audit.archived'")).toHaveLength(1);
      expect(await b.audit.verifyAuditChain()).toEqual({ ok: true, entries: 7 });
    },
  );

  it("leaves a verifiable chain when two connections remove archived entries at once", async () => {
    const db = await open();
    const [a, b] = [await db.connect(), await db.connect()];
    await a.transaction(async (tx) => {
      for (let i = 0; i < 300; i++) {
        await tx.audit.appendAudit({ at: day("2026-11-02"), event: "test.entry", detail: { i } });
      }
    });
    await a.audit.appendAudit({ at: day("2026-11-30"), event: "test.entry", detail: { i: 300 } });
    const plan = await a.audit.planAuditArchive(day("2026-11-03"));
    expect(plan).toMatchObject({ firstId: 1, throughId: 300, entries: 300 });
    if (!plan) throw new Error("no plan");
    await a.audit.recordAuditCheckpoint(plan, { file: "/a", sha256: "ab".repeat(32), at: day("2026-12-02") });
    const drain = async (store: Store) => {
      let total = 0;
      for (;;) {
        const removed = await store.audit.removeArchivedAudit(7);
        total += removed;
        if (removed === 0) return total;
        expect(await store.audit.verifyAuditChain()).toMatchObject({ ok: true });
      }
    };
    const removed = await Promise.all([drain(a), drain(b)]);
    expect(removed[0] + removed[1]).toBe(300);
    expect(await ids(db)).toEqual([301, 302]);
    expect(await b.audit.verifyAuditChain()).toEqual({ ok: true, entries: 2 });
  });
});
