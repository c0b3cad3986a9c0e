import { afterEach, describe, expect, it } from "vitest";
import type { MachineIdentity, RuleName } from "../../src/core/model.js";
import { identityToJson, type StoredAccount } from "../../src/store/accounts.js";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";

const FIRST = "2026-10-01T00:00:00.000Z";
const LAST = "2026-12-01T09:00:00.000Z";
const ACTIVE = "2026-11-30T12:00:00.000Z";

interface Seed {
  source: string;
  id: string;
  userName: string;
  name: string;
  scan: number;
  owner?: string;
  appId?: string;
  activeAt?: string;
  /** Raw snapshot JSON instead of the identity's (an owner name that is not a string). */
  snapshot?: string;
}

function identityOf(seed: Seed): MachineIdentity {
  return {
    source: seed.source,
    id: seed.id,
    userName: seed.userName,
    name: seed.name,
    active: true,
    attributes: seed.appId
      ? {
          kind: "entra",
          appId: seed.appId,
          applicationObjectId: `obj-${seed.id}`,
          servicePrincipalType: "Application",
          owners: [],
          graphPermissions: [],
          directoryRoles: [],
        }
      : { kind: "servicenow", lockedOut: false, webServiceAccessOnly: true },
    roles: ["itil"],
    privilegedRoles: [],
    apiCalls30d: 3,
    uniqueApiCalls7d: [],
    discoveredBy: ["wsao"],
    lastLoginAt: new Date(ACTIVE),
    ...(seed.owner
      ? { owner: { id: "o1", userName: "owner", name: seed.owner, email: "owner@example.com", active: true } }
      : {}),
  };
}

/** Ids chosen so that SQLite's bytewise order ("B2" < "_3" < "a4" < "b1" < "é5") differs from a locale's. */
const ACCOUNTS: Seed[] = [
  {
    source: "servicenow",
    id: "b1",
    userName: "svc_sync",
    name: "Sync Service",
    scan: 2,
    owner: "Olivia",
    activeAt: ACTIVE,
  },
  { source: "servicenow", id: "B2", userName: "SVC_SYNC", name: "Sync Service", scan: 2 },
  {
    source: "servicenow",
    id: "_3",
    userName: "ÉRIC",
    name: "Élan",
    scan: 2,
    snapshot: JSON.stringify({
      ...identityOf({ source: "servicenow", id: "_3", userName: "ÉRIC", name: "Élan", scan: 2 }),
      owner: { name: 42 },
    }),
  },
  { source: "servicenow", id: "a4", userName: "\u212Aelvin", name: "Kelvin Sign", scan: 2 },
  { source: "servicenow", id: "c6", userName: "svc_reporting", name: "Shared Display", scan: 2 },
  { source: "servicenow", id: "é5", userName: "svc_accent", name: "Accent", scan: 2 },
  { source: "servicenow", id: "old", userName: "svc_old", name: "Old One", scan: 1 },
  { source: "servicenow-eu", id: "b1", userName: "svc_sync", name: "Sync Service EU", scan: 5 },
  { source: "servicenow-eu", id: "x1", userName: "svc_report", name: "Shared Display", scan: 5 },
  {
    source: "entra",
    id: "sp1",
    userName: "Shared Name",
    name: "Shared Name",
    scan: 4,
    appId: "AAAA-1111",
    owner: "App Owner",
  },
  { source: "entra", id: "sp2", userName: "Shared Name", name: "Shared Name", scan: 4, appId: "bbbb-2222" },
];

/** Open findings (by id order: b1's rules come out "stale_credential" before "dormant"); one resolved. */
const FINDINGS: { id: number; source: string; account: string; rule: string; resolved?: boolean }[] = [
  { id: 10, source: "servicenow", account: "b1", rule: "stale_credential" },
  { id: 11, source: "servicenow", account: "b1", rule: "dormant" },
  { id: 12, source: "servicenow", account: "B2", rule: "dormant" },
  { id: 13, source: "servicenow", account: "old", rule: "dormant" },
  { id: 14, source: "servicenow-eu", account: "x1", rule: "dormant" },
  { id: 15, source: "entra", account: "sp2", rule: "dormant", resolved: true },
];

