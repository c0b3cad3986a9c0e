import { type FindingRow, type StoredFinding, toFinding } from "../findings.js";
import type { PgDb } from "./pg-db.js";

/** src/store/list-open-findings-page.ts listOpenFindingsPage: keyset pages in id order after `afterId`. */
export async function listOpenFindingsPage(
  db: PgDb,
  page: { source?: string | undefined; afterId?: number | undefined; limit: number },
): Promise<StoredFinding[]> {
  const rows = await db.query<FindingRow>(
    `SELECT * FROM findings WHERE resolved_at IS NULL AND id > $1 AND ($2::text IS NULL OR source = $2)
      ORDER BY id LIMIT $3`,
    [page.afterId ?? 0, page.source ?? null, page.limit],
  );
  return rows.map(toFinding);
}
