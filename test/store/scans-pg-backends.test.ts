import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { computeScore } from "../../src/core/compute-score.js";
import type { Finding, MachineIdentity } from "../../src/core/model.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import { pgDbInTransaction } from "../../src/store/postgres/pg-db.js";
import { saveScanResult as saveScanResultPg } from "../../src/store/postgres/save-scan-result.js";
import type { ScanResult } from "../../src/store/save-scan-result.js";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";

const at = new Date("2026-12-01T09:00:00Z");
const later = (hours: number) => new Date(at.getTime() + hours * 3_600_000);

const dormant: Finding = {
  rule: "dormant",
  severity: "high",
  summary: "No activity",
  evidence: [{ signal: "api_calls", detail: "no API call in 30 days" }],
  remediation: "disable",
};
const noOwner: Finding = { ...dormant, rule: "no_owner", severity: "medium", summary: "No owner" };

function identity(m: number, extra: Partial<MachineIdentity> = {}): MachineIdentity {
  return {
    source: "servicenow",
    id: m.toString(16).padStart(32, "0"),
    userName: `svc_${m}`,
    name: `Integration ${m}`,
    active: true,
    attributes: { kind: "servicenow", lockedOut: false, webServiceAccessOnly: true },
    roles: [],
    privilegedRoles: [],
    apiCalls30d: 0,
    uniqueApiCalls7d: [],
    discoveredBy: ["wsao"],
    owner: { id: "o", userName: "owner", name: `Owner ${m}`, email: "Owner@Example.com", active: true },
    ...extra,
  };
}

function result(
  scanId: number,
  identities: MachineIdentity[],
  findings: [MachineIdentity, Finding[]][],
  finishedAt: Date,
  source = "servicenow",
): ScanResult {
  return {
    scanId,
    inventory: {
      source,
      collectedAt: finishedAt,
      identities: identities.map((i) => ({ ...i, source })),
      blindSpots: [{ signal: "ui_logins", table: "sys_user_login", reason: "403" }],
      coverage: { apiLogSince: new Date("2026-10-01T00:00:00Z") },
      requests: 42,
    },
    findings: new Map(findings.map(([i, list]) => [i.id, list])),
    score: computeScore([]),
    finishedAt,
  };
}