async function seed(db: BackendDatabase): Promise<void> {
  const scans: [number, string, string][] = [
    [1, "servicenow", "succeeded"],
    [2, "servicenow", "succeeded"],
    [3, "servicenow", "failed"],
    [4, "entra", "succeeded"],
    [5, "servicenow-eu", "succeeded"],
  ];
  for (const [id, source, status] of scans) {
    await db.sql("INSERT INTO scans (id, source, started_at, status) VALUES (?, ?, ?, ?)", [
      id,
      source,
      FIRST,
      status,
    ]);
  }
  for (const a of ACCOUNTS) {
    await db.sql(
      `INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at, last_seen_at,
         last_active_at, last_scan_id) VALUES (?, ?, ?, ?, ?, 1, '{}', ?, ?, ?, ?)`,
      [
        a.source,
        a.id,
        a.userName,
        a.name,
        a.owner ? "owner@example.com" : null,
        FIRST,
        LAST,
        a.activeAt ?? null,
        a.scan,
      ],
    );
    await db.sql("INSERT INTO account_snapshots (source, account_id, snapshot) VALUES (?, ?, ?)", [
      a.source,
      a.id,
      a.snapshot ?? identityToJson(identityOf(a)),
    ]);
  }
  for (const f of FINDINGS) {
    await db.sql(
      `INSERT INTO findings (id, source, account_id, rule, severity, summary, evidence, remediation, first_seen_at,
         last_seen_at, resolved_at, first_scan_id, last_scan_id) VALUES (?, ?, ?, ?, 'high', 's', '[]', 'disable', ?, ?, ?, 1, 2)`,
      [f.id, f.source, f.account, f.rule, FIRST, LAST, f.resolved ? LAST : null],
    );
  }
}

const keyOf = (a: StoredAccount) => `${a.identity.source}/${a.identity.id}`;

async function allPages<T>(next: (after: T | undefined) => Promise<T[]>): Promise<T[][]> {
  const pages: T[][] = [];
  for (let page = await next(undefined); page.length > 0; page = await next(page.at(-1))) pages.push(page);
  return pages;
}

