import type { AuditExportRow, AuditExportVisitor, DecisionExportRow } from "../audit-export-rows.js";
import { ENTRY_ACCOUNT_JOIN } from "./audit-archive.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";
import { readSnapshot } from "./read-snapshot.js";

/** Rows read per round trip (an export can be millions of rows; a page is never more than this). */
const PAGE = 1_000;

/**
 * Reads `table` in keyset pages of PAGE rows by id after `since`, handing each row to `visit`.
 * `select` has $1 (the last id read), $2 (since, or null) and $3 (PAGE).
 */
async function readPages<T extends { id: number }>(
  tx: PgDb,
  select: string,
  since: string | null,
  visit: (row: T) => void,
): Promise<void> {
  let after = 0;
  for (;;) {
    const page = await tx.query<T>(select, [after, since, PAGE]);
    for (const row of page) visit(row);
    const last = page.at(-1);
    if (!last || page.length < PAGE) return;
    after = last.id;
  }
}

/**
 * src/store/audit-export-rows.ts readAuditExportRows: decisions, then entries, in keyset pages of
 * one snapshot (readSnapshot), so the export is consistent however long it takes. ISO-8601 times
 * compare COLLATE "C" (byte by byte, in time order, whatever the database's collation).
 */
export async function readAuditExportRows(
  db: PgDb,
  since: Date | undefined,
  visit: AuditExportVisitor,
): Promise<void> {
  const at = since?.toISOString() ?? null;
  await readSnapshot(db, async (tx) => {
    await readPages<DecisionExportRow>(
      tx,
      `SELECT d.*, a.user_name FROM decisions d
         LEFT JOIN accounts a ON a.source = d.source AND a.id = d.account_id
        WHERE d.id > $1 AND ($2::text IS NULL OR d.decided_at >= $2::text COLLATE "C")
        ORDER BY d.id LIMIT $3`,
      at,
      (row) => visit.decision(row),
    );
    await readPages<AuditExportRow>(
      tx,
      `SELECT l.*, a.user_name FROM audit_log l ${ENTRY_ACCOUNT_JOIN}
        WHERE l.id > $1 AND ($2::text IS NULL OR l.at >= $2::text COLLATE "C")
        ORDER BY l.id LIMIT $3`,
      at,
      (row) => visit.entry(row),
    );
  });
}

/** The export half of the audit repository of the PostgreSQL store. */
export const AUDIT_EXPORT_ROWS_PG = { readAuditExportRows } satisfies Partial<PostgresQueries["audit"]>;
