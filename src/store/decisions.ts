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

/** The account fields a remediation reads and writes, as recorded before and after. */
export interface AccountValues {
  active: boolean;
  lockedOut: boolean;
  webServiceAccessOnly: boolean;
}

export type DecisionOutcome = "pending" | "applied" | "dry_run" | "already" | "failed";

/** One row of `decisions`. */
export interface DecisionRecord {
  id: number;
  source: string;
  accountId: string;
  action: "disable" | "restrict" | "keep" | "not_mine" | "undo" | "assign_owner";
  actorPlatform: string;
  actorId: string;
  actorEmail: string | undefined;
  decidedAt: Date;
  mode: "apply" | "dry-run";
  outcome: DecisionOutcome;
  before: AccountValues | undefined;
  after: AccountValues | undefined;
  reason: string | undefined;
  expiresAt: Date | undefined;
  undoesDecisionId: number | undefined;
  idempotencyKey: string | undefined;
  error: string | undefined;
}

interface DecisionRow {
  id: number;
  source: string;
  account_id: string;
  action: DecisionRecord["action"];
  actor_platform: string;
  actor_id: string;
  actor_email: string | null;
  decided_at: string;
  mode: DecisionRecord["mode"];
  outcome: DecisionOutcome;
  before_values: string | null;
  after_values: string | null;
  reason: string | null;
  expires_at: string | null;
  undoes_decision_id: number | null;
  idempotency_key: string | null;
  error: string | null;
}

const toRecord = (row: DecisionRow): DecisionRecord => ({
  id: row.id,
  source: row.source,
  accountId: row.account_id,
  action: row.action,
  actorPlatform: row.actor_platform,
  actorId: row.actor_id,
  actorEmail: row.actor_email ?? undefined,
  decidedAt: new Date(row.decided_at),
  mode: row.mode,
  outcome: row.outcome,
  before: row.before_values ? (JSON.parse(row.before_values) as AccountValues) : undefined,
  after: row.after_values ? (JSON.parse(row.after_values) as AccountValues) : undefined,
  reason: row.reason ?? undefined,
  expiresAt: row.expires_at ? new Date(row.expires_at) : undefined,
  undoesDecisionId: row.undoes_decision_id ?? undefined,
  idempotencyKey: row.idempotency_key ?? undefined,
  error: row.error ?? undefined,
});

export function getDecision(db: Database, id: number): DecisionRecord | undefined {
  const row = db.prepare("SELECT * FROM decisions WHERE id = ?").get(id) as DecisionRow | undefined;
  return row ? toRecord(row) : undefined;
}

export type NewDecision = Pick<
  DecisionRecord,
  "source" | "accountId" | "action" | "actorPlatform" | "actorId" | "actorEmail" | "decidedAt" | "mode"
> & {
  idempotencyKey: string;
  reason?: string | undefined;
  expiresAt?: Date | undefined;
  undoesDecisionId?: number | undefined;
};

/**
 * Claims a decision under its idempotency key. The UNIQUE key makes a double click or a retried
 * delivery lose the race inside SQLite itself: the second caller gets the first one's record.
 */
export function beginDecision(
  db: Database,
  decision: NewDecision,
): { id: number; existing?: DecisionRecord } {
  const result = db
    .prepare(
      `INSERT INTO decisions (source, account_id, action, actor_platform, actor_id, actor_email, decided_at, mode,
         outcome, reason, expires_at, undoes_decision_id, idempotency_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
    )
    .run(
      decision.source,
      decision.accountId,
      decision.action,
      decision.actorPlatform,
      decision.actorId,
      decision.actorEmail ?? null,
      decision.decidedAt.toISOString(),
      decision.mode,
      decision.reason ?? null,
      decision.expiresAt?.toISOString() ?? null,
      decision.undoesDecisionId ?? null,
      decision.idempotencyKey,
    );
  if (result.changes === 1) return { id: Number(result.lastInsertRowid) };
  const row = db
    .prepare("SELECT * FROM decisions WHERE idempotency_key = ?")
    .get(decision.idempotencyKey) as DecisionRow;
  return { id: row.id, existing: toRecord(row) };
}

/** Records how a claimed decision ended. */
export function completeDecision(
  db: Database,
  id: number,
  result: {
    outcome: Exclude<DecisionOutcome, "pending">;
    before?: AccountValues | undefined;
    after?: AccountValues | undefined;
    error?: string | undefined;
  },
): DecisionRecord {
  db.prepare(
    "UPDATE decisions SET outcome = ?, before_values = ?, after_values = ?, error = ? WHERE id = ?",
  ).run(
    result.outcome,
    result.before ? JSON.stringify(result.before) : null,
    result.after ? JSON.stringify(result.after) : null,
    result.error ?? null,
    id,
  );
  return getDecision(db, id) as DecisionRecord;
}

/** The latest applied disable/restrict/undo of an account, newest first (for undo and "already"). */
export function listAccountDecisionRecords(
  db: Database,
  source: string,
  accountId: string,
): DecisionRecord[] {
  return (
    db
      .prepare("SELECT * FROM decisions WHERE source = ? AND account_id = ? ORDER BY id DESC")
      .all(source, accountId) as DecisionRow[]
  ).map(toRecord);
}
