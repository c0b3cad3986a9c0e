import type { Database } from "better-sqlite3";
import type { Evidence, Finding, Remediation, RuleName, Severity } from "../core/model.js";

/** A finding as stored, with its lifecycle. */
export interface StoredFinding extends Finding {
  id: number;
  source: string;
  accountId: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | undefined;
  /** Kept (risk accepted) until then; the finding is not sent to its owner again before. */
  acceptedUntil: Date | undefined;
}

export interface FindingRow {
  id: number;
  source: string;
  account_id: string;
  rule: RuleName;
  severity: Severity;
  summary: string;
  evidence: string;
  remediation: Remediation;
  first_seen_at: string;
  last_seen_at: string;
  resolved_at: string | null;
  accepted_until: string | null;
}

/** A finding's stored evidence (JSON text, its dates as ISO strings) as the rules wrote it. */
export function parseEvidence(text: string): Evidence[] {
  return (JSON.parse(text) as Evidence[]).map((e) => ({
    ...e,
    since: e.since ? new Date(e.since as unknown as string) : undefined,
  }));
}

export const toFinding = (row: FindingRow): StoredFinding => ({
  id: row.id,
  source: row.source,
  accountId: row.account_id,
  rule: row.rule,
  severity: row.severity,
  summary: row.summary,
  evidence: parseEvidence(row.evidence),
  remediation: row.remediation,
  firstSeenAt: new Date(row.first_seen_at),
  lastSeenAt: new Date(row.last_seen_at),
  resolvedAt: row.resolved_at ? new Date(row.resolved_at) : undefined,
  acceptedUntil: row.accepted_until ? new Date(row.accepted_until) : undefined,
});

/** Open findings, optionally of one source or one account. */
export function listOpenFindings(
  db: Database,
  filter: { source?: string; accountId?: string } = {},
): StoredFinding[] {
  if (filter.source !== undefined && filter.accountId !== undefined) {
    // One account's (a message, a follow-up, a lookup): on findings_by_account. The OR form below
    // cannot use that index and reads every open finding, per account shown.
    const rows = db
      .prepare(
        "SELECT * FROM findings WHERE source = ? AND account_id = ? AND resolved_at IS NULL ORDER BY id",
      )
      .all(filter.source, filter.accountId) as FindingRow[];
    return rows.map(toFinding);
  }
  const rows = db
    .prepare(
      `SELECT * FROM findings WHERE resolved_at IS NULL
         AND (@source IS NULL OR source = @source) AND (@accountId IS NULL OR account_id = @accountId) ORDER BY id`,
    )
    .all({ source: filter.source ?? null, accountId: filter.accountId ?? null }) as FindingRow[];
  return rows.map(toFinding);
}

/** Findings that appeared, and findings that were resolved, after `since`, optionally of one source (for the digest). */
export function listFindingChanges(
  db: Database,
  since: Date,
  source?: string,
): { opened: StoredFinding[]; resolved: StoredFinding[] } {
  const params = { since: since.toISOString(), source: source ?? null };
  const of = "(@source IS NULL OR source = @source)";
  // ORDER BY +id: sorted after the index read (findings_by_first_seen, findings_by_resolved); a plain
  // ORDER BY id lets SQLite walk the whole table in id order instead (https://www.sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_).
  return {
    opened: (
      db
        .prepare(`SELECT * FROM findings WHERE first_seen_at > @since AND ${of} ORDER BY +id`)
        .all(params) as FindingRow[]
    ).map(toFinding),
    resolved: (
      db
        .prepare(`SELECT * FROM findings WHERE resolved_at > @since AND ${of} ORDER BY +id`)
        .all(params) as FindingRow[]
    ).map(toFinding),
  };
}

/** Every finding of one account, newest first (lookup shows the history). */
export function listAccountFindings(db: Database, source: string, accountId: string): StoredFinding[] {
  return (
    db
      .prepare("SELECT * FROM findings WHERE source = ? AND account_id = ? ORDER BY id DESC")
      .all(source, accountId) as FindingRow[]
  ).map(toFinding);
}

/** Keep: the account's open findings stay open but are accepted (not sent again) until `until`. */
export function acceptFindings(db: Database, source: string, accountId: string, until: Date): number {
  return db
    .prepare(
      "UPDATE findings SET accepted_until = ? WHERE source = ? AND account_id = ? AND resolved_at IS NULL",
    )
    .run(until.toISOString(), source, accountId).changes;
}
