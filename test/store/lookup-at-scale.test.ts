import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeScore } from "../../src/core/compute-score.js";
import type { Finding, MachineIdentity } from "../../src/core/model.js";
import { buildLookup, type LookupView } from "../../src/messages/build-lookup.js";
import { findAccount, matchAccount, resolveAccount } from "../../src/store/accounts.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { saveScanResult } from "../../src/store/save-scan-result.js";
import { startScan } from "../../src/store/scans.js";
import type { Store } from "../../src/store/store.js";

/** The benchmark's population: 50,000 identities named like the scaled simulator's. */
const COUNT = 50_000;
const SYSTEMS = [
  "sap",
  "workday",
  "jira",
  "splunk",
  "okta",
  "datadog",
  "sccm",
  "tableau",
  "salesforce",
  "github",
];
const NOW = new Date("2026-11-23T02:00:00Z");

const sysId = (m: number) => m.toString(16).padStart(32, "0");

function identity(m: number, overrides: Partial<MachineIdentity> = {}): MachineIdentity {
  const system = SYSTEMS[m % SYSTEMS.length]!;
  return {
    source: "servicenow",
    id: sysId(m),
    userName: `svc_${system}_${m}`,
    name: `${system.toUpperCase()} integration ${m}`,
    active: true,
    attributes: { kind: "servicenow", lockedOut: false, webServiceAccessOnly: true },
    roles: ["itil"],
    privilegedRoles: [],
    apiCalls30d: m % 7,
    uniqueApiCalls7d: [],
    discoveredBy: ["wsao"],
    ...overrides,
  };
}

/** Accounts the behaviour checks rely on, besides the generated ones. */
const SPECIAL: MachineIdentity[] = [
  identity(COUNT + 1, { userName: "Svc_Backup_Prod", name: "Nightly Backup" }),
  // Two accounts share a display name; a third has a user name that looks like a sys_id.
  identity(COUNT + 2, { userName: "svc_report_a", name: "Reporting" }),
  identity(COUNT + 3, { userName: "svc_report_b", name: "Reporting" }),
  identity(COUNT + 4, { userName: sysId(42), name: "Lookalike" }),
];

const dormant: Finding = {
  rule: "dormant",
  severity: "high",
  summary: "No activity",
  evidence: [{ signal: "api_calls", detail: "no API call in 30 days" }],
  remediation: "disable",
};

