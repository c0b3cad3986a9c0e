import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { WardenError } from "../../src/errors.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { failInterruptedScans, listScans } from "../../src/store/scans.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";

function insertRunning(db: ReturnType<typeof openTempDb>, pid: number, host = hostname(), startedAt = NOW) {
  db.prepare(
    "INSERT INTO scans (source, started_at, status, pid, host) VALUES ('servicenow', ?, 'running', ?, ?)",
  ).run(startedAt.toISOString(), pid, host);
}

describe("scans in other processes", () => {
  it("refuses to start a scan while another live process is scanning, and leaves that scan alone", async () => {
    const { connector } = await startDemoSource();
    const db = openTempDb();
    insertRunning(db, process.pid); // "another warden" that is alive
    const error = await scan(db, connector).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WardenError);
    expect((error as WardenError).code).toBe("E_SCAN_RUNNING");
    expect(failInterruptedScans(db, NOW)).toBe(0);
    expect(listScans(db)).toHaveLength(1);
  });

  it("records a scan whose process died as interrupted, so the next scan can run", async () => {
    const { connector } = await startDemoSource();
    const db = openTempDb();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid as number;
    insertRunning(db, gone);
    // A scan from another machine is judged by age: 7 hours old counts as dead, 1 hour not.
    insertRunning(db, 1, "other-host", new Date(NOW.getTime() - 7 * 3_600_000));
    insertRunning(db, 1, "other-host", new Date(NOW.getTime() - 3_600_000));
    expect(failInterruptedScans(db, NOW)).toBe(2);
    expect(listScans(db).map((s) => s.status)).toEqual(["running", "failed", "failed"]);
    const outcome = await scan(db, connector);
    expect(outcome.inventory.identities.length).toBeGreaterThan(0);
  });

  it("judges a replica's scan by its heartbeat: failed once it stops beating for 90 seconds, not before", () => {
    const db = openTempDb();
    const beat = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
    const insert = (id: number, startedAt: string, beatAt: string) => {
      db.prepare(
        "INSERT INTO scans (id, source, started_at, status, pid, host) VALUES (?, 'servicenow', ?, 'running', 1, 'replica-b')",
      ).run(id, startedAt);
      db.prepare("INSERT INTO scan_heartbeats (scan_id, beat_at) VALUES (?, ?)").run(id, beatAt);
    };
    insert(1, beat(3600), beat(30)); // started an hour ago, beat 30 s ago: still scanning
    insert(2, beat(600), beat(120)); // silent for two minutes: its replica died
    expect(failInterruptedScans(db, NOW)).toBe(1);
    expect(listScans(db).map((s) => s.status)).toEqual(["failed", "running"]);
  });

  it("runs one of two scans started together on one store and refuses the other", async () => {
    const { connector } = await startDemoSource();
    const db = openTempDb();
    const store = createSqliteStore(db);
    const deps = { store, connector, now: () => NOW, logger: silentLogger, dormantDays: 100 };
    const results = await Promise.allSettled([runScan(deps), runScan(deps)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((r) => r.status === "rejected");
    expect(refused?.reason).toBeInstanceOf(WardenError);
    expect(refused?.reason).toMatchObject({ code: "E_SCAN_RUNNING" });
    expect(listScans(db).map((s) => s.status)).toEqual(["succeeded"]);
  });
});
