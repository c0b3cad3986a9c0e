import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { openWarden, type Warden } from "../../src/app/open-warden.js";
import { startServer } from "../../src/app/start-server.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import type { StoreBatching } from "../../src/scan/store-scan-result.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import { inspectDatabase } from "../helpers/inspect-db.js";
import { tempDbPath, tempDir } from "../helpers/temp-db.js";

/** `warden serve` over the demo instance, with one scan stored already. */
async function serving() {
  const { sim } = await startDemoSource();
  const config = loadConfig({
    SERVICENOW_URL: sim.url,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: "warden-demo",
    WARDEN_DB: tempDbPath(),
  });
  const warden = await openWarden(config, { logger: silentLogger, now: () => NOW });
  onTestFinished(() => warden.close());
  const server = await startServer(warden, { port: 0, host: "127.0.0.1" });
  onTestFinished(() => server.close());
  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const first = await scan(warden);
  return { warden, get, first };
}

/** A scan of the demo instance, its store write cut into batches of 5 accounts. */
function scan(warden: Warden, betweenBatches?: StoreBatching["betweenBatches"]) {
  return runScan({
    store: warden.store,
    connector: warden.connectors.get("servicenow"),
    now: () => NOW,
    logger: silentLogger,
    dormantDays: 100,
    storeBatching: { size: 5, ...(betweenBatches ? { betweenBatches } : {}) },
  });
}

/** Every stored account and finding, as another reader of the file sees them. */
function results(path: string) {
  const db = inspectDatabase(path);
  const rows = {
    accounts: db.prepare("SELECT * FROM accounts ORDER BY source, id").all(),
    findings: db.prepare("SELECT * FROM findings ORDER BY id").all(),
  };
  db.close();
  return rows;
}

/** A hook that holds the write at the first boundary after `accounts` accounts were written. */
function holdAt(accounts: number) {
  let reached!: () => void;
  let release!: () => void;
  const atBoundary = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held = false;
  const hook: NonNullable<StoreBatching["betweenBatches"]> = async (written) => {
    if (held || written.accounts < accounts) return;
    held = true;
    reached();
    await released;
  };
  return { hook, atBoundary, release };
}

describe("a scan's store write while warden serves", () => {
  it("answers /healthz while the write is in progress; /readyz waits for it and reports it done", async () => {
    const { warden, get, first } = await serving();
    expect(first.inventory.identities.length).toBeGreaterThan(10);
    const hold = holdAt(10);
    const second = scan(warden, hold.hook);
    await hold.atBoundary;

    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok" } });
    // Asked while the write is open: answered once it committed, never with a half-written scan.
    const ready = get("/readyz");
    hold.release();
    const outcome = await second;
    expect((await ready).body).toMatchObject({ status: "ready", lastScan: { status: "succeeded" } });
    expect(outcome.changes).toEqual({
      opened: 0,
      updated: [...first.findings.values()].flat().length,
      resolved: 0,
    });
  });

  it("leaves the previous results whole when the process is killed between two batches", async () => {
    const { warden, first } = await serving();
    const before = results(warden.config.dbPath);
    const hold = holdAt(10);
    const second = scan(warden, hold.hook);
    await hold.atBoundary;
    // The files as a killed process leaves them: SQLite ignores the uncommitted write on opening.
    const crashed = join(tempDir(), "warden.db");
    copyFileSync(warden.config.dbPath, crashed);
    const wal = `${warden.config.dbPath}-wal`;
    if (existsSync(wal)) copyFileSync(wal, `${crashed}-wal`);
    hold.release();
    await second;

    expect(results(crashed)).toEqual(before);
    const db = inspectDatabase(crashed);
    const scans = db.prepare("SELECT id, status FROM scans ORDER BY id").all();
    expect(scans).toEqual([
      { id: first.scanId, status: "succeeded" },
      { id: first.scanId + 1, status: "running" },
    ]);
  });

  it("leaves the previous results whole and records the failure when the write fails between batches", async () => {
    const { warden, get, first } = await serving();
    const before = results(warden.config.dbPath);
    // Every account is written and the findings have begun when the write fails.
    const failing = scan(warden, async (written) => {
      if (written.findings > 0) throw new Error("disk I/O error");
    });
    await expect(failing).rejects.toThrow("disk I/O error");

    expect(results(warden.config.dbPath)).toEqual(before);
    const scans = await warden.store.scans.listScans();
    expect(scans.map((s) => [s.id, s.status, s.error])).toEqual([
      [first.scanId + 1, "failed", "disk I/O error"],
      [first.scanId, "succeeded", undefined],
    ]);
    expect(await warden.store.audit.verifyAuditChain()).toMatchObject({ ok: true });
    expect((await get("/readyz")).body).toMatchObject({
      lastScan: { status: "failed", error: "disk I/O error" },
    });
  });
});
