import type { Database } from "better-sqlite3";
import type { Score } from "../core/compute-score.js";
import type { Finding, Inventory, MachineIdentity } from "../core/model.js";
import { appendAudit } from "./audit-log.js";
import {
  beginScanWrite,
  endScanWrite,
  resolveUnseenFindings,
  type ScanWrite,
  writeScanAccounts,
  writeScanFindings,
} from "./scan-write.js";
import { completeScan } from "./scans.js";
import { writeTransaction } from "./write-transaction.js";

export interface ScanResult {
  scanId: number;
  inventory: Inventory;
  /** Findings per account id (accounts without findings may be absent). */
  findings: ReadonlyMap<string, readonly Finding[]>;
  score: Score;
  finishedAt: Date;
}

export interface SaveSummary {
  opened: number;
  updated: number;
  resolved: number;
}

/**
 * Writes a finished scan in ONE transaction: accounts (with their activity history), findings
 * (opened, refreshed, resolved), the scan's summary and an audit entry. If anything throws, or the process dies
 * halfway, SQLite rolls it all back and the previous scan's results stay intact.
 *
 * An open finding that is not in `findings` is resolved: the caller decides what still stands
 * (runScan carries over findings whose signal was blind in this scan).
 *
 * This runs the whole write synchronously (seeding, tests); a serving process uses storeScanResult
 * (src/scan/store-scan-result.ts), which runs the same steps in batches with the event loop free
 * between them.
 */
export function saveScanResult(db: Database, result: ScanResult): SaveSummary {
  const settings = beginScanWrite(db);
  try {
    return writeTransaction(db, (): SaveSummary => {
      const write = scanWriteOf(result);
      writeScanAccounts(db, write, inKeyOrder(result.inventory.identities));
      const { opened, updated } = writeScanFindings(db, write, [...result.findings]);
      let resolved = 0;
      for (let n = RESOLVE_BATCH; n === RESOLVE_BATCH; resolved += n) {
        n = resolveUnseenFindings(db, write, RESOLVE_BATCH);
      }
      const summary = { opened, updated, resolved };
      finishScanWrite(db, { ...result, findings: opened + updated }, summary);
      return summary;
    });
  } finally {
    endScanWrite(db, settings);
  }
}

const RESOLVE_BATCH = 1000;

/** What every batch of the scan's write shares. */
export function scanWriteOf(result: Pick<ScanResult, "scanId" | "inventory" | "finishedAt">): ScanWrite {
  return { source: result.inventory.source, scanId: result.scanId, at: result.finishedAt.toISOString() };
}

/** The identities in primary-key order (B-tree inserts at the right edge are far cheaper than random ones). */
export function inKeyOrder(identities: readonly MachineIdentity[]): MachineIdentity[] {
  return [...identities].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The last step of a scan's write: the scan's summary columns and its audit entry. */
export function finishScanWrite(
  db: Database,
  result: Omit<ScanResult, "findings"> & { findings: number },
  summary: SaveSummary,
): void {
  const { inventory, scanId, finishedAt } = result;
  completeScan(db, scanId, {
    finishedAt,
    identities: inventory.identities.length,
    findings: result.findings,
    score: result.score,
    inventory,
  });
  appendAudit(db, {
    at: finishedAt,
    event: "scan.succeeded",
    actor: "warden",
    subject: `scan:${scanId}`,
    detail: {
      source: inventory.source,
      identities: inventory.identities.length,
      findings: result.findings,
      ...summary,
      score: result.score.value,
      blindSpots: inventory.blindSpots.map((b) => b.signal),
    },
  });
}
