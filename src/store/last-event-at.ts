import type { Database } from "better-sqlite3";

/** When the audit log last recorded `event` (e.g. "followups.ran"), for the scheduler's catch-up. */
export function lastEventAt(db: Database, event: string): Date | undefined {
  const at = db.prepare("SELECT max(at) FROM audit_log WHERE event = ?").pluck().get(event) as string | null;
  return at ? new Date(at) : undefined;
}
