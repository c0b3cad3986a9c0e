import type { Database } from "better-sqlite3";
import { appendAudit } from "./audit-log.js";
import { failScan, findRunningScan, type ScanRecord, startScan } from "./scans.js";
import { writeTransaction } from "./write-transaction.js";

/**
 * Starts a scan unless one is running in a live process: checked and recorded in one write
 * transaction, so two scans started together (two processes, or a chat command and the schedule)
 * cannot both start. The scan row is committed at once, so a killed scan leaves a trace.
 */
export function claimScan(
  db: Database,
  source: string,
  startedAt: Date,
): { id: number; running?: undefined } | { id?: undefined; running: ScanRecord } {
  return writeTransaction(db, () => {
    const running = findRunningScan(db, startedAt);
    return running ? { running } : { id: startScan(db, source, startedAt) };
  });
}

/** Marks a scan failed with its reason and audits it, in one transaction. */
export function recordScanFailure(
  db: Database,
  failure: { scanId: number; source: string; at: Date; reason: string },
): void {
  writeTransaction(db, () => {
    failScan(db, failure.scanId, failure.at, failure.reason);
    appendAudit(db, {
      at: failure.at,
      event: "scan.failed",
      actor: "warden",
      subject: `scan:${failure.scanId}`,
      detail: { source: failure.source, reason: failure.reason },
    });
  });
}
