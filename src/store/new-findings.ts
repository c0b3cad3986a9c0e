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

/** A scan's new findings of one rule in one source, however many were listed. */
export interface NewFindingCount {
  rule: RuleName;
  source: string;
  count: number;
}

// An expired credential counts only on an enabled application: an expired secret on a disabled
// app is clutter, not an incident (build-alert.ts).
const ALERTABLE = `f.first_scan_id = ? AND f.resolved_at IS NULL AND f.rule IN (SELECT value FROM json_each(?))
          AND NOT (f.rule = 'credential_expired' AND a.active = 0)`;

/**
 * The findings scan `scanId` opened (first_scan_id, on findings_by_first_scan) of the given
 * rules and still open: how many per rule and source, and the oldest `perRule` of each rule with
 * their accounts and owners (read out of the stored snapshot only for those:
 * https://www.sqlite.org/json1.html#jex). A rule change can open thousands in one scan, and an
 * alert lists a few, so the rest are counted, never read. A finding refreshed by a later scan is
 * not new in it; one that was resolved and came back is a new row, opened by the scan that saw it again.
 */
export function listNewFindings(
  db: Database,
  options: { scanId: number; rules: readonly RuleName[]; perRule: number },
): { findings: NewFinding[]; counts: NewFindingCount[] } {
  if (options.rules.length === 0) return { findings: [], counts: [] };
  const rules = JSON.stringify(options.rules);
  const counts = db
    .prepare(
      `SELECT f.rule, f.source, count(*) AS count
         FROM findings f
         JOIN accounts a ON a.source = f.source AND a.id = f.account_id
        WHERE ${ALERTABLE}
        GROUP BY f.rule, f.source`,
    )
    .all(options.scanId, rules) as NewFindingCount[];
  const rows = db
    .prepare(
      `WITH picked AS (
         SELECT f.id, f.source, f.account_id, a.user_name, a.name, a.active, f.rule, f.severity, f.summary,
                f.evidence, row_number() OVER (PARTITION BY f.rule ORDER BY f.id) AS n
           FROM findings f
           JOIN accounts a ON a.source = f.source AND a.id = f.account_id
          WHERE ${ALERTABLE})
       SELECT p.source, p.account_id, p.user_name, p.name, p.active, p.rule, p.severity, p.summary, p.evidence,
              json_extract(s.snapshot, '$.owner.name') AS owner_name,
              json_extract(s.snapshot, '$.owner.email') AS owner_email
         FROM picked p
         LEFT JOIN account_snapshots s ON s.source = p.source AND s.account_id = p.account_id
        WHERE p.n <= ?
        ORDER BY p.id`,
    )
    .all(options.scanId, rules, options.perRule) as {
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
  const findings = rows.map((row) => ({
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
  return { findings, counts };
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
