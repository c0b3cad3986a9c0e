import type { Database } from "better-sqlite3";
import { writeTransaction } from "./write-transaction.js";

/**
 * Removes up to `limit` findings resolved before `before` (on findings_by_resolved), in one short
 * write; open findings, accepted ones included, are never removed. Returns how many were removed.
 */
export function pruneFindings(db: Database, before: Date, limit: number): number {
  return writeTransaction(db, () => {
    const ids = db
      .prepare("SELECT id FROM findings WHERE resolved_at < ? ORDER BY resolved_at LIMIT ?")
      .pluck()
      .all(before.toISOString(), limit) as number[];
    const remove = db.prepare("DELETE FROM findings WHERE id = ?");
    for (const id of ids) remove.run(id);
    return ids.length;
  });
}
