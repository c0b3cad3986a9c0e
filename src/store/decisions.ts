import { hostname } from "node:os";
import type { Database } from "better-sqlite3";
import type { ActionKind } from "../actions/action-registry.js";
import type { AccountValues } from "../core/model.js";
import { StoreError } from "../errors.js";
import { type DecisionTicket, getDecisionTicket } from "./decision-tickets.js";
import { answerReviewItems, type ReviewAnswer } from "./reviews.js";

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
export type { AccountValues } from "../core/model.js";

/** "ticketed": ticket mode opened a ticket asking for the change; warden wrote nothing itself. */
export type DecisionOutcome = "pending" | "applied" | "dry_run" | "already" | "failed" | "ticketed";

/** One row of `decisions`. */
export interface DecisionRecord {
  id: number;
  source: string;
  accountId: string;
  /** An action of the registry (src/actions/), or an admin's owner assignment. */
  action: ActionKind | "assign_owner";
  actorPlatform: string;
  actorId: string;
  actorEmail: string | undefined;
  decidedAt: Date;
  mode: "apply" | "dry-run" | "ticket";
  outcome: DecisionOutcome;
  before: AccountValues | undefined;
  after: AccountValues | undefined;
  reason: string | undefined;
  expiresAt: Date | undefined;
  undoesDecisionId: number | undefined;
  idempotencyKey: string | undefined;
  /** The owner message (outbox id) the decision was taken from, when it came from one. */
  messageId: number | undefined;
  error: string | undefined;
  /** The ticket a 'ticketed' decision opened (read by getDecision; absent from lists). */
  ticket?: DecisionTicket | undefined;
}

/** A row of `decisions` as both backends read it (exported for the PostgreSQL store). */
export interface DecisionRow {
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
  message_id: number | null;
  error: string | null;
}

export const toRecord = (row: DecisionRow): DecisionRecord => ({
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
  messageId: row.message_id ?? undefined,
  error: row.error ?? undefined,
});

export function getDecision(db: Database, id: number): DecisionRecord | undefined {
  const row = db.prepare("SELECT * FROM decisions WHERE id = ?").get(id) as DecisionRow | undefined;
  if (!row) return undefined;
  const ticket = row.outcome === "ticketed" ? getDecisionTicket(db, id) : undefined;
  return ticket ? { ...toRecord(row), ticket } : toRecord(row);
}

export type NewDecision = Pick<
  DecisionRecord,
  "source" | "accountId" | "action" | "actorPlatform" | "actorId" | "actorEmail" | "decidedAt" | "mode"
> & {
  reason?: string | undefined;
  expiresAt?: Date | undefined;
  undoesDecisionId?: number | undefined;
  /** The owner message (outbox id) the click came from, verified by the caller. */
  messageId?: number | undefined;
  /** Recorded for the audit trail only (e.g. the platform's delivery id); never used to deduplicate. */
  idempotencyKey?: string | undefined;
};

/**
 * Claims a decision: inserts it as 'pending', tagged with this process. At most one decision per
 * account can be pending (a partial UNIQUE index, migration 5), so of two clicks, an owner and an
 * admin, or two processes acting on one account at once, exactly one gets the claim; the others
 * get the decision in progress. Any other failure (disk full, read-only file) is thrown: nothing
 * has been written to the source yet, and the caller refuses the click.
 */
