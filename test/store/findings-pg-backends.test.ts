import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";

const t0 = new Date("2026-11-01T09:00:00Z");
const t1 = new Date("2026-11-15T09:00:00Z");
const t2 = new Date("2026-12-01T09:00:00Z");
const until = new Date("2027-03-01T00:00:00Z");
const since = new Date("2026-11-20T00:00:00Z");

const evidence = [{ signal: "history", detail: "no login for 120 days", since: t0 }];

describe.each(STORE_BACKENDS)("findings on $name", (backend) => {
  let database: BackendDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  /**
   * Two connections to a database with three scans (servicenow: 1 succeeded, 2 running; entra: 3),
   * five accounts and nine findings, their ids 1 to 9 in the order below.
   */
  async function seeded(): Promise<{ a: Store; b: Store; scans: number[] }> {
    database = await backend.database();
    const [a, b] = [await database.connect(), await database.connect()];
    const { sql } = database;
    const scans = [
      await a.scans.startScan("servicenow", t0),
      await a.scans.startScan("servicenow", t2),
      await a.scans.startScan("entra", t2),
    ];
    await sql("UPDATE scans SET status = 'succeeded' WHERE id = ?", [scans[0]]);
    const accounts: [string, string, string, number, string | null, string | undefined][] = [
      [
        "servicenow",
        "a1",
        "jdoe",
        1,
        "raj@acme.example",
        '{"owner":{"name":"Raj Patel","email":"raj@acme.example"}}',
      ],
      ["servicenow", "a2", "asmith", 0, "raj@acme.example", '{"owner":{"name":5}}'],
      ["servicenow", "a3", "bob", 1, null, undefined],
      ["entra", "e1", "old-app", 0, "other@acme.example", "{}"],
      ["entra", "e2", "new-app", 1, null, '{"owner":{"email":"dev@acme.example"}}'],
    ];
    for (const [source, id, userName, active, owner, snapshot] of accounts) {
      await sql(
        `INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at, last_seen_at, last_scan_id)
         VALUES (?, ?, ?, ?, ?, ?, '{}', ?, ?, ?)`,
        [
          source,
          id,
          userName,
          userName.toUpperCase(),
          owner,
          active,
          t0.toISOString(),
          t2.toISOString(),
          scans[1],
        ],
      );
      if (snapshot !== undefined) {
        await sql("INSERT INTO account_snapshots (source, account_id, snapshot) VALUES (?, ?, ?)", [
          source,
          id,
          snapshot,
        ]);
      }
    }
    const findings: [string, string, string, Date, Date | null, number][] = [
      ["servicenow", "a1", "dormant", t2, null, 1],
      ["servicenow", "a1", "privileged", t2, null, 1],
      ["servicenow", "a2", "dormant", t2, null, 1],
      ["servicenow", "a2", "credential_expired", t2, null, 1],
      ["servicenow", "a3", "no_owner", t2, null, 1],
      ["servicenow", "a3", "dormant", t0, null, 0],
      ["servicenow", "a1", "dormant", t0, t2, 0],
      ["entra", "e1", "credential_expired", t2, null, 2],
      ["entra", "e2", "credential_expired", t1, null, 2],
    ];
    for (const [source, accountId, rule, firstSeen, resolved, scan] of findings) {
      await sql(
        `INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation, first_seen_at,
           last_seen_at, resolved_at, first_scan_id, last_scan_id)
         VALUES (?, ?, ?, 'high', ?, ?, 'disable', ?, ?, ?, ?, ?)`,
        [
          source,
          accountId,
          rule,
          `${rule} on ${accountId}`,
          JSON.stringify(evidence),
          firstSeen.toISOString(),
          t2.toISOString(),
          resolved?.toISOString() ?? null,
          scans[scan],
          scans[scan],
        ],
      );
    }
    await a.ownerOverrides.setOwnerOverride({
      source: "servicenow",
      accountId: "a3",
      ownerEmail: "raj@acme.example",
      assignedBy: "admin@acme.example",
      assignedAt: t1,
    });
    return { a, b, scans };
  }
  const ids = (findings: { id: number }[]) => findings.map((f) => f.id);

  it("lists open findings, all or of one source or account, in id order, each as stored", async () => {
    const { a, b } = await seeded();
    expect(ids(await a.findings.listOpenFindings())).toEqual([1, 2, 3, 4, 5, 6, 8, 9]);
    expect(ids(await b.findings.listOpenFindings({ source: "entra" }))).toEqual([8, 9]);
    expect(ids(await b.findings.listOpenFindings({ accountId: "a1" }))).toEqual([1, 2]);
    expect(await b.findings.listOpenFindings({ source: "servicenow", accountId: "a1" })).toEqual([
      {
        id: 1,
        source: "servicenow",
        accountId: "a1",
        rule: "dormant",
        severity: "high",
        summary: "dormant on a1",
        evidence,
        remediation: "disable",
        firstSeenAt: t2,
        lastSeenAt: t2,
        resolvedAt: undefined,
        acceptedUntil: undefined,
      },
      expect.objectContaining({ id: 2, rule: "privileged" }),
    ]);
    expect(await a.findings.listOpenFindings({ source: "servicenow", accountId: "zz" })).toEqual([]);
  });

  it("pages open findings after an id, optionally of one source", async () => {
    const { a } = await seeded();
    expect(ids(await a.findings.listOpenFindingsPage({ limit: 3 }))).toEqual([1, 2, 3]);
    expect(ids(await a.findings.listOpenFindingsPage({ afterId: 3, limit: 3 }))).toEqual([4, 5, 6]);
    expect(ids(await a.findings.listOpenFindingsPage({ afterId: 6, limit: 3 }))).toEqual([8, 9]);
    expect(ids(await a.findings.listOpenFindingsPage({ source: "entra", limit: 1 }))).toEqual([8]);
    expect(
      ids(await a.findings.listOpenFindingsPage({ source: "servicenow", afterId: 5, limit: 9 })),
    ).toEqual([6]);
  });

  it("lists what opened and what was resolved since a time, optionally of one source; and an account's history newest first", async () => {
    const { a } = await seeded();
    const all = await a.findings.listFindingChanges(since);
    expect({ opened: ids(all.opened), resolved: ids(all.resolved) }).toEqual({
      opened: [1, 2, 3, 4, 5, 8],
      resolved: [7],
    });
    expect(all.resolved[0]?.resolvedAt).toEqual(t2);
    const entra = await a.findings.listFindingChanges(t0, "entra");
    expect({ opened: ids(entra.opened), resolved: ids(entra.resolved) }).toEqual({
      opened: [8, 9],
      resolved: [],
    });
    expect(ids(await a.findings.listAccountFindings("servicenow", "a1"))).toEqual([7, 2, 1]);
    expect(await a.findings.listAccountFindings("servicenow", "none")).toEqual([]);
  });

  it("keeps an account's open findings until a date, from two connections at once", async () => {
    const { a, b } = await seeded();
    const counts = await Promise.all([
      a.findings.acceptFindings("servicenow", "a1", until),
      b.findings.acceptFindings("servicenow", "a1", until),
    ]);
    expect(counts).toEqual([2, 2]);
    expect(
      (await b.findings.listAccountFindings("servicenow", "a1")).map((f) => [f.id, f.acceptedUntil]),
    ).toEqual([
      [7, undefined],
      [2, until],
      [1, until],
    ]);
    expect(await a.findings.acceptFindings("servicenow", "none", until)).toBe(0);
  });

  it("lists a scan's new findings of the given rules with counts, leaving out expired credentials of disabled apps", async () => {
    const { a, scans } = await seeded();
    const rules = ["dormant", "privileged", "credential_expired", "no_owner"] as const;
    const one = await a.findings.listNewFindings({ scanId: scans[1] ?? 0, rules, perRule: 1 });
    const sorted = (counts: { rule: string; source: string; count: number }[]) =>
      [...counts].sort((x, y) => `${x.rule}:${x.source}`.localeCompare(`${y.rule}:${y.source}`));
    expect(sorted(one.counts)).toEqual([
      { rule: "dormant", source: "servicenow", count: 2 },
      { rule: "no_owner", source: "servicenow", count: 1 },
      { rule: "privileged", source: "servicenow", count: 1 },
    ]);
    expect(one.findings).toEqual([
      {
        source: "servicenow",
        accountId: "a1",
        userName: "jdoe",
        name: "JDOE",
        active: true,
        ownerName: "Raj Patel",
        ownerEmail: "raj@acme.example",
        rule: "dormant",
        severity: "high",
        summary: "dormant on a1",
        evidence,
      },
      expect.objectContaining({ accountId: "a1", rule: "privileged" }),
      expect.objectContaining({
        accountId: "a3",
        rule: "no_owner",
        ownerName: undefined,
        ownerEmail: undefined,
      }),
    ]);
    const two = await a.findings.listNewFindings({
      scanId: scans[1] ?? 0,
      rules: ["dormant"],
      perRule: 2,
    });
    expect(two.findings.map((f) => [f.accountId, f.active, f.ownerName, f.ownerEmail])).toEqual([
      ["a1", true, "Raj Patel", "raj@acme.example"],
      // A number where the name should be is no name.
      ["a2", false, undefined, undefined],
    ]);
    const entra = await a.findings.listNewFindings({
      scanId: scans[2] ?? 0,
      rules: ["credential_expired"],
      perRule: 5,
    });
    expect(entra.counts).toEqual([{ rule: "credential_expired", source: "entra", count: 1 }]);
    expect(entra.findings.map((f) => [f.accountId, f.ownerName, f.ownerEmail])).toEqual([
      ["e2", undefined, "dev@acme.example"],
    ]);
    expect(await a.findings.listNewFindings({ scanId: scans[1] ?? 0, rules: [], perRule: 5 })).toEqual({
      findings: [],
      counts: [],
    });
  });

  it("knows whether a succeeded scan of the same source came before", async () => {
    const { a, scans } = await seeded();
    expect(await a.scans.hasEarlierScan(scans[1] ?? 0)).toBe(true);
    expect(await a.scans.hasEarlierScan(scans[0] ?? 0)).toBe(false);
    expect(await a.scans.hasEarlierScan(scans[2] ?? 0)).toBe(false);
    expect(await a.scans.hasEarlierScan(999)).toBe(false);
  });

  it("lists the open findings of the accounts someone owns of record, an assigned account's no-owner finding left out", async () => {
    const { a, b } = await seeded();
    await a.findings.acceptFindings("servicenow", "a2", until);
    const owned = (await b.accounts.listOwnedFindings("raj@acme.example")).sort((x, y) =>
      `${x.accountId}:${x.rule}`.localeCompare(`${y.accountId}:${y.rule}`),
    );
    expect(owned).toEqual([
      {
        source: "servicenow",
        accountId: "a1",
        userName: "jdoe",
        rule: "dormant",
        acceptedUntil: undefined,
      },
      {
        source: "servicenow",
        accountId: "a1",
        userName: "jdoe",
        rule: "privileged",
        acceptedUntil: undefined,
      },
      {
        source: "servicenow",
        accountId: "a2",
        userName: "asmith",
        rule: "credential_expired",
        acceptedUntil: until,
      },
      {
        source: "servicenow",
        accountId: "a2",
        userName: "asmith",
        rule: "dormant",
        acceptedUntil: until,
      },
      {
        source: "servicenow",
        accountId: "a3",
        userName: "bob",
        rule: "dormant",
        acceptedUntil: undefined,
      },
    ]);
    expect(await b.accounts.listOwnedFindings("other@acme.example")).toEqual([
      {
        source: "entra",
        accountId: "e1",
        userName: "old-app",
        rule: "credential_expired",
        acceptedUntil: undefined,
      },
    ]);
    // Assigned away: the source's owner reference no longer counts.
    await a.ownerOverrides.setOwnerOverride({
      source: "entra",
      accountId: "e1",
      ownerEmail: "raj@acme.example",
      assignedBy: "admin@acme.example",
      assignedAt: t2,
    });
    expect(await b.accounts.listOwnedFindings("other@acme.example")).toEqual([]);
  });
});
