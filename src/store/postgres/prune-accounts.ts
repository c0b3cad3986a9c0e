import type { PgDb } from "./pg-db.js";

/** src/store/prune-accounts.ts firstScanIdSince. */
export async function firstScanIdSince(db: PgDb, before: Date): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    "SELECT coalesce((SELECT min(id) FROM scans WHERE started_at >= $1), (SELECT coalesce(max(id), 0) + 1 FROM scans)) AS id",
    [before.toISOString()],
  );
  return Number(row?.id);
}

/**
 * src/store/prune-accounts.ts pruneAccounts. SQLite's write lock kept a scan's write from running
 * meanwhile; here the accounts are locked as they are picked (FOR UPDATE re-checks the condition
 * on the newest version of a row), and one a scan is writing right now is skipped (SKIP LOCKED:
 * that scan is seeing it, and waiting for it could deadlock with the scan's own locks)
 * (https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE).
 */
export async function pruneAccounts(db: PgDb, before: Date, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ source: string; id: string }>(
      `SELECT source, id FROM accounts
        WHERE last_scan_id < $1 AND last_seen_at < $2
          AND last_scan_id NOT IN (SELECT max(id) FROM scans WHERE status = 'succeeded' GROUP BY source)
        ORDER BY last_scan_id LIMIT $3
        FOR UPDATE SKIP LOCKED`,
      [await firstScanIdSince(tx, before), before.toISOString(), limit],
    );
    if (rows.length === 0) return 0;
    const sources = rows.map((row) => row.source);
    const ids = rows.map((row) => row.id);
    const gone = "SELECT * FROM unnest($1::text[], $2::text[]) AS g(source, id)";
    await tx.execute(
      `DELETE FROM findings f USING (${gone}) g WHERE f.source = g.source AND f.account_id = g.id`,
      [sources, ids],
    );
    // Their snapshots go with them (ON DELETE CASCADE).
    await tx.execute(`DELETE FROM accounts a USING (${gone}) g WHERE a.source = g.source AND a.id = g.id`, [
      sources,
      ids,
    ]);
    return rows.length;
  });
}