export function claimDecision(
  db: Database,
  decision: NewDecision,
): { id: number; busy?: undefined } | { id?: undefined; busy: DecisionRecord } {
  try {
    const result = db
      .prepare(
        `INSERT INTO decisions (source, account_id, action, actor_platform, actor_id, actor_email, decided_at, mode,
           outcome, reason, expires_at, undoes_decision_id, idempotency_key, message_id, claimed_pid, claimed_host)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...decisionInsertValues(decision));
    return { id: Number(result.lastInsertRowid) };
  } catch (error) {
    if ((error as { code?: string }).code !== "SQLITE_CONSTRAINT_UNIQUE") throw error;
    const pending = db
      .prepare("SELECT * FROM decisions WHERE source = ? AND account_id = ? AND outcome = 'pending'")
      .get(decision.source, decision.accountId) as DecisionRow | undefined;
    // The other claim finished between our insert and this read: report it as the one that won.
    const winner =
      pending ??
      (db
        .prepare("SELECT * FROM decisions WHERE source = ? AND account_id = ? ORDER BY id DESC LIMIT 1")
        .get(decision.source, decision.accountId) as DecisionRow);
    return { busy: toRecord(winner) };
  }
}

/**
 * Records the values read from the source just before the write. Written before the write is
 * sent, so after a crash a pending decision with `before` may have reached the source, and one
 * without it never did.
 */
export function recordDecisionBefore(db: Database, id: number, before: AccountValues): void {
  const result = db
    .prepare("UPDATE decisions SET before_values = ? WHERE id = ? AND outcome = 'pending'")
    .run(JSON.stringify(before), id);
  // No longer pending: settled meanwhile (e.g. as interrupted, by a start that judged the claim
  // abandoned). The write must not be sent: the caller stops before it.
  if (result.changes !== 1) {
    throw new StoreError("E_DECISION_SETTLED", `decision ${id} was settled meanwhile; nothing was written`);
  }
}

/**
 * The account's latest decision that took effect (applied, already so, or dry run): the one an
 * Undo may reverse and a repeated click repeats. Failed and pending decisions never count.
 */
export function getLatestEffectiveDecision(
  db: Database,
  source: string,
  accountId: string,
): DecisionRecord | undefined {
  const row = db
    .prepare(
      `SELECT * FROM decisions WHERE source = ? AND account_id = ? AND outcome IN ('applied', 'already', 'dry_run')
        ORDER BY id DESC LIMIT 1`,
    )
    .get(source, accountId) as DecisionRow | undefined;
  return row ? toRecord(row) : undefined;
}

/** A pending decision with the process that claimed it. */
export interface PendingDecision extends DecisionRecord {
  claimedPid: number | undefined;
  claimedHost: string | undefined;
}

/** Every decision still pending, oldest first (normally none, or those in flight right now). */
export function listPendingDecisions(db: Database): PendingDecision[] {
  return (
    db.prepare("SELECT * FROM decisions WHERE outcome = 'pending' ORDER BY id").all() as (DecisionRow & {
      claimed_pid: number | null;
      claimed_host: string | null;
    })[]
  ).map((row) => ({
    ...toRecord(row),
    claimedPid: row.claimed_pid ?? undefined,
    claimedHost: row.claimed_host ?? undefined,
  }));
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
  // A pending decision is completed once: recovery and the process that claimed it cannot both.
  db.prepare(
    `UPDATE decisions SET outcome = ?, before_values = coalesce(?, before_values), after_values = ?, error = ?
      WHERE id = ? AND outcome = 'pending'`,
  ).run(
    result.outcome,
    result.before ? JSON.stringify(result.before) : null,
    result.after ? JSON.stringify(result.after) : null,
    result.error ?? null,
    id,
  );
  const decision = getDecision(db, id) as DecisionRecord;
  // Every path that completes a decision (a click, the settling of one a crash left pending) answers
  // the open access reviews that ask about the account: Still needed, Disable, Not mine; an Undo
  // reopens them.
  const answer = reviewAnswerOf(decision);
  if (answer) answerReviewItems(db, answer);
  return decision;
}

/**
 * What a completed decision answers in the open access reviews (both backends): nothing for a
 * failed or pending one. warden's own decisions (platform "warden", an access review's default)
 * read "warden (review default)".
 */
export function reviewAnswerOf(decision: DecisionRecord): ReviewAnswer | undefined {
  if (decision.outcome === "failed" || decision.outcome === "pending") return undefined;
  return {
    id: decision.id,
    source: decision.source,
    accountId: decision.accountId,
    action: decision.action,
    reviewer:
      decision.actorEmail ??
      (decision.actorPlatform === "warden"
        ? `warden (${decision.actorId})`
        : `${decision.actorPlatform}:${decision.actorId}`),
    reason: decision.reason,
    decidedAt: decision.decidedAt,
    undoesDecisionId: decision.undoesDecisionId,
  };
}

/**
 * The values of a claimed decision's row, in the column order both backends' INSERT names (source …
 * message_id, then the claiming process and host, so a crash can be settled by the next start).
 */
export function decisionInsertValues(decision: NewDecision): unknown[] {
  return [
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
    decision.idempotencyKey ?? null,
    decision.messageId ?? null,
    process.pid,
    hostname(),
  ];
}
