import type { PgDb } from "./pg-db.js";
import { firstScanIdSince } from "./prune-accounts.js";

/**
 * src/store/prune-scans.ts pruneScans: the same choice of what to keep. Nothing ever makes a row
 * refer to an old scan again (accounts and findings only move to the scan being written, digests
 * record the latest), so a replica writing meanwhile cannot invalidate the choice; two replicas
 * pruning at once each answer what they removed themselves.
 */
export async function pruneScans(db: PgDb, before: Date, limit: number): Promise<number> {
  const at = before.toISOString();
  return db.transaction(async (tx) => {
    const [keep] = await tx.query<{ id: number | null }>(
      `SELECT min(id) AS id FROM (
         SELECT max(id) AS id FROM digests
         UNION ALL
         SELECT max(d.id) FROM digests d JOIN scans s ON s.id = d.scan_id
          WHERE s.status = 'succeeded' AND s.id < (SELECT max(id) FROM scans WHERE status = 'succeeded')) k`,
    );
    const digests = await tx.execute(
      "DELETE FROM digests WHERE id IN (SELECT id FROM digests WHERE posted_at < $1 AND id < $2 ORDER BY id LIMIT $3)",
      [at, keep?.id ?? 0, limit],
    );
    const scans = await tx.execute(
      `DELETE FROM scans WHERE id IN (
         SELECT s.id FROM scans s
          WHERE s.id < $1 AND s.status != 'running' AND coalesce(s.finished_at, s.started_at) < $2
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
          ORDER BY s.id LIMIT $3)`,
      [await firstScanIdSince(tx, before), at, limit - digests],
    );
    return digests + scans;
  });
}
