import { describe, expect, it } from "vitest";
import { computeScore } from "../../src/core/compute-score.js";
import type { Finding, MachineIdentity } from "../../src/core/model.js";
import type { AccountNames } from "../../src/store/account-pages.js";
import type { StoredAccount } from "../../src/store/accounts.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import type { StoredFinding } from "../../src/store/findings.js";
import { openDatabase } from "../../src/store/open-database.js";
import { saveScanResult } from "../../src/store/save-scan-result.js";
import { startScan } from "../../src/store/scans.js";
import type { Store } from "../../src/store/store.js";
import { tempDbPath } from "../helpers/temp-db.js";

const NOW = new Date("2026-11-23T02:00:00Z");
const dormant: Finding = {
  rule: "dormant",
  severity: "high",
  summary: "No activity",
  evidence: [{ signal: "api_calls", detail: "no API call in 30 days" }],
  remediation: "disable",
};

function identity(source: string, m: number): MachineIdentity {
  return {
    source,
    id: m.toString(16).padStart(32, "0"),
    userName: `svc_${source}_${m}`,
    name: `Integration ${m}`,
    active: true,
    attributes: { kind: "servicenow", lockedOut: false, webServiceAccessOnly: true },
    roles: [],
    privilegedRoles: [],
    apiCalls30d: 0,
    uniqueApiCalls7d: [],
    discoveredBy: ["wsao"],
    owner: { id: "o", userName: "owner", name: `Owner ${m}`, email: "owner@example.com", active: true },
  };
}

/** Two sources, each scanned twice; the second scan drops some accounts and finds risk in others. */
function seed(): Store {
  const db = openDatabase(tempDbPath());
  for (const source of ["servicenow-eu", "servicenow"]) {
    for (const count of [12, 9]) {
      const identities = Array.from({ length: count }, (_, m) => identity(source, m));
      saveScanResult(db, {
        scanId: startScan(db, source, NOW),
        inventory: { source, collectedAt: NOW, identities, blindSpots: [], coverage: {}, requests: 0 },
        findings: new Map(identities.filter((_, m) => m % 3 === 0).map((i) => [i.id, [dormant]])),
        score: computeScore([]),
        finishedAt: NOW,
      });
    }
  }
  return createSqliteStore(db);
}

async function allPages<T>(next: (after: T | undefined) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let page = await next(undefined); page.length > 0; page = await next(page.at(-1))) rows.push(...page);
  return rows;
}

// Tuple order, as SQLite compares (source, id): a NUL separator sorts below any character.
const keyOf = (a: { source: string; id: string }) => `${a.source}\u0000${a.id}`;

describe("reading the latest accounts a page at a time", () => {
  it("pages through every source's latest scan once each, in key order, as the whole list has them", async () => {
    const store = seed();
    const whole = (await store.accounts.listLatestAccounts()).map((a) => keyOf(a.identity)).sort();
    expect(whole).toHaveLength(18);
    const paged = await allPages<StoredAccount>((after) =>
      store.accounts.listLatestAccountsPage({
        after: after && { source: after.identity.source, id: after.identity.id },
        limit: 4,
      }),
    );
    expect(paged.map((a) => keyOf(a.identity))).toEqual(whole);
    const names = await allPages<AccountNames>((after) =>
      store.accounts.listLatestAccountNamesPage({ after, limit: 5 }),
    );
    expect(names.map(keyOf)).toEqual(whole);
    expect(names[0]).toMatchObject({ userName: "svc_servicenow_0", ownerName: "Owner 0" });
  });

  it("with risky, only the accounts with an open finding", async () => {
    const store = seed();
    const open = new Set(
      (await store.findings.listOpenFindings()).map((f) => keyOf({ source: f.source, id: f.accountId })),
    );
    expect(open.size).toBe(6);
    const paged = await allPages<StoredAccount>((after) =>
      store.accounts.listLatestAccountsPage({
        after: after && { source: after.identity.source, id: after.identity.id },
        limit: 2,
        risky: true,
      }),
    );
    expect(paged.map((a) => keyOf(a.identity))).toEqual([...open].sort());
  });

  it("reads open findings a page at a time after an id", async () => {
    const store = seed();
    const whole = await store.findings.listOpenFindings({ source: "servicenow" });
    const paged = await allPages<StoredFinding>((after) =>
      store.findings.listOpenFindingsPage({ source: "servicenow", afterId: after?.id, limit: 2 }),
    );
    expect(paged).toEqual(whole);
  });
});
