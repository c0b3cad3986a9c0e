import type { Database } from "better-sqlite3";
import { firstScanIdSince } from "./prune-accounts.js";
import { writeTransaction } from "./write-transaction.js";

/**
 * Removes up to `limit` scans (and digest records) older than `before`, in one short write, keeping
 * what anything still reads:
 * - each source's latest scan (`/readyz`, the digest's "last scan" line), latest successful scan
 *   (the population) and the successful one before it (the digest's trend before any digest:
 *   listPreviousScans);
 * - the latest digest record and the one previousDigest / scanOfPreviousDigest compare with (the
 *   newest digest of a scan older than the latest successful one), with every later one, and
 *   their scans;
 * - every scan an account or a finding still refers to (first, last or resolving scan).
 * Returns how many scans and digest records were removed.
 */
export function pruneScans(db: Database, before: Date, limit: number): number {
  const at = before.toISOString();
  return writeTransaction(db, () => {
    const keepDigestsFrom = db
      .prepare(
        `SELECT min(id) FROM (
           SELECT max(id) AS id FROM digests
           UNION ALL
           SELECT max(d.id) FROM digests d JOIN scans s ON s.id = d.scan_id
            WHERE s.status = 'succeeded' AND s.id < (SELECT max(id) FROM scans WHERE status = 'succeeded'))`,
      )
      .pluck()
      .get() as number | null;
    const digestIds = db
      .prepare("SELECT id FROM digests WHERE posted_at < ? AND id < ? ORDER BY id LIMIT ?")
      .pluck()
      .all(at, keepDigestsFrom ?? 0, limit) as number[];
    const removeDigest = db.prepare("DELETE FROM digests WHERE id = ?");
    for (const id of digestIds) removeDigest.run(id);

    const scanIds = db
      .prepare(
        `SELECT s.id FROM scans s
          WHERE s.id < @boundary AND s.status != 'running' AND coalesce(s.finished_at, s.started_at) < @before
            AND s.id NOT IN (SELECT max(id) FROM scans GROUP BY source)
            AND s.id NOT IN (SELECT max(id) FROM scans WHERE status = 'succeeded' GROUP BY source)
            AND s.id NOT IN (
              SELECT max(p.id) FROM scans p
               WHERE p.status = 'succeeded'
                 AND p.id < (SELECT max(l.id) FROM scans l WHERE l.status = 'succeeded' AND l.source = p.source)
               GROUP BY p.source)
            AND NOT EXISTS (SELECT 1 FROM digests d WHERE d.scan_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.last_scan_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.first_scan_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.last_scan_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.resolved_scan_id = s.id)
          ORDER BY s.id LIMIT @limit`,
      )
      .pluck()
      .all({
        boundary: firstScanIdSince(db, before),
        before: at,
        limit: limit - digestIds.length,
      }) as number[];
    const removeScan = db.prepare("DELETE FROM scans WHERE id = ?");
    for (const id of scanIds) removeScan.run(id);
    return digestIds.length + scanIds.length;
  });
}
