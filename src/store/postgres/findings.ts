import { type FindingRow, type StoredFinding, toFinding } from "../findings.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import { listOpenFindingsPage } from "./list-open-findings-page.js";
import { listNewFindings } from "./new-findings.js";
import type { PgDb } from "./pg-db.js";

/** src/store/findings.ts listOpenFindings: open findings, optionally of one source or one account, in id order. */
export async function listOpenFindings(
  db: PgDb,
  filter: { source?: string; accountId?: string } = {},
): Promise<StoredFinding[]> {
  if (filter.source !== undefined && filter.accountId !== undefined) {
    // One account's (a message, a follow-up, a lookup): on findings_by_account.
    const rows = await db.query<FindingRow>(
      "SELECT * FROM findings WHERE source = $1 AND account_id = $2 AND resolved_at IS NULL ORDER BY id",
      [filter.source, filter.accountId],
    );
    return rows.map(toFinding);
  }
  const rows = await db.query<FindingRow>(
    `SELECT * FROM findings WHERE resolved_at IS NULL
       AND ($1::text IS NULL OR source = $1) AND ($2::text IS NULL OR account_id = $2) ORDER BY id`,
    [filter.source ?? null, filter.accountId ?? null],
  );
  return rows.map(toFinding);
}

/** src/store/findings.ts listFindingChanges: opened and resolved after `since` (the digest). */
export async function listFindingChanges(
  db: PgDb,
  since: Date,
  source?: string,
): Promise<{ opened: StoredFinding[]; resolved: StoredFinding[] }> {
  const params = [since.toISOString(), source ?? null];
  const of = "($2::text IS NULL OR source = $2)";
  const opened = await db.query<FindingRow>(
    `SELECT * FROM findings WHERE first_seen_at > $1 AND ${of} ORDER BY id`,
    params,
  );
  const resolved = await db.query<FindingRow>(
    `SELECT * FROM findings WHERE resolved_at > $1 AND ${of} ORDER BY id`,
    params,
  );
  return { opened: opened.map(toFinding), resolved: resolved.map(toFinding) };
}

/** src/store/findings.ts listAccountFindings: every finding of one account, newest first. */
export async function listAccountFindings(
  db: PgDb,
  source: string,
  accountId: string,
): Promise<StoredFinding[]> {
  const rows = await db.query<FindingRow>(
    "SELECT * FROM findings WHERE source = $1 AND account_id = $2 ORDER BY id DESC",
    [source, accountId],
  );
  return rows.map(toFinding);
}

/** src/store/findings.ts acceptFindings: how many open findings were kept until `until`. */
export async function acceptFindings(
  db: PgDb,
  source: string,
  accountId: string,
  until: Date,
): Promise<number> {
  return db.execute(
    "UPDATE findings SET accepted_until = $1 WHERE source = $2 AND account_id = $3 AND resolved_at IS NULL",
    [until.toISOString(), source, accountId],
  );
}

/** The findings repository of the PostgreSQL store. */
export const FINDINGS_PG = {
  listOpenFindings,
  listOpenFindingsPage,
  listFindingChanges,
  listAccountFindings,
  acceptFindings,
  listNewFindings,
} satisfies Partial<PostgresQueries["findings"]>;
