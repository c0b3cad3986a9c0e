import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { buildLookup } from "../../src/messages/build-lookup.js";
import { runScan } from "../../src/scan/run-scan.js";
import { generateTenant } from "../../src/sources/entra/simulator/generate-tenant.js";
import { ACCOUNT_COLUMNS, ACCOUNTS_WITH_SNAPSHOTS } from "../../src/store/accounts.js";
import { migrate } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openSqliteStore } from "../../src/store/open-sqlite-store.js";
import { inspectDatabase } from "../helpers/inspect-db.js";
import { tempDbPath } from "../helpers/temp-db.js";
import { NOW, startTestTenant } from "../sources/entra/start-test-tenant.js";

const logger = createLogger("silent");

/** The tenant scanned into a fresh database, with two apps renamed to one display name. */
async function scannedTenant() {
  const data = generateTenant({ now: NOW });
  for (const name of ["payroll-sync", "forever-secret"]) {
    const app = data.applications.find((a) => a.displayName === name);
    const sp = data.servicePrincipals.find((s) => s.appId === app?.appId);
    if (!app || !sp) throw new Error(`the generated tenant has no ${name}`);
    app.displayName = "Shared Name";
    sp.displayName = "Shared Name";
  }
  const tenant = await startTestTenant({ data });
  const dbPath = tempDbPath();
  const store = openSqliteStore(dbPath);
  await runScan({ store, connector: tenant.connector(), now: () => NOW, logger, dormantDays: 90 });
  return { data, store, dbPath };
}

describe("looking up Entra applications", () => {
  it("finds an app by its appId in any case, and offers the appIds when display names collide", async () => {
    const { data, store } = await scannedTenant();
    try {
      const app = data.applications.find((a) => a.displayName === "legacy-reporting");
      const view = await buildLookup(store, String(app?.appId).toUpperCase());
      expect(view).toMatchObject({ found: true, identity: { name: "legacy-reporting", source: "entra" } });

      const shared = data.applications.filter((a) => a.displayName === "Shared Name").map((a) => a.appId);
      const ambiguous = await buildLookup(store, "Shared Name");
      expect(ambiguous.found).toBe(false);
      expect(ambiguous.found ? [] : [...ambiguous.suggestions].sort()).toEqual([...shared].sort());
      // Each offered appId then names exactly one app.
      for (const appId of shared) {
        expect(await buildLookup(store, appId)).toMatchObject({ found: true });
      }
    } finally {
      await store.close();
    }
  });

  it("reads the appId lookup from its index, not from every snapshot", async () => {
    const { store, dbPath } = await scannedTenant();
    await store.close();
    const db = inspectDatabase(dbPath);
    try {
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS}
            WHERE json_extract(s.snapshot, '$.attributes.kind') = 'entra'
              AND lower(json_extract(s.snapshot, '$.attributes.appId')) = ?
            ORDER BY a.source LIMIT ?`,
        )
        .all("x", 10) as { detail: string }[];
      expect(plan.map((row) => row.detail).join("\n")).toContain("account_snapshots_by_app_id");
    } finally {
      db.close();
    }
  });

  it("still finds an app by its appId in a database scanned before snapshots had a table of their own", async () => {
    const { data, store, dbPath } = await scannedTenant();
    await store.close();
    // Put the database back as migration 16 left it: the JSON in accounts.snapshot, no snapshot table.
    const db = inspectDatabase(dbPath);
    db.exec(`UPDATE accounts SET snapshot = (SELECT s.snapshot FROM account_snapshots s
               WHERE s.source = accounts.source AND s.account_id = accounts.id);
             DROP TABLE account_snapshots;`);
    db.exec(MIGRATIONS.find((m) => m.version === 15)?.sql ?? "");
    db.pragma("user_version = 16");
    expect(migrate(db)).toEqual({ from: 16, to: MIGRATIONS.at(-1)?.version });
    expect(db.prepare("SELECT count(*) FROM accounts WHERE snapshot <> '{}'").pluck().get()).toBe(0);
    db.close();
    const reopened = openSqliteStore(dbPath);
    try {
      const app = data.applications.find((a) => a.displayName === "legacy-reporting");
      expect(await buildLookup(reopened, String(app?.appId).toUpperCase())).toMatchObject({
        found: true,
        identity: { name: "legacy-reporting", source: "entra" },
      });
    } finally {
      await reopened.close();
    }
  });
});