let dir: string;
let db: Database;
/** The store port over `db`: what lookups read through. */
let store: Store;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "warden-test-"));
  db = openDatabase(join(dir, "warden.db"));
  store = createSqliteStore(db);
  const identities = [...Array.from({ length: COUNT }, (_, m) => identity(m)), ...SPECIAL];
  const scanId = startScan(db, "servicenow", NOW);
  saveScanResult(db, {
    scanId,
    inventory: {
      source: "servicenow",
      collectedAt: NOW,
      identities,
      blindSpots: [],
      coverage: {},
      requests: 0,
    },
    findings: new Map(identities.filter((_, i) => i % 5 === 0).map((i) => [i.id, [dormant]])),
    score: computeScore([]),
    finishedAt: NOW,
  });
}, 120_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real database, recording the SQL of every statement prepared through it (and a store over it). */
function recording(target: Database): { db: Database; store: Store; statements: Set<string> } {
  const statements = new Set<string>();
  const proxy = new Proxy(target, {
    get(object, key) {
      if (key === "prepare") {
        return (sql: string) => {
          statements.add(sql);
          return object.prepare(sql);
        };
      }
      const value = Reflect.get(object, key, object);
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
  return { db: proxy, store: createSqliteStore(proxy), statements };
}

function userName(view: LookupView): string | undefined {
  return view.found ? view.identity.userName : undefined;
}

/** Inputs that take every path of a lookup: each match kind, suggestions, odd input. */
const QUERIES = [
  sysId(12_340),
  "svc_sap_12340",
  "SVC_SAP_12340",
  "sap integration 12340",
  "Reporting",
  "scv_sap_12340",
  "svc_sqp_12340",
  "svc_sap_1234",
  "zzzz-nothing-like-it",
  "s",
  "x".repeat(100),
  "é".repeat(100),
  "x".repeat(10_000),
];

describe(`lookups on ${COUNT.toLocaleString("en-US")} identities`, () => {
  it("run only statements whose query plan reads an index, never a whole table", async () => {
    const { db: watched, store: watchedStore, statements } = recording(db);
    for (const query of QUERIES) await buildLookup(watchedStore, query);
    findAccount(watched, "servicenow", sysId(7));
    matchAccount(watched, "svc_sap_1 (servicenow)");
    expect(statements.size).toBeGreaterThan(5);
    for (const sql of statements) {
      const params = (sql.match(/\?/g) ?? []).map(() => "svc_sap_1");
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
        (row) => row.detail,
      );
      // "SCAN t" (also "SCAN t USING INDEX i") reads every row; json_each is the list of probes.
      const fullScans = plan.filter((line) => /^SCAN /.test(line) && !/^SCAN json_each\b/.test(line));
      expect(fullScans, `${sql}\n${plan.join("\n")}`).toEqual([]);
      expect(
        plan.some((line) => /^SEARCH \w+ USING (COVERING )?INDEX /.test(line)),
        sql,
      ).toBe(true);
    }
  });

  it("finds an account by user name, in any ASCII case, and by sys_id", async () => {
    const exact = await buildLookup(store, "svc_sap_12340");
    expect(userName(exact)).toBe("svc_sap_12340");
    expect(exact.found && exact.openFindings.map((f) => f.rule)).toEqual(["dormant"]);
    expect(userName(await buildLookup(store, "SVC_SAP_12340"))).toBe("svc_sap_12340");
    expect(userName(await buildLookup(store, "svc_backup_prod"))).toBe("Svc_Backup_Prod");
    expect(userName(await buildLookup(store, sysId(12_340)))).toBe("svc_sap_12340");
    // The input is cleaned: surrounding space, a line break and a zero-width space are dropped.
    expect(userName(await buildLookup(store, "  svc_sap_\u200b12340\n"))).toBe("svc_sap_12340");
  });

  it("finds an account by display name, and lists the accounts sharing one", async () => {
    expect(userName(await buildLookup(store, "nightly backup"))).toBe("Svc_Backup_Prod");
    expect(await buildLookup(store, "REPORTING")).toEqual({
      found: false,
      query: "REPORTING",
      suggestions: ["svc_report_a", "svc_report_b"],
    });
  });

  it("prefers a sys_id over a user name that looks like one", async () => {
    expect(resolveAccount(db, sysId(42))?.identity.userName).toBe("svc_jira_42");
    expect(userName(await buildLookup(store, sysId(42)))).toBe("svc_jira_42");
  });

  it("suggests the account for a typo at its start, middle or end, and completes a prefix", async () => {
    const suggestions = async (query: string) => {
      const view = await buildLookup(store, query);
      expect(view.found, query).toBe(false);
      return view.found ? [] : view.suggestions;
    };
    expect(await suggestions("scv_sap_12340")).toContain("svc_sap_12340");
    expect(await suggestions("svc_sqp_12340")).toContain("svc_sap_12340");
    expect(await suggestions("svc_sap_12304")).toContain("svc_sap_12340");
    expect(await suggestions("SVC_SAP_1234")).toContain("svc_sap_12340");
    expect(await suggestions("SAP integration 1234o")).toContain("svc_sap_12340");
    expect(await suggestions("zzzz-nothing-like-it")).toEqual([]);
  });

  it("does not search input too long to be an account", async () => {
    const { store: watched, statements } = recording(db);
    const view = await buildLookup(watched, "svc_sap_1".repeat(2_000));
    expect(view).toMatchObject({ found: false, suggestions: [] });
    expect(view.found ? "" : view.query).toHaveLength(101);
    expect([...statements]).toEqual([]);
  });
});