/** Plain SQL on the store's own database, for seeding and reading what no ported method reads yet. */
interface Raw {
  all<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

async function rawOf(backend: string, location: string): Promise<Raw> {
  if (backend === "sqlite") {
    const db = new Database(location);
    return {
      all: async <T>(sql: string) => {
        const statement = db.prepare(sql);
        if (statement.reader) return statement.all() as T[];
        statement.run();
        return [];
      },
      close: async () => {
        db.close();
      },
    };
  }
  // The location names the database with its user redacted: the cluster's own user opens it.
  const url = new URL(inject("postgresUrl"));
  url.pathname = new URL(location).pathname;
  const client = new pg.Client({
    connectionString: url.toString(),
    types: {
      getTypeParser: ((oid: number, format: "text" | "binary") =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  await client.connect();
  return {
    all: async <T>(sql: string) => (await client.query(sql)).rows as T[],
    close: () => client.end(),
  };
}

describe.each(STORE_BACKENDS)("scans, their write and retention on $name", (backend) => {
  /** A case only PostgreSQL shows (SQLite's single writer cannot interleave it): defined there only. */
  const itOnPostgres = (name: string, fn: () => Promise<void>) => {
    if (backend.name === "postgres") it(name, fn);
  };
  let database: BackendDatabase | undefined;
  const raws: Raw[] = [];
  afterEach(async () => {
    for (const raw of raws.splice(0)) await raw.close();
    await database?.close();
    database = undefined;
  });
  async function two(): Promise<[Store, Store, Raw]> {
    database = await backend.database();
    const a = await database.connect();
    const raw = await rawOf(backend.name, a.location);
    raws.push(raw);
    return [a, await database.connect(), raw];
  }

  async function scan(store: Store, source: string, finishedAt: Date, identities = [identity(1)]) {
    const id = await store.scans.startScan(source, finishedAt);
    await store.scans.saveScanResult(result(id, identities, [], finishedAt, source));
    return id;
  }

  it("lists scans, each source's latest and previous ones, score history and the previous digest", async () => {
    const [a, b] = await two();
    const eu1 = await scan(a, "servicenow-eu", later(0));
    const us1 = await scan(a, "servicenow", later(1));
    const eu2 = await scan(a, "servicenow-eu", later(2));
    const eu3 = await a.scans.startScan("servicenow-eu", later(3));
    await a.scans.failScan(eu3, later(3.5), "instance hibernating");
    const us2 = await a.scans.startScan("servicenow", later(4));

    expect((await b.scans.listScans()).map((s) => s.id)).toEqual([us2, eu3, eu2, us1, eu1]);
    expect((await b.scans.listScans({ status: "succeeded", limit: 2 })).map((s) => s.id)).toEqual([eu2, us1]);
    expect((await b.scans.listLatestScans()).map((s) => s.id)).toEqual([us2, eu3]);
    expect((await b.scans.listLatestScans({ status: "succeeded" })).map((s) => s.id)).toEqual([eu2, us1]);
    expect((await b.scans.listPreviousScans()).map((s) => s.id)).toEqual([eu1]);
    expect(await b.scans.listScoreHistory({ source: "servicenow-eu", limit: 5 })).toEqual([100, 100]);
    expect(await b.scans.listScoreHistory({ source: "servicenow-eu", limit: 1 })).toEqual([100]);

    const [failed] = await b.scans.listScans({ status: "failed" });
    expect(failed).toMatchObject({
      id: eu3,
      status: "failed",
      error: "instance hibernating",
      finishedAt: later(3.5),
    });
    const [saved] = await b.scans.listScans({ status: "succeeded", limit: 1 });
    expect(saved).toEqual({
      id: eu2,
      source: "servicenow-eu",
      startedAt: later(2),
      finishedAt: later(2),
      status: "succeeded",
      error: undefined,
      identities: 1,
      findings: 0,
      score: computeScore([]),
      blindSpots: [{ signal: "ui_logins", table: "sys_user_login", reason: "403" }],
      coverage: { apiLogSince: new Date("2026-10-01T00:00:00Z"), uiLoginLogSince: undefined },
      requests: 42,
    });

    expect(await b.scans.previousDigest(eu2)).toBeUndefined();
    await a.digests.recordDigest({
      platform: "slack",
      recipient: "C1",
      scanId: eu1,
      score: 77,
      at: later(2.5),
    });
    await a.digests.recordDigest({
      platform: "slack",
      recipient: "C1",
      scanId: us1,
      score: undefined,
      at: later(2.6),
    });
    expect(await b.scans.previousDigest(eu2)).toEqual({ since: later(1), score: 100 });
    expect((await b.scans.scanOfPreviousDigest(eu2))?.id).toBe(us1);
    expect(await b.scans.previousDigest(us1)).toEqual({ since: later(0), score: 77 });
    expect((await b.scans.scanOfPreviousDigest(us1))?.id).toBe(eu1);
    expect(await b.scans.scanOfPreviousDigest(eu1)).toBeUndefined();
  });

  it("fails each interrupted scan once when two connections look at once, and leaves a live one running", async () => {
    const [a, b, raw] = await two();
    const live = await a.scans.startScan("servicenow", at);
    const gone = await a.scans.startScan("servicenow-eu", at);
    const fresh = await a.scans.startScan("servicenow-us", at);
    await raw.all(`UPDATE scans SET host = 'another-machine' WHERE id IN (${gone}, ${fresh})`);
    // Its replica stopped beating two days ago; the other one beats.
    await raw.all(`UPDATE scans SET started_at = '2026-11-30T00:00:00.000Z' WHERE id = ${gone}`);
    await raw.all(`UPDATE scan_heartbeats SET beat_at = '2026-11-30T00:00:00.000Z' WHERE scan_id = ${gone}`);
    const counts = await Promise.all([a.scans.failInterruptedScans(at), b.scans.failInterruptedScans(at)]);
    expect(counts[0] + counts[1]).toBe(1);
    const byId = new Map((await a.scans.listScans()).map((s) => [s.id, s]));
    expect(byId.get(gone)).toMatchObject({
      status: "failed",
      finishedAt: at,
      error: "interrupted: warden stopped before the scan finished",
    });
    expect(byId.get(live)?.status).toBe("running");
    expect(byId.get(fresh)?.status).toBe("running");
  });

  it("saves a scan: unchanged accounts touched, changed ones rewritten, findings opened, refreshed and resolved", async () => {
    const [a, b, raw] = await two();
    // Non-ASCII text: the stored snapshot is hashed as UTF-8 on both sides.
    const one = identity(1, {
      lastApiCallAt: new Date("2026-11-20T00:00:00Z"),
      userName: "svc_zürich_ß_集成",
    });
    const two_ = identity(2, { lastApiCallAt: new Date("2026-06-01T00:00:00Z") });
    const three = identity(3);
    const first = await a.scans.startScan("servicenow", at);
    expect(
      await a.scans.saveScanResult(
        result(
          first,
          [three, one, two_],
          [
            [one, [dormant]],
            [two_, [dormant, noOwner]],
          ],
          at,
        ),
      ),
    ).toEqual({ opened: 3, updated: 0, resolved: 0 });

    // Which snapshot rows the second save writes: a row PostgreSQL rewrites gets a new xmin
    // (SQLite's own check is test/scan/changed-rows-write.test.ts).
    const versions = async (): Promise<Record<string, string>> =>
      backend.name !== "postgres"
        ? {}
        : Object.fromEntries(
            (
              (await raw.all("SELECT account_id, xmin::text AS version FROM account_snapshots")) as {
                account_id: string;
                version: string;
              }[]
            ).map((row) => [row.account_id, row.version]),
          );
    const before = await versions();

    // The second scan: 1 unchanged, 2 renamed with an older activity date, 3 gone, 4 new.
    const second = await b.scans.startScan("servicenow", later(24));
    const renamed = {
      ...two_,
      name: "Renamed",
      active: false,
      lastApiCallAt: new Date("2026-01-01T00:00:00Z"),
    };
    const four = identity(4);
    expect(
      await b.scans.saveScanResult(
        result(
          second,
          [four, renamed, one],
          [
            [one, [{ ...dormant, summary: "Still no activity" }]],
            [four, [noOwner]],
          ],
          later(24),
        ),
      ),
    ).toEqual({ opened: 1, updated: 1, resolved: 2 });
    // The unchanged account is only touched (its snapshot compared by hash, not rewritten).
    if (backend.name === "postgres") {
      const after = await versions();
      expect(after[one.id]).toBe(before[one.id]);
      expect(after[two_.id]).not.toBe(before[two_.id]);
    }

    const accounts = await raw.all(
      "SELECT id, name, owner_email, active, first_seen_at, last_seen_at, last_active_at, last_scan_id, snapshot FROM accounts ORDER BY id",
    );
    expect(accounts).toEqual([
      {
        id: one.id,
        name: "Integration 1",
        owner_email: "owner@example.com",
        active: 1,
        first_seen_at: at.toISOString(),
        last_seen_at: later(24).toISOString(),
        last_active_at: "2026-11-20T00:00:00.000Z",
        last_scan_id: second,
        snapshot: "{}",
      },
      {
        id: two_.id,
        name: "Renamed",
        owner_email: "owner@example.com",
        active: 0,
        first_seen_at: at.toISOString(),
        last_seen_at: later(24).toISOString(),
        // Only forward: the older activity date leaves it where it was.
        last_active_at: "2026-06-01T00:00:00.000Z",
        last_scan_id: second,
        snapshot: "{}",
      },
      {
        id: three.id,
        name: "Integration 3",
        owner_email: "owner@example.com",
        active: 1,
        first_seen_at: at.toISOString(),
        last_seen_at: at.toISOString(),
        last_active_at: null,
        last_scan_id: first,
        snapshot: "{}",
      },
      {
        id: four.id,
        name: "Integration 4",
        owner_email: "owner@example.com",
        active: 1,
        first_seen_at: later(24).toISOString(),
        last_seen_at: later(24).toISOString(),
        last_active_at: null,
        last_scan_id: second,
        snapshot: "{}",
      },
    ]);
    const snapshots = await raw.all<{ account_id: string; snapshot: string }>(
      "SELECT account_id, snapshot FROM account_snapshots ORDER BY account_id",
    );
    expect(snapshots.map((s) => [s.account_id, (JSON.parse(s.snapshot) as { name: string }).name])).toEqual([
      [one.id, "Integration 1"],
      [two_.id, "Renamed"],
      [three.id, "Integration 3"],
      [four.id, "Integration 4"],
    ]);
    const findings = await raw.all(
      `SELECT account_id, rule, summary, first_scan_id, last_scan_id, resolved_scan_id, resolved_at, last_seen_at
         FROM findings ORDER BY id`,
    );
    expect(findings).toEqual([
      {
        account_id: one.id,
        rule: "dormant",
        summary: "Still no activity",
        first_scan_id: first,
        last_scan_id: second,
        resolved_scan_id: null,
        resolved_at: null,
        last_seen_at: later(24).toISOString(),
      },
      {
        account_id: two_.id,
        rule: "dormant",
        summary: "No activity",
        first_scan_id: first,
        last_scan_id: first,
        resolved_scan_id: second,
        resolved_at: later(24).toISOString(),
        last_seen_at: at.toISOString(),
      },
      {
        account_id: two_.id,
        rule: "no_owner",
        summary: "No owner",
        first_scan_id: first,
        last_scan_id: first,
        resolved_scan_id: second,
        resolved_at: later(24).toISOString(),
        last_seen_at: at.toISOString(),
      },
      {
        account_id: four.id,
        rule: "no_owner",
        summary: "No owner",
        first_scan_id: second,
        last_scan_id: second,
        resolved_scan_id: null,
        resolved_at: null,
        last_seen_at: later(24).toISOString(),
      },
    ]);
    const [latest] = await a.scans.listLatestScans({ status: "succeeded" });
    expect(latest).toMatchObject({ id: second, identities: 3, findings: 2, status: "succeeded" });
    expect(await a.audit.lastEventAt("scan.succeeded")).toEqual(later(24));
    expect(await a.audit.verifyAuditChain()).toEqual({ ok: true, entries: 2 });
  });

  it("writes a big scan in batches, a step at a time in one transaction, as storeScanResult does", async () => {
    const [a, , raw] = await two();
    const many = Array.from({ length: 5_000 }, (_, m) => identity(m));
    const scanId = await a.scans.startScan("servicenow", at);
    const write = { source: "servicenow", scanId, at: at.toISOString() };
    await a.transaction(async (tx) => {
      expect(await tx.scans.writeScanAccounts(write, many.slice(0, 2_500))).toBe(2_500);
      expect(await tx.scans.writeScanAccounts(write, many.slice(2_500))).toBe(2_500);
      expect(
        await tx.scans.writeScanFindings(
          write,
          many.map((i) => [i.id, [dormant]] as const),
        ),
      ).toEqual({ opened: 5_000, updated: 0 });
      expect(await tx.scans.resolveUnseenFindings(write, 1000)).toBe(0);
      await tx.scans.finishScanWrite(
        { ...result(scanId, many, [], at), findings: 5_000 },
        {
          opened: 5_000,
          updated: 0,
          resolved: 0,
        },
      );
    });
    const [counts] = await raw.all<{ accounts: number; findings: number; snapshots: number }>(
      `SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM findings) AS findings,
              (SELECT count(*) FROM account_snapshots) AS snapshots`,
    );
    expect(counts).toEqual({ accounts: 5_000, findings: 5_000, snapshots: 5_000 });

    // The next scan sees half of them again, unchanged: the other half's findings resolve in batches.
    const next = await a.scans.startScan("servicenow", later(24));
    const again = { source: "servicenow", scanId: next, at: later(24).toISOString() };
    await a.transaction(async (tx) => {
      await tx.scans.writeScanAccounts(again, many.slice(0, 2_500));
      expect(
        await tx.scans.writeScanFindings(
          again,
          many.slice(0, 2_500).map((i) => [i.id, [dormant]] as const),
        ),
      ).toEqual({ opened: 0, updated: 2_500 });
      expect(await tx.scans.resolveUnseenFindings(again, 1000)).toBe(1000);
      expect(await tx.scans.resolveUnseenFindings(again, 1000)).toBe(1000);
      expect(await tx.scans.resolveUnseenFindings(again, 1000)).toBe(500);
    });
    const [seen] = await raw.all<{ n: number }>(
      `SELECT count(*) AS n FROM accounts WHERE last_scan_id = ${next}`,
    );
    expect(seen?.n).toBe(2_500);
    // A paused checkpoint is restored as it was; the checkpoint itself takes no argument.
    await a.scans.endScanWrite(await a.scans.beginScanWrite());
    await a.scans.checkpointDatabase();
  });

  it("writes a scan's results once when two connections save the same scan at once", async () => {
    const [a, b, raw] = await two();
    const scanId = await a.scans.startScan("servicenow", at);
    const ids = [identity(1), identity(2)];
    const saved = result(scanId, ids, [[ids[0] as MachineIdentity, [dormant]]], at);
    const outcomes = await Promise.allSettled([a.scans.saveScanResult(saved), b.scans.saveScanResult(saved)]);
    const [open] = await raw.all<{ n: number }>(
      "SELECT count(*) AS n FROM findings WHERE resolved_at IS NULL",
    );
    expect(open?.n).toBe(1);
    expect((await a.scans.listScans())[0]).toMatchObject({ id: scanId, status: "succeeded", findings: 1 });
    const fulfilled = outcomes.filter((o) => o.status === "fulfilled");
    if (backend.name === "postgres") {
      // The second waits for the first, then is refused: no second audit entry, nothing rewritten.
      expect(fulfilled).toHaveLength(1);
      expect(outcomes.find((o) => o.status === "rejected")).toMatchObject({
        reason: { code: "E_STORE_SCAN_SAVED" },
      });
      expect(await a.audit.verifyAuditChain()).toEqual({ ok: true, entries: 1 });
    } else {
      // SQLite writes one after the other: the second save rewrites the same rows.
      expect(fulfilled).toHaveLength(2);
    }
  });

  /** Retention's test data: `days` ago from `today`, as pruneExpired cuts at 400 days. */
  const today = new Date("2026-11-23T02:00:00Z");
  const before = new Date(today.getTime() - 400 * 86_400_000);
  const ago = (days: number) => `'${new Date(today.getTime() - days * 86_400_000).toISOString()}'`;

  async function seedRetention(raw: Raw) {
    const scanAt = async (source: string, days: number, status = "succeeded") => {
      const [row] = await raw.all<{ id: number }>(
        `INSERT INTO scans (source, started_at, finished_at, status, identities)
         VALUES ('${source}', ${ago(days)}, ${ago(days)}, '${status}', 0) RETURNING id`,
      );
      return Number(row?.id);
    };
    const b1 = await scanAt("servicenow-eu", 600);
    const s1 = await scanAt("servicenow", 500);
    const s2 = await scanAt("servicenow", 450);
    const s3 = await scanAt("servicenow", 420, "failed");
    const s4 = await scanAt("servicenow", 10);
    const s5 = await scanAt("servicenow", 5);
    const account = (source: string, id: string, lastScan: number, days: number) =>
      raw.all(`INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at,
                 last_seen_at, last_scan_id) VALUES ('${source}', '${id}', 'svc_${id}', 'Service ${id}', NULL, 1, '{}',
                 ${ago(900)}, ${ago(days)}, ${lastScan})`);
    await account("servicenow", "old", s2, 450);
    await account("servicenow", "live", s5, 5);
    await account("servicenow-eu", "eu", b1, 600);
    const finding = async (
      id: string,
      rule: string,
      first: number,
      last: number,
      resolved?: [number, number],
    ) => {
      const [row] = await raw.all<{ id: number }>(
        `INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation, first_seen_at,
           last_seen_at, resolved_at, first_scan_id, last_scan_id, resolved_scan_id)
         VALUES ('servicenow', '${id}', '${rule}', 'high', 'summary', '[]', 'disable', ${ago(900)}, ${ago(0)},
           ${resolved ? ago(resolved[1]) : "NULL"}, ${first}, ${last}, ${resolved ? resolved[0] : "NULL"}) RETURNING id`,
      );
      return Number(row?.id);
    };
    const f1 = await finding("live", "dormant", s1, s1, [s2, 500]);
    const f2 = await finding("live", "no_owner", s4, s4, [s5, 10]);
    await finding("old", "dormant", s2, s2, [s4, 5]);
    const f4 = await finding("live", "dormant", s5, s5);
    const digest = async (scan: number, days: number) => {
      const [row] = await raw.all<{ id: number }>(
        `INSERT INTO digests (platform, recipient, scan_id, score, posted_at)
         VALUES ('slack', 'C1', ${scan}, 90, ${ago(days)}) RETURNING id`,
      );
      return Number(row?.id);
    };
    await digest(s1, 490);
    const d2 = await digest(s2, 480);
    const d3 = await digest(s5, 3);
    return { b1, s1, s2, s3, s4, s5, f1, f2, f4, d2, d3 };
  }

  it("prunes old findings, gone accounts and unread scans, each once when two connections prune at once", async () => {
    const [a, b, raw] = await two();
    const seeded = await seedRetention(raw);
    const both = async (step: (store: Store) => Promise<number>) => {
      const [x, y] = await Promise.all([step(a), step(b)]);
      return x + y;
    };
    expect(await both((s) => s.retention.pruneFindings(before, 100))).toBe(1);
    expect(await both((s) => s.retention.pruneAccounts(before, 100))).toBe(1);
    expect(await a.retention.pruneScans(before, 100)).toBe(3);
    expect(await b.retention.pruneScans(before, 100)).toBe(0);
    const ids = async (table: string) =>
      (await raw.all<{ id: number | string }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);
    expect(await ids("findings")).toEqual([seeded.f2, seeded.f4]);
    expect(await ids("accounts")).toEqual(["eu", "live"]);
    expect(await ids("scans")).toEqual([seeded.b1, seeded.s2, seeded.s4, seeded.s5]);
    expect(await ids("digests")).toEqual([seeded.d2, seeded.d3]);
  });

  it("prunes in batches of `limit`", async () => {
    const [a, , raw] = await two();
    await seedRetention(raw);
    await raw.all(`UPDATE findings SET resolved_at = ${ago(700)} WHERE resolved_at IS NOT NULL`);
    expect(await a.retention.pruneFindings(before, 2)).toBe(2);
    expect(await a.retention.pruneFindings(before, 2)).toBe(1);
    expect(await a.retention.pruneFindings(before, 2)).toBe(0);
  });

  it("has nothing to vacuum or truncate on a new database, and says it can take a write", async () => {
    const [a, b] = await two();
    expect(await a.retention.incrementalVacuum(1000)).toBe(0);
    expect(await a.retention.truncateWal()).toBe(true);
    expect(await a.health.checkDatabaseWritable()).toEqual({ ok: true });
    // Inside a transaction, the check leaves it going on.
    await b.transaction(async (tx) => {
      expect(await tx.health.checkDatabaseWritable()).toEqual({ ok: true });
      await tx.scans.startScan("servicenow", at);
    });
    expect((await a.scans.listScans()).map((s) => s.status)).toEqual(["running"]);
  });

  itOnPostgres("says a read-only PostgreSQL database cannot take a write", async () => {
    const [a, , raw] = await two();
    const name = new URL(a.location).pathname.slice(1);
    // Opened as warden opens it: a database at the latest schema needs no write to open.
    const check = async (user: string | undefined) => {
      const url = new URL(inject("postgresUrl"));
      url.pathname = `/${name}`;
      if (user) url.username = user;
      const { store } = await openPostgresStore(url.toString());
      try {
        return await store.health.checkDatabaseWritable();
      } finally {
        await store.close();
      }
    };
    await raw.all(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
    expect(await check(undefined)).toMatchObject({ ok: false, problem: "read-only" });
    await raw.all(`ALTER DATABASE ${name} SET default_transaction_read_only = off`);
    expect(await check(undefined)).toEqual({ ok: true });
    // A role that may read everything and write nothing (a reporting role given to warden by mistake).
    await raw.all("CREATE ROLE warden_reader LOGIN");
    await raw.all("GRANT SELECT ON ALL TABLES IN SCHEMA public TO warden_reader");
    try {
      expect(await check("warden_reader")).toMatchObject({ ok: false, problem: "read-only" });
    } finally {
      await raw.all("DROP OWNED BY warden_reader");
      await raw.all("DROP ROLE warden_reader");
    }
  });

  itOnPostgres(
    "leaves an account a scan is writing right now to that scan, when another replica prunes meanwhile",
    async () => {
      const [a, b, raw] = await two();
      await seedRetention(raw);
      const scanId = await a.scans.startScan("servicenow", today);
      const write = { source: "servicenow", scanId, at: today.toISOString() };
      await a.transaction(async (tx) => {
        await tx.scans.writeScanAccounts(write, [{ ...identity(1), id: "old" }]);
        // Skipped, not waited for: the scan holds the row until it commits.
        expect(await b.retention.pruneAccounts(before, 100)).toBe(0);
      });
      const [old] = await raw.all<{ last_scan_id: number }>(
        "SELECT last_scan_id FROM accounts WHERE id = 'old'",
      );
      expect(old?.last_scan_id).toBe(scanId);
      expect(await b.retention.pruneAccounts(before, 100)).toBe(0);
    },
  );

  it("writes an account or a finding given twice in one batch twice in turn, as the row-by-row write does", async () => {
    const [a, , raw] = await two();
    const scanId = await a.scans.startScan("servicenow", at);
    const write = { source: "servicenow", scanId, at: at.toISOString() };
    const one = identity(1);
    expect(await a.scans.writeScanAccounts(write, [one, identity(2), { ...one, name: "Renamed" }])).toBe(3);
    expect(
      await a.scans.writeScanFindings(write, [
        [one.id, [dormant]],
        [one.id, [{ ...dormant, summary: "Again" }]],
      ]),
    ).toEqual({ opened: 1, updated: 1 });
    expect(await raw.all("SELECT id, name FROM accounts ORDER BY id")).toEqual([
      { id: one.id, name: "Renamed" },
      { id: identity(2).id, name: "Integration 2" },
    ]);
    expect(await raw.all("SELECT rule, summary FROM findings")).toEqual([
      { rule: "dormant", summary: "Again" },
    ]);
  });

  itOnPostgres("saves 5,000 accounts with their findings in a few dozen statements", async () => {
    const [a] = await two();
    const scanId = await a.scans.startScan("servicenow", at);
    const url = new URL(inject("postgresUrl"));
    url.pathname = new URL(a.location).pathname;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    let statements = 0;
    const counted = client.query.bind(client) as (config: unknown) => Promise<unknown>;
    (client as unknown as { query: (config: unknown) => Promise<unknown> }).query = (config) => {
      statements += 1;
      return counted(config);
    };
    try {
      await client.query("BEGIN");
      const many = Array.from({ length: 5_000 }, (_, m) => identity(m));
      const summary = await saveScanResultPg(
        pgDbInTransaction(client, () => true),
        result(
          scanId,
          many,
          many.map((i) => [i, [dormant]]),
          at,
        ),
      );
      await client.query("COMMIT");
      expect(summary).toEqual({ opened: 5_000, updated: 0, resolved: 0 });
    } finally {
      await client.end();
    }
    expect(statements).toBeLessThan(60);
  });
});
