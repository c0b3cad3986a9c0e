import type { SaveSummary, ScanResult } from "../store/save-scan-result.js";
import { inKeyOrder, scanWriteOf } from "../store/save-scan-result.js";
import type { Store } from "../store/store.js";
import { yieldToLoop } from "../yield-to-loop.js";

/** How the scan's store write is cut up (tests pass small batches and a hook). */
export interface StoreBatching {
  /** Accounts per batch (findings: twice as many per batch). Default 250. */
  size?: number;
  /**
   * Called at every boundary between two batches, inside the write's transaction (a test holds or
   * fails the write there). `written` counts the rows of this scan written so far.
   */
  betweenBatches?: (written: { accounts: number; findings: number; resolved: number }) => Promise<void>;
}

const DEFAULT_BATCH = 250;

/**
 * Writes a finished scan as saveScanResult does, in ONE store transaction (a scan that fails or
 * is killed halfway leaves the previous results whole), but in bounded batches with a yield to
 * the event loop between them: /healthz and Slack's acks are answered while 50,000 accounts are
 * written. Other store calls wait for the transaction to end (createSqliteStore), so nothing
 * reads a half-written scan on this connection; other connections see the previous scan until
 * the commit (WAL: https://www.sqlite.org/wal.html#concurrency).
 */
export async function storeScanResult(
  store: Store,
  result: ScanResult,
  batching: StoreBatching = {},
): Promise<{ changes: SaveSummary; writeMs: number; checkpointMs: number }> {
  const size = Math.max(1, batching.size ?? DEFAULT_BATCH);
  const write = scanWriteOf(result);
  const written = { accounts: 0, findings: 0, resolved: 0 };
  const boundary = async () => {
    await yieldToLoop();
    await batching.betweenBatches?.({ ...written });
  };
  // Sorted before the transaction opens (about 30 ms for 50,000 ids: not inside the write lock),
  // in a turn of the event loop of its own: the caller has just scored every account.
  await yieldToLoop();
  const identities = inKeyOrder(result.inventory.identities);
  await yieldToLoop();
  const entries = [...result.findings];
  const started = performance.now();
  // The commit would otherwise copy the whole WAL into the database file, on this thread.
  const settings = await store.scans.beginScanWrite();
  try {
    const changes = await store.transaction(async (tx) => {
      for (let i = 0; i < identities.length; i += size) {
        if (i > 0) await boundary();
        written.accounts += await tx.scans.writeScanAccounts(write, identities.slice(i, i + size));
      }
      const summary: SaveSummary = { opened: 0, updated: 0, resolved: 0 };
      for (let i = 0; i < entries.length; i += size * 2) {
        await boundary();
        const batch = entries.slice(i, i + size * 2);
        const { opened, updated } = await tx.scans.writeScanFindings(write, batch);
        summary.opened += opened;
        summary.updated += updated;
        written.findings += opened + updated;
      }
      for (let n = size * 4; n === size * 4; ) {
        await boundary();
        n = await tx.scans.resolveUnseenFindings(write, size * 4);
        summary.resolved += n;
        written.resolved += n;
      }
      const findings = entries.reduce((total, [, list]) => total + list.length, 0);
      // The COMMIT that follows flushes the cache's dirty pages on this thread: a turn of its own.
      await yieldToLoop();
      await tx.scans.finishScanWrite({ ...result, findings }, summary);
      return summary;
    });
    const committed = performance.now();
    // Before automatic checkpoints resume: the next commit would copy the WAL on this thread.
    await store.scans.checkpointDatabase();
    return { changes, writeMs: committed - started, checkpointMs: performance.now() - committed };
  } finally {
    await store.scans.endScanWrite(settings);
  }
}
