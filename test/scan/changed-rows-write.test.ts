import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import { inspectDatabase } from "../helpers/inspect-db.js";
import { tempDbPath } from "../helpers/temp-db.js";

interface AccountRow {
  id: string;
  user_name: string;
  name: string;
  owner_email: string | null;
  snapshot: string;
  last_seen_at: string;
  last_scan_id: number;
}

function stored(path: string) {
  const db = inspectDatabase(path);
  const accounts = db
    .prepare(
      `SELECT a.*, s.snapshot FROM accounts a JOIN account_snapshots s ON s.source = a.source AND s.account_id = a.id
        ORDER BY a.id`,
    )
    .all() as AccountRow[];
  const findings = db
    .prepare("SELECT account_id, rule, resolved_at, last_scan_id FROM findings ORDER BY id")
    .all() as { account_id: string; rule: string; resolved_at: string | null; last_scan_id: number }[];
  db.close();
  return { accounts, findings };
}

describe("a scan's store write of the accounts that did not change", () => {
  it("still records every account as seen, stores every change and resolves what no longer holds", async () => {
    const source = await startDemoSource();
    const path = tempDbPath();
    const store = createSqliteStore(openDatabase(path), { location: path });
    // The same clock for both scans: every 30-day count stays as it was unless the data changed.
    const scan = () =>
      runScan({ store, connector: source.connector, now: () => NOW, logger: silentLogger, dormantDays: 100 });
    const first = await scan();
    const before = stored(path);

    // Between the scans: one account renamed, one given web-service-only access (its wsao finding
    // no longer holds), one owner loses their email address; everything else as it was.
    const users = source.sim.data.tables.get("sys_user")?.rows ?? [];
    const row = (userName: string) => {
      const found = users.find((r) => r.user_name === userName);
      if (!found) throw new Error(`no ${userName}`);
      return found;
    };
    const wsaoOff = before.findings.find((f) => f.rule === "wsao_disabled" && f.resolved_at === null);
    expect(wsaoOff).toBeDefined();
    const fixed = before.accounts.find((a) => a.id === wsaoOff?.account_id);
    const renamed = before.accounts.find((a) => a.id !== fixed?.id && a.owner_email !== null);
    if (!fixed || !renamed) throw new Error("the demo data changed");
    row(fixed.user_name).web_service_access_only = "true";
    row(renamed.user_name).name = "Renamed integration";
    // Which snapshots the second scan writes, recorded by a trigger of this test's own.
    const watch = inspectDatabase(path);
    watch.exec(`CREATE TABLE rewritten (account_id TEXT);
      CREATE TRIGGER record_rewrite AFTER UPDATE ON account_snapshots
        BEGIN INSERT INTO rewritten VALUES (new.account_id); END;`);
    const second = await scan();
    const rewritten = watch.prepare("SELECT account_id FROM rewritten ORDER BY account_id").pluck().all();
    watch.close();
    await store.close();
    const after = stored(path);

    // Every account of the second scan is marked seen by it, changed or not.
    expect(after.accounts).toHaveLength(second.inventory.identities.length);
    for (const account of after.accounts) {
      expect(account.last_scan_id).toBe(second.scanId);
      expect(account.last_seen_at).toBe(NOW.toISOString());
    }
    // The changes are stored, columns and snapshot alike.
    const renamedAfter = after.accounts.find((a) => a.id === renamed.id);
    expect(renamedAfter?.name).toBe("Renamed integration");
    expect(JSON.parse(renamedAfter?.snapshot ?? "{}").name).toBe("Renamed integration");
    expect(
      JSON.parse(after.accounts.find((a) => a.id === fixed.id)?.snapshot ?? "{}").attributes,
    ).toMatchObject({
      webServiceAccessOnly: true,
    });
    // The unchanged ones keep exactly what was stored.
    const unchanged = before.accounts.filter((a) => a.id !== fixed.id && a.id !== renamed.id);
    expect(unchanged.length).toBeGreaterThan(10);
    for (const account of unchanged) {
      expect(after.accounts.find((a) => a.id === account.id)?.snapshot).toBe(account.snapshot);
    }
    // Only the two changed snapshots were written again.
    expect(rewritten).toEqual([fixed.id, renamed.id].sort());
    // The finding that no longer holds is resolved; every other open one is refreshed by scan 2.
    const resolved = after.findings.find((f) => f.account_id === fixed.id && f.rule === "wsao_disabled");
    expect(resolved?.resolved_at).toBe(NOW.toISOString());
    expect(second.changes.resolved).toBe(1);
    const open = after.findings.filter((f) => f.resolved_at === null);
    expect(open.length).toBe(first.changes.opened - 1);
    for (const f of open) expect(f.last_scan_id).toBe(second.scanId);
  });
});
