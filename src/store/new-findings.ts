import type { Database } from "better-sqlite3";
import type { Evidence, RuleName, Severity } from "../core/model.js";
import { parseEvidence } from "./findings.js";

/** A finding a scan opened, with the account it is about (an immediate alert's line). */
export interface NewFinding {
  source: string;
  accountId: string;
  userName: string;
  name: string;
  /** The account is enabled in its source (accounts.active). */
  active: boolean;
  ownerName: string | undefined;
  ownerEmail: string | undefined;
  rule: RuleName;
  severity: Severity;
  summary: string;
  evidence: Evidence[];
}

/**
 * The findings scan `scanId` opened (first_scan_id, on findings_by_first_scan) of the given
 * rules and still open, oldest first, with their accounts and owners (read out of the stored
 * snapshot: https://www.sqlite.org/json1.html#jex). A finding refreshed by a later scan is not
 * new in it; one that was resolved and came back is a new row, opened by the scan that saw it again.
 */
export function listNewFindings(
  db: Database,
  options: { scanId: number; rules: readonly RuleName[] },
): NewFinding[] {
  if (options.rules.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT f.source, f.account_id, a.user_name, a.name, a.active, f.rule, f.severity, f.summary, f.evidence,
              json_extract(s.snapshot, '$.owner.name') AS owner_name,
              json_extract(s.snapshot, '$.owner.email') AS owner_email
         FROM findings f
         JOIN accounts a ON a.source = f.source AND a.id = f.account_id
         LEFT JOIN account_snapshots s ON s.source = f.source AND s.account_id = f.account_id
        WHERE f.first_scan_id = ? AND f.resolved_at IS NULL AND f.rule IN (SELECT value FROM json_each(?))
        ORDER BY f.id`,
    )
    .all(options.scanId, JSON.stringify(options.rules)) as {
    source: string;
    account_id: string;
    user_name: string;
    name: string;
    active: number;
    rule: RuleName;
    severity: Severity;
    summary: string;
    evidence: string;
    owner_name: unknown;
    owner_email: unknown;
  }[];
  return rows.map((row) => ({
    source: row.source,
    accountId: row.account_id,
    userName: row.user_name,
    name: row.name,
    active: row.active === 1,
    ownerName: typeof row.owner_name === "string" ? row.owner_name : undefined,
    ownerEmail: typeof row.owner_email === "string" ? row.owner_email : undefined,
    rule: row.rule,
    severity: row.severity,
    summary: row.summary,
    evidence: parseEvidence(row.evidence),
  }));
}

/**
 * Whether a succeeded scan of the same source came before scan `scanId`. Retention always keeps
 * each source's latest succeeded scan and the one before it (prune-scans.ts), so this holds for
 * as long as the source has been scanned before.
 */
export function hasEarlierScan(db: Database, scanId: number): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM scans p JOIN scans s ON s.id = ?
          WHERE p.source = s.source AND p.status = 'succeeded' AND p.id < s.id LIMIT 1`,
      )
      .get(scanId) !== undefined
  );
}
