import type { Database } from "better-sqlite3";
import { isDisabled, latestActivity } from "../core/assess-identity.js";
import type { Score } from "../core/compute-score.js";
import type { Finding, Inventory } from "../core/model.js";
import { normalizeEmail } from "../identity/normalize-email.js";
import { identityToJson } from "./accounts.js";
import { appendAudit } from "./audit-log.js";
import { completeScan } from "./scans.js";
import { writeTransaction } from "./write-transaction.js";

export interface ScanResult {
  scanId: number;
  inventory: Inventory;
  /** Findings per account id (accounts without findings may be absent). */
  findings: ReadonlyMap<string, readonly Finding[]>;
  score: Score;
  finishedAt: Date;
}

export interface SaveSummary {
  opened: number;
  updated: number;
  resolved: number;
}

/**
 * Writes a finished scan in ONE transaction: accounts (with their activity history), findings
 * (opened, refreshed, resolved), the scan's summary and an audit entry. If anything throws, or the process dies
 * halfway, SQLite rolls it all back and the previous scan's results stay intact.
 *
 * An open finding that is not in `findings` is resolved: the caller decides what still stands
 * (runScan carries over findings whose signal was blind in this scan).
 */
export function saveScanResult(db: Database, result: ScanResult): SaveSummary {
  const { inventory, scanId, finishedAt } = result;
  const now = finishedAt.toISOString();
  const source = inventory.source;

  // Positional parameters: binding by name costs a property lookup per value, 50,000 times over.
  const upsertAccount = db.prepare(`
    INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at, last_seen_at,
      last_active_at, last_scan_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (source, id) DO UPDATE SET user_name = excluded.user_name, name = excluded.name,
      owner_email = excluded.owner_email, active = excluded.active, snapshot = excluded.snapshot,
      last_seen_at = excluded.last_seen_at, last_scan_id = excluded.last_scan_id,
      last_active_at = CASE WHEN last_active_at IS NULL OR excluded.last_active_at > last_active_at
                            THEN coalesce(excluded.last_active_at, last_active_at) ELSE last_active_at END`);
  const openFindings = db.prepare(
    "SELECT id, account_id, rule FROM findings WHERE source = ? AND resolved_at IS NULL",
  );
  const insertFinding = db.prepare(`
    INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation,
      first_seen_at, last_seen_at, first_scan_id, last_scan_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const refreshFinding = db.prepare(`
    UPDATE findings SET severity = ?, summary = ?, evidence = ?, remediation = ?, last_seen_at = ?, last_scan_id = ?
    WHERE id = ?`);
  const resolveFinding = db.prepare("UPDATE findings SET resolved_at = ?, resolved_scan_id = ? WHERE id = ?");

  // The commit of a big scan would trigger an automatic checkpoint (copying the whole WAL into the
  // database file) inside the write; runScan checkpoints right after instead (see checkpointDatabase).
  const autocheckpoint = db.pragma("wal_autocheckpoint", { simple: true }) as number;
  db.pragma("wal_autocheckpoint = 0");
  try {
    return write();
  } finally {
    db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  }

  function write(): SaveSummary {
    return writeTransaction(db, (): SaveSummary => {
      const summary: SaveSummary = { opened: 0, updated: 0, resolved: 0 };
      // In primary-key order: B-tree inserts at the right edge are far cheaper than random ones.
      const ordered = [...inventory.identities].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const identity of ordered) {
        upsertAccount.run(
          source,
          identity.id,
          identity.userName,
          identity.name,
          normalizeEmail(identity.owner?.email) ?? null,
          isDisabled(identity) ? 0 : 1,
          identityToJson(identity),
          now,
          now,
          // warden's own history: the latest activity in any signal (last_active_at only moves forward).
          latestActivity(identity)?.toISOString() ?? null,
          scanId,
        );
      }

      const open = new Map<string, number>();
      for (const row of openFindings.all(source) as { id: number; account_id: string; rule: string }[]) {
        open.set(`${row.account_id}\u0000${row.rule}`, row.id);
      }
      let total = 0;
      for (const [accountId, findings] of result.findings) {
        for (const finding of findings) {
          total += 1;
          const key = `${accountId}\u0000${finding.rule}`;
          const { severity, summary: text, remediation } = finding;
          const evidence = JSON.stringify(finding.evidence);
          const existing = open.get(key);
          if (existing === undefined) {
            insertFinding.run(
              source,
              accountId,
              finding.rule,
              severity,
              text,
              evidence,
              remediation,
              now,
              now,
              scanId,
              scanId,
            );
            summary.opened += 1;
          } else {
            refreshFinding.run(severity, text, evidence, remediation, now, scanId, existing);
            open.delete(key);
            summary.updated += 1;
          }
        }
      }
      // Whatever is still in `open` was not found again this scan.
      for (const id of open.values()) {
        resolveFinding.run(now, scanId, id);
        summary.resolved += 1;
      }

      completeScan(db, scanId, {
        finishedAt,
        identities: inventory.identities.length,
        findings: total,
        score: result.score,
        inventory,
      });
      appendAudit(db, {
        at: finishedAt,
        event: "scan.succeeded",
        actor: "warden",
        subject: `scan:${scanId}`,
        detail: {
          source,
          identities: inventory.identities.length,
          findings: total,
          ...summary,
          score: result.score.value,
          blindSpots: inventory.blindSpots.map((b) => b.signal),
        },
      });
      return summary;
    });
  }
}

/** Copies the WAL into the database file without blocking readers (after a big write). */
export function checkpointDatabase(db: Database): void {
  db.pragma("wal_checkpoint(PASSIVE)");
}
