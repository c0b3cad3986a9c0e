import type { Database } from "better-sqlite3";
import { writeTransaction } from "./write-transaction.js";

/**
 * The first scan id started at or after `before` (every older scan started before it): accounts
 * whose last scan is older were not seen in any scan since. Scans are few (retention prunes them).
 */
export function firstScanIdSince(db: Database, before: Date): number {
  return db
    .prepare(
      `SELECT coalesce((SELECT min(id) FROM scans WHERE started_at >= ?), (SELECT coalesce(max(id), 0) + 1 FROM scans))`,
    )
    .pluck()
    .get(before.toISOString()) as number;
}

/**
 * Removes up to `limit` accounts gone from their source: not seen in any scan since `before`, and
 * not in their source's latest successful scan (a source that has not been scanned since keeps
 * its last known accounts), with their findings (all resolved: the scan that no longer saw an
 * account resolved them). Read on accounts_by_scan. Decisions about an account are kept, and so
 * is an owner assigned in chat (it applies again should the account come back). Returns how many
 * were removed.
 */
export function pruneAccounts(db: Database, before: Date, limit: number): number {
  return writeTransaction(db, () => {
    const rows = db
      .prepare(
        `SELECT source, id FROM accounts
          WHERE last_scan_id < @boundary AND last_seen_at < @before
            AND last_scan_id NOT IN (SELECT max(id) FROM scans WHERE status = 'succeeded' GROUP BY source)
          ORDER BY last_scan_id LIMIT @limit`,
      )
      .all({ boundary: firstScanIdSince(db, before), before: before.toISOString(), limit }) as {
      source: string;
      id: string;
    }[];
    const forgetFindings = db.prepare("DELETE FROM findings WHERE source = ? AND account_id = ?");
    const remove = db.prepare("DELETE FROM accounts WHERE source = ? AND id = ?");
    for (const row of rows) {
      forgetFindings.run(row.source, row.id);
      remove.run(row.source, row.id);
    }
    return rows.length;
  });
}
