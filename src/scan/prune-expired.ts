import type { Logger } from "../logger.js";
import type { Store } from "../store/store.js";

export interface PruneOptions {
  now: Date;
  /** WARDEN_RETENTION_DAYS. */
  retentionDays: number;
  logger: Logger;
  /** Rows removed per statement (each a short write of its own). */
  batch?: number;
  /** Free pages returned to the file system per step of the incremental vacuum. */
  vacuumPages?: number;
}

export interface PruneSummary {
  messages: number;
  /** Delivered in-place updates removed (after UPDATES_KEPT_DAYS, not the retention). */
  updates: number;
  /** Superseded owner messages compacted (their Undo window closed), or put off while one is open. */
  compacted: number;
  findings: number;
  accounts: number;
  scans: number;
  /** Whether the WAL was truncated at the end. */
  walTruncated: boolean;
  ms: number;
}

const DAY = 86_400_000;
/**
 * A delivered in-place update (message_update) is kept this long, not the retention: nothing reads
 * it once delivered (src/store/prune-delivered-updates.ts); a day leaves it to look at for a while.
 */
export const UPDATES_KEPT_DAYS = 1;

/**
 * Lets the event loop answer what waits (a click, `/healthz`) between two batches: awaiting a
 * store call alone resumes in the same turn (a microtask), so nothing else would run in between.
 * https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick#setimmediate-vs-settimeout
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Retention, after a successful scan: removes sent and failed messages, resolved findings,
 * identities gone from their source and old scans older than `retentionDays` (delivered in-place
 * updates after UPDATES_KEPT_DAYS), and compacts superseded owner messages once no Undo is left on
 * them, in batches of a few
 * hundred rows (one short transaction each, the event loop served in between), then gives the
 * freed pages back to the file system in steps (incremental vacuum) and truncates the WAL.
 * Decisions and the audit log are never pruned here. Stopped at any point (a crash, a full disk),
 * every batch is whole: what is left is pruned after the next scan.
 */
export async function pruneExpired(store: Store, options: PruneOptions): Promise<PruneSummary> {
  const started = performance.now();
  const before = new Date(options.now.getTime() - options.retentionDays * DAY);
  // 500 rows: a batch of messages with their accounts (payloads of a few KB) takes about 10-25 ms.
  const batch = options.batch ?? 500;
  const drain = async (
    step: (before: Date, limit: number) => Promise<number>,
    olderThan = before,
  ): Promise<number> => {
    let total = 0;
    for (;;) {
      const removed = await step(olderThan, batch);
      total += removed;
      // Each batch's pages copied into the database file now, a little at a time: one checkpoint of
      // everything at the end would copy the whole WAL in one go.
      if (removed > 0) await store.scans.checkpointDatabase();
      await yieldToEventLoop();
      if (removed < batch) return total;
    }
  };
  const { retention } = store;
  // Messages first (they name accounts), then findings, then accounts (with their findings), and
  // scans last: a scan is removed only once nothing refers to it any more.
  const messages = await drain(retention.pruneMessages);
  const updates = await drain(
    retention.pruneDeliveredUpdates,
    new Date(Math.max(before.getTime(), options.now.getTime() - UPDATES_KEPT_DAYS * DAY)),
  );
  const compacted = await drain(retention.compactSupersededMessages, options.now);
  const findings = await drain(retention.pruneFindings);
  const accounts = await drain(retention.pruneAccounts);
  const scans = await drain(retention.pruneScans);
  const pages = options.vacuumPages ?? 1000;
  // Until no free page is left, or a step frees none (then the rest is not the vacuum's to free).
  for (let left = Number.POSITIVE_INFINITY; ; ) {
    const now = await retention.incrementalVacuum(pages);
    if (now === 0 || now >= left) break;
    left = now;
    await store.scans.checkpointDatabase();
    await yieldToEventLoop();
  }
  const walTruncated = await retention.truncateWal();
  const summary = {
    messages,
    updates,
    compacted,
    findings,
    accounts,
    scans,
    walTruncated,
    ms: Math.round(performance.now() - started),
  };
  options.logger.info(
    { job: "retention", before: before.toISOString(), ...summary },
    "retention pruned old data",
  );
  return summary;
}
