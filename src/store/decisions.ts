import type { Database } from "better-sqlite3";

/** A remediation decision as lookups and exports show it. */
export interface DecisionSummary {
  action: string;
  /** Email when known, else the chat user id. */
  actor: string;
  decidedAt: Date;
  outcome: string;
  reason: string | undefined;
}

/** Decisions about one account, newest first. */
export function listAccountDecisions(db: Database, source: string, accountId: string): DecisionSummary[] {
  const rows = db
    .prepare(
      `SELECT action, coalesce(actor_email, actor_id) AS actor, decided_at, outcome, reason
         FROM decisions WHERE source = ? AND account_id = ? ORDER BY id DESC`,
    )
    .all(source, accountId) as {
    action: string;
    actor: string;
    decided_at: string;
    outcome: string;
    reason: string | null;
  }[];
  return rows.map((d) => ({
    action: d.action,
    actor: d.actor,
    decidedAt: new Date(d.decided_at),
    outcome: d.outcome,
    reason: d.reason ?? undefined,
  }));
}