describe.each(STORE_BACKENDS)("reading accounts on $name", (backend) => {
  let database: BackendDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });
  async function seeded(): Promise<[Store, Store]> {
    database = await backend.database();
    const stores: [Store, Store] = [await database.connect(), await database.connect()];
    await seed(database);
    return stores;
  }

  it("finds an account by source and id, with its snapshot, times and scan", async () => {
    const [a] = await seeded();
    const found = await a.accounts.findAccount("servicenow", "b1");
    expect(found).toEqual({
      identity: identityOf(ACCOUNTS[0] as Seed),
      firstSeenAt: new Date(FIRST),
      lastSeenAt: new Date(LAST),
      lastScanId: 2,
    });
    expect((await a.accounts.findAccount("servicenow-eu", "b1"))?.identity.name).toBe("Sync Service EU");
    expect(await a.accounts.findAccount("servicenow", "B1")).toBeUndefined();
    expect(await a.accounts.findAccount("entra", "b1")).toBeUndefined();
    expect(await a.accounts.findAccount("servicenow", "b1\u0000")).toBeUndefined();
  });

  it("matches a lookup by id, user name, appId and display name, folding ASCII case only as SQLite does", async () => {
    const [a, b] = await seeded();
    const match = async (query: string) => {
      const m = await a.accounts.matchAccount(query);
      expect(await b.accounts.matchAccount(query)).toEqual(m);
      if (m.kind === "one") return `one ${keyOf(m.account)}`;
      if (m.kind === "several") return m.userNames;
      return "none";
    };
    // An id in two sources: both, qualified.
    expect(await match("b1")).toEqual(["svc_sync (servicenow)", "svc_sync (servicenow-eu)"]);
    expect(await match("é5")).toBe("one servicenow/é5");
    // User names: the exact case first, else every case, across sources qualified.
    expect(await match("svc_sync")).toEqual(["svc_sync (servicenow)", "svc_sync (servicenow-eu)"]);
    expect(await match("SVC_SYNC")).toBe("one servicenow/B2");
    expect(((await match("Svc_Sync")) as string[]).sort()).toEqual(
      ["SVC_SYNC (servicenow)", "svc_sync (servicenow)", "svc_sync (servicenow-eu)"].sort(),
    );
    expect(await match("SVC_REPORTING")).toBe("one servicenow/c6");
    // SQLite's lower() folds A-Z only: "ÉRIC" is found as "Éric", never as "éric"; the Kelvin sign is not a "k".
    expect(await match("Éric")).toBe("one servicenow/_3");
    expect(await match("éric")).toBe("none");
    expect(await match("kelvin")).toBe("none");
    expect(await match("\u212AELVIN")).toBe("one servicenow/a4");
    // Entra: by appId in any ASCII case; a shared display name offers the appIds.
    expect(await match("aaaa-1111")).toBe("one entra/sp1");
    expect(await match("BBBB-2222")).toBe("one entra/sp2");
    expect(((await match("shared name")) as string[]).sort()).toEqual(["AAAA-1111", "bbbb-2222"]);
    // "user name (source)" names one account of that source; an exact id or user name first.
    expect(await match("svc_sync (servicenow-eu)")).toBe("one servicenow-eu/b1");
    expect(await match("SVC_SYNC (servicenow)")).toBe("one servicenow/B2");
    expect(await match("svc_sync (servicenow)")).toBe("one servicenow/b1");
    expect(await match("svc_sync (nowhere)")).toBe("none");
    // Display names: several in one source by user name, bytewise ("SVC_SYNC" < "svc_sync"); across sources qualified.
    expect(await match("sync service")).toEqual(["SVC_SYNC", "svc_sync"]);
    expect(await match("Shared Display")).toEqual([
      "svc_report (servicenow-eu)",
      "svc_reporting (servicenow)",
    ]);
    expect(await match("élan")).toBe("none");
    expect(await match("Élan")).toBe("one servicenow/_3");
    // Input is only ever compared literally, even with NUL or SQL in it.
    expect(await match("a\u0000b")).toBe("none");
    expect(await match("svc' OR '1'='1")).toBe("none");
    expect(await match("svc_%")).toBe("none");

    expect((await a.accounts.resolveAccount("SVC_SYNC"))?.identity.id).toBe("B2");
    expect(await a.accounts.resolveAccount("b1")).toBeUndefined();
    expect(await a.accounts.resolveAccount("nobody")).toBeUndefined();
  });

  it("lists each source's latest successful scan, a given scan's accounts, and a source's remembered activity", async () => {
    const [a] = await seeded();
    const latest = (await a.accounts.listLatestAccounts()).map(keyOf).sort();
    expect(latest).toEqual(
      ACCOUNTS.filter((s) => s.id !== "old")
        .map((s) => `${s.source}/${s.id}`)
        .sort(),
    );
    expect((await a.accounts.listScanAccounts(1)).map(keyOf)).toEqual(["servicenow/old"]);
    expect((await a.accounts.listScanAccounts(2)).map(keyOf).sort()).toHaveLength(6);
    expect(await a.accounts.listScanAccounts(3)).toEqual([]);
    const history = await a.accounts.loadActivityHistory("servicenow");
    expect([...history.keys()].sort()).toEqual(["B2", "_3", "a4", "b1", "c6", "old", "é5"]);
    expect(history.get("b1")).toEqual({ firstObservedAt: new Date(FIRST), lastActiveAt: new Date(ACTIVE) });
    expect(history.get("B2")).toEqual({ firstObservedAt: new Date(FIRST), lastActiveAt: undefined });
    expect((await a.accounts.loadActivityHistory("nowhere")).size).toBe(0);
  });

  it("pages through the latest accounts source by source in bytewise key order, risky ones and names too", async () => {
    const [a] = await seeded();
    const pages = await allPages<StoredAccount>((after) =>
      a.accounts.listLatestAccountsPage({
        after: after && { source: after.identity.source, id: after.identity.id },
        limit: 4,
      }),
    );
    expect(pages.map((p) => p.map(keyOf))).toEqual([
      ["entra/sp1", "entra/sp2", "servicenow/B2", "servicenow/_3"],
      ["servicenow/a4", "servicenow/b1", "servicenow/c6", "servicenow/é5"],
      ["servicenow-eu/b1", "servicenow-eu/x1"],
    ]);
    expect(pages[1]?.[1]).toEqual(await a.accounts.findAccount("servicenow", "b1"));
    const risky = await allPages<StoredAccount>((after) =>
      a.accounts.listLatestAccountsPage({
        after: after && { source: after.identity.source, id: after.identity.id },
        limit: 1,
        risky: true,
      }),
    );
    expect(risky.map((p) => p.map(keyOf))).toEqual([
      ["servicenow/B2"],
      ["servicenow/b1"],
      ["servicenow-eu/x1"],
    ]);
    const names = (
      await allPages<{ source: string; id: string }>((after) =>
        a.accounts.listLatestAccountNamesPage({ after, limit: 3 }),
      )
    ).flat();
    expect(names.map((n) => `${n.source}/${n.id}`)).toEqual(pages.flat().map(keyOf));
    expect(names.slice(0, 4)).toEqual([
      { source: "entra", id: "sp1", userName: "Shared Name", name: "Shared Name", ownerName: "App Owner" },
      { source: "entra", id: "sp2", userName: "Shared Name", name: "Shared Name", ownerName: undefined },
      { source: "servicenow", id: "B2", userName: "SVC_SYNC", name: "Sync Service", ownerName: undefined },
      // A snapshot whose owner name is not a string gives none (json_extract's number is not text).
      { source: "servicenow", id: "_3", userName: "ÉRIC", name: "Élan", ownerName: undefined },
    ]);
    expect(names[5]).toMatchObject({ id: "b1", ownerName: "Olivia" });
  });

  it("pages through a source's activity history by id, bytewise", async () => {
    const [a] = await seeded();
    const pages: string[][] = [];
    let afterId: string | undefined;
    for (;;) {
      const page = await a.accounts.loadActivityHistoryPage("servicenow", { afterId, limit: 3 });
      if (page.length === 0) break;
      pages.push(page.map(([id]) => id));
      afterId = page.at(-1)?.[0];
    }
    expect(pages).toEqual([["B2", "_3", "a4"], ["b1", "c6", "old"], ["é5"]]);
    const [first] = await a.accounts.loadActivityHistoryPage("servicenow", { afterId: "a4", limit: 1 });
    expect(first).toEqual(["b1", { firstObservedAt: new Date(FIRST), lastActiveAt: new Date(ACTIVE) }]);
  });

  it("suggests user names that start with the text or are a few edits away, closest first", async () => {
    const [a] = await seeded();
    expect(await a.accounts.suggestAccounts("svc_snyc")).toEqual(["SVC_SYNC", "svc_sync"]);
    expect(await a.accounts.suggestAccounts("SVC_REP")).toEqual(["svc_report", "svc_reporting"]);
    expect(await a.accounts.suggestAccounts("sync serv")).toEqual(["SVC_SYNC", "svc_sync"]);
    expect(await a.accounts.suggestAccounts("shared nam", 1)).toEqual(["Shared Name"]);
    // Case folds ASCII only: "éric" is one edit from "Éric" (ÉRIC folded), not equal to it.
    expect(await a.accounts.suggestAccounts("éric")).toEqual(["ÉRIC"]);
    expect(await a.accounts.suggestAccounts("xqzwv")).toEqual([]);
    // NUL (which PostgreSQL text cannot hold) is compared as SQLite compares it.
    expect(await a.accounts.suggestAccounts("svc_sync\u0000")).toEqual(["SVC_SYNC", "svc_sync"]);
    expect(await a.accounts.suggestAccounts("svc_\u0000ync")).toEqual(["SVC_SYNC", "svc_sync"]);
    expect(await a.accounts.suggestAccounts("\u0000")).toEqual([]);
    expect(await a.accounts.suggestAccounts("")).toEqual([]);
    expect(await a.accounts.suggestAccounts("x".repeat(201))).toEqual([]);
  });

  it("pages the digest's accounts on open findings, keeping the latest scan's, with rules in finding order", async () => {
    const [a] = await seeded();
    const first = await a.accounts.listDigestAccountsPage({ limit: 2 });
    expect(first).toEqual({
      accounts: [
        {
          source: "servicenow",
          accountId: "B2",
          userName: "SVC_SYNC",
          name: "Sync Service",
          rules: ["dormant"],
        },
        {
          source: "servicenow",
          accountId: "b1",
          userName: "svc_sync",
          name: "Sync Service",
          rules: ["stale_credential", "dormant"] as RuleName[],
        },
      ],
      next: { source: "servicenow", accountId: "b1" },
    });
    // "old" has an open finding but is not in its source's latest scan: the page is short, not the last.
    const second = await a.accounts.listDigestAccountsPage({ after: first.next, limit: 2 });
    expect(second).toEqual({
      accounts: [
        {
          source: "servicenow-eu",
          accountId: "x1",
          userName: "svc_report",
          name: "Shared Display",
          rules: ["dormant"],
        },
      ],
      next: { source: "servicenow-eu", accountId: "x1" },
    });
    expect(await a.accounts.listDigestAccountsPage({ after: second.next, limit: 2 })).toEqual({
      accounts: [],
      next: undefined,
    });
    expect((await a.accounts.listDigestAccountsPage({ limit: 10 })).next).toBeUndefined();
  });

  it("reads the owner names and latest user names of given accounts", async () => {
    const [a] = await seeded();
    const ids = [
      { source: "servicenow", accountId: "b1" },
      { source: "servicenow", accountId: "b1" },
      { source: "servicenow", accountId: "B2" },
      { source: "servicenow", accountId: "_3" },
      { source: "servicenow", accountId: "old" },
      { source: "entra", accountId: "sp1" },
      { source: "entra", accountId: "nope" },
    ];
    expect(await a.accounts.listDigestOwnerNames(ids)).toEqual(
      new Map([
        ["servicenow\u0000b1", "Olivia"],
        ["entra\u0000sp1", "App Owner"],
      ]),
    );
    expect(await a.accounts.listLatestUserNames(ids)).toEqual(
      new Map([
        ["servicenow\u0000b1", "svc_sync"],
        ["servicenow\u0000B2", "SVC_SYNC"],
        ["servicenow\u0000_3", "ÉRIC"],
        ["entra\u0000sp1", "Shared Name"],
      ]),
    );
    expect(await a.accounts.listDigestOwnerNames([])).toEqual(new Map());
    expect(await a.accounts.listLatestUserNames([])).toEqual(new Map());
  });
});
