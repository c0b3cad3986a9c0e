import type { SaveSummary, ScanResult } from "../save-scan-result.js";
import { inKeyOrder, scanWriteOf } from "../save-scan-result.js";
import { appendAudit } from "./audit-log.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";
import { lockScan, resolveUnseenFindings, writeScanAccounts, writeScanFindings } from "./scan-write.js";
import { completeScan } from "./scans.js";

const RESOLVE_BATCH = 1000;

/**
 * src/store/save-scan-result.ts saveScanResult: the whole scan in ONE transaction (a failure
 * leaves the previous results whole). Each step locks the scan's row first, so a second save of
 * the same scan (another replica) waits for this one and is then refused (lockScan).
 */
export async function saveScanResult(db: PgDb, result: ScanResult): Promise<SaveSummary> {
  return db.transaction(async (tx) => {
    const write = scanWriteOf(result);
    await writeScanAccounts(tx, write, inKeyOrder(result.inventory.identities));
    const { opened, updated } = await writeScanFindings(tx, write, [...result.findings]);
    let resolved = 0;
    for (let n = RESOLVE_BATCH; n === RESOLVE_BATCH; resolved += n) {
      n = await resolveUnseenFindings(tx, write, RESOLVE_BATCH);
    }
    const summary = { opened, updated, resolved };
    await finishScanWrite(tx, { ...result, findings: opened + updated }, summary);
    return summary;
  });
}

/** src/store/save-scan-result.ts finishScanWrite: the scan's summary columns and its audit entry. */
export async function finishScanWrite(
  db: PgDb,
  result: Omit<ScanResult, "findings"> & { findings: number },
  summary: SaveSummary,
): Promise<void> {
  const { inventory, scanId, finishedAt } = result;
  await db.transaction(async (tx) => {
    await lockScan(tx, scanId);
    await completeScan(tx, scanId, {
      finishedAt,
      identities: inventory.identities.length,
      findings: result.findings,
      score: result.score,
      inventory,
    });
    await appendAudit(tx, {
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
  });
}

/** The scan-saving methods of the scans repository (with SCANS_PG and SCAN_WRITE_PG). */
export const SAVE_SCAN_RESULT_PG = { saveScanResult, finishScanWrite } satisfies Partial<
  PostgresQueries["scans"]
>;
