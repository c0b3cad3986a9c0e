import type { Database } from "better-sqlite3";
import { type FindingRow, type StoredFinding, toFinding } from "./findings.js";

/**
 * A page of listOpenFindings, in id order after `afterId`, so a caller can give the event loop
 * back between pages (tens of thousands of findings parsed in one go block it for a second).
 */
export function listOpenFindingsPage(
  db: Database,
  page: { source?: string | undefined; afterId?: number | undefined; limit: number },
): StoredFinding[] {
  const rows = db
    .prepare(
      `SELECT * FROM findings WHERE resolved_at IS NULL AND id > ? AND (? IS NULL OR source = ?)
        ORDER BY id LIMIT ?`,
    )
    .all(page.afterId ?? 0, page.source ?? null, page.source ?? null, page.limit) as FindingRow[];
  return rows.map(toFinding);
}
