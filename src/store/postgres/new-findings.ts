import type { RuleName, Severity } from "../../core/model.js";
import { parseEvidence } from "../findings.js";
import type { NewFinding, NewFindingCount } from "../new-findings.js";
import type { PgDb } from "./pg-db.js";

// An expired credential counts only on an enabled application: an expired secret on a disabled
// app is clutter, not an incident (build-alert.ts).
const ALERTABLE = `f.first_scan_id = $1 AND f.resolved_at IS NULL AND f.rule = ANY($2::text[])
          AND NOT (f.rule = 'credential_expired' AND a.active = 0)`;

/** The owner's field as json_extract gives it to the SQLite version: a string only when it is one. */
const ownerField = (field: string) =>
  `CASE WHEN jsonb_typeof((s.snapshot::jsonb) #> '{owner,${field}}') = 'string'
        THEN (s.snapshot::jsonb) #>> '{owner,${field}}' END`;

/**
 * src/store/new-findings.ts listNewFindings: how many per rule and source, and the oldest `perRule`
 * of each rule with their accounts and owners (only those snapshots are parsed).
 */
export async function listNewFindings(
  db: PgDb,
  options: { scanId: number; rules: readonly RuleName[]; perRule: number },
): Promise<{ findings: NewFinding[]; counts: NewFindingCount[] }> {
  if (options.rules.length === 0) return { findings: [], counts: [] };
  const rules = [...options.rules];
  const counts = await db.query<NewFindingCount>(
    `SELECT f.rule, f.source, count(*) AS count
       FROM findings f
       JOIN accounts a ON a.source = f.source AND a.id = f.account_id
      WHERE ${ALERTABLE}
      GROUP BY f.rule, f.source`,
    [options.scanId, rules],
  );
  const rows = await db.query<{
    source: string;
    account_id: string;
    user_name: string;
    name: string;
    active: number;
    rule: RuleName;
    severity: Severity;
    summary: string;
    evidence: string;
    owner_name: string | null;
    owner_email: string | null;
  }>(
    `WITH picked AS (
       SELECT f.id, f.source, f.account_id, a.user_name, a.name, a.active, f.rule, f.severity, f.summary,
              f.evidence, row_number() OVER (PARTITION BY f.rule ORDER BY f.id) AS n
         FROM findings f
         JOIN accounts a ON a.source = f.source AND a.id = f.account_id
        WHERE ${ALERTABLE})
     SELECT p.source, p.account_id, p.user_name, p.name, p.active, p.rule, p.severity, p.summary, p.evidence,
            ${ownerField("name")} AS owner_name,
            ${ownerField("email")} AS owner_email
       FROM picked p
       LEFT JOIN account_snapshots s ON s.source = p.source AND s.account_id = p.account_id
      WHERE p.n <= $3
      ORDER BY p.id`,
    [options.scanId, rules, options.perRule],
  );
  const findings = rows.map((row) => ({
    source: row.source,
    accountId: row.account_id,
    userName: row.user_name,
    name: row.name,
    active: row.active === 1,
    ownerName: row.owner_name ?? undefined,
    ownerEmail: row.owner_email ?? undefined,
    rule: row.rule,
    severity: row.severity,
    summary: row.summary,
    evidence: parseEvidence(row.evidence),
  }));
  return { findings, counts };
}

/** src/store/new-findings.ts hasEarlierScan: a succeeded scan of the same source before `scanId`. */
export async function hasEarlierScan(db: PgDb, scanId: number): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM scans p JOIN scans s ON s.id = $1
      WHERE p.source = s.source AND p.status = 'succeeded' AND p.id < s.id LIMIT 1`,
    [scanId],
  );
  return rows.length > 0;
}
