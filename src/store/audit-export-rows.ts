import type { Database } from "better-sqlite3";
import type { AuditRow } from "./audit-log.js";

/** A decision row as `warden audit` exports it, with the account's user name joined in. */
export interface DecisionExportRow {
  id: number;
  source: string;
  account_id: string;
  action: string;
  actor_platform: string;
  actor_id: string;
  actor_email: string | null;
  decided_at: string;
  mode: string;
  outcome: string;
  before_values: string | null;
  after_values: string | null;
  reason: string | null;
  expires_at: string | null;
  undoes_decision_id: number | null;
  error: string | null;
  user_name: string | null;
}

/** An audit-log row with the account's user name joined in. */
export type AuditExportRow = AuditRow & { user_name: string | null };

/** Receives the rows of an export, in order: every decision first, then every audit entry. */
export interface AuditExportVisitor {
  decision(row: DecisionExportRow): void;
  entry(row: AuditExportRow): void;
}

/**
 * Reads decisions (by id), then audit log entries (in chain order), at or after `since`, handing each
 * row to `visit` as it is read: rows are iterated, never loaded all at once. Both queries run in one
 * read transaction, so the export is one consistent snapshot. `visit` must not use `db` (the
 * connection is busy while rows are iterated).
 */
export function readAuditExportRows(db: Database, since: Date | undefined, visit: AuditExportVisitor): void {
  const at = since?.toISOString() ?? null;
  db.transaction(() => {
    const decisions = db
      .prepare(
        `SELECT d.*, a.user_name FROM decisions d
           LEFT JOIN accounts a ON a.source = d.source AND a.id = d.account_id
          WHERE @since IS NULL OR d.decided_at >= @since
          ORDER BY d.id`,
      )
      .iterate({ since: at }) as IterableIterator<DecisionExportRow>;
    for (const row of decisions) visit.decision(row);
    // The subject of an entry about an account is "source:sys_id"; split it to use the primary key.
    const entries = db
      .prepare(
        `SELECT l.*, a.user_name FROM audit_log l
           LEFT JOIN accounts a
             ON a.source = substr(l.subject, 1, instr(l.subject, ':') - 1)
            AND a.id = substr(l.subject, instr(l.subject, ':') + 1)
          WHERE @since IS NULL OR l.at >= @since
          ORDER BY l.id`,
      )
      .iterate({ since: at }) as IterableIterator<AuditExportRow>;
    for (const row of entries) visit.entry(row);
  }).deferred();
}
