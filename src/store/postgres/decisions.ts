import type { AccountValues } from "../../core/model.js";
import { StoreError } from "../../errors.js";
import {
  type DecisionOutcome,
  type DecisionRecord,
  type DecisionRow,
  type DecisionSummary,
  decisionInsertValues,
  type NewDecision,
  type PendingDecision,
  reviewAnswerOf,
  toRecord,
} from "../decisions.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import { getDecisionTicket } from "./decision-tickets.js";
import type { PgDb } from "./pg-db.js";
import { answerReviewItems } from "./reviews.js";

/** src/store/decisions.ts listAccountDecisions: newest first. */
export async function listAccountDecisions(
  db: PgDb,
  source: string,
  accountId: string,
): Promise<DecisionSummary[]> {
  const rows = await db.query<{
    action: string;
    actor: string;
    decided_at: string;
    outcome: string;
    reason: string | null;
  }>(
    `SELECT action, coalesce(actor_email, actor_id) AS actor, decided_at, outcome, reason
       FROM decisions WHERE source = $1 AND account_id = $2 ORDER BY id DESC`,
    [source, accountId],
  );
  return rows.map((d) => ({
    action: d.action,
    actor: d.actor,
    decidedAt: new Date(d.decided_at),
    outcome: d.outcome,
    reason: d.reason ?? undefined,
  }));
}

/** src/store/decisions.ts getDecision, with the ticket a 'ticketed' decision opened. */
export async function getDecision(db: PgDb, id: number): Promise<DecisionRecord | undefined> {
  const [row] = await db.query<DecisionRow>("SELECT * FROM decisions WHERE id = $1", [id]);
  if (!row) return undefined;
  const ticket = row.outcome === "ticketed" ? await getDecisionTicket(db, id) : undefined;
  return ticket ? { ...toRecord(row), ticket } : toRecord(row);
}

/**
 * src/store/decisions.ts claimDecision. The partial UNIQUE index decisions_one_pending allows one
 * pending decision per account; INSERT … ON CONFLICT DO NOTHING (no target: any unique index, as
 * SQLite's SQLITE_CONSTRAINT_UNIQUE, so the idempotency key's too) makes a second claim wait for
 * the first's transaction and then insert nothing, instead of raising an error that would abort a
 * caller's transaction (https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT).
 * Of two replicas claiming one account at once, exactly one gets the id; the other reads the winner.
 */
export async function claimDecision(
  db: PgDb,
  decision: NewDecision,
): Promise<{ id: number; busy?: undefined } | { id?: undefined; busy: DecisionRecord }> {
  const [inserted] = await db.query<{ id: number }>(
    `INSERT INTO decisions (source, account_id, action, actor_platform, actor_id, actor_email, decided_at, mode,
       outcome, reason, expires_at, undoes_decision_id, idempotency_key, message_id, claimed_pid, claimed_host)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT DO NOTHING RETURNING id`,
    decisionInsertValues(decision),
  );
  if (inserted) return { id: Number(inserted.id) };
  // A new statement sees what the winner committed (READ COMMITTED).
  const [pending] = await db.query<DecisionRow>(
    "SELECT * FROM decisions WHERE source = $1 AND account_id = $2 AND outcome = 'pending'",
    [decision.source, decision.accountId],
  );
  // The other claim finished between our insert and this read: report it as the one that won.
  const [winner] = pending
    ? [pending]
    : await db.query<DecisionRow>(
        "SELECT * FROM decisions WHERE source = $1 AND account_id = $2 ORDER BY id DESC LIMIT 1",
        [decision.source, decision.accountId],
      );
  // Only a reused idempotency key of another account's decision gets here (SQLite fails on it too).
  if (!winner) {
    throw new StoreError(
      "E_DECISION_DUPLICATE_KEY",
      `idempotency key ${decision.idempotencyKey ?? ""} is another account's decision; nothing was claimed`,
    );
  }
  return { busy: toRecord(winner) };
}

/** src/store/decisions.ts recordDecisionBefore: only while the decision is still pending. */
export async function recordDecisionBefore(db: PgDb, id: number, before: AccountValues): Promise<void> {
  const changed = await db.execute(
    "UPDATE decisions SET before_values = $1 WHERE id = $2 AND outcome = 'pending'",
    [JSON.stringify(before), id],
  );
  // No longer pending: settled meanwhile (e.g. as interrupted, by a start that judged the claim
  // abandoned). The write must not be sent: the caller stops before it.
  if (changed !== 1) {
    throw new StoreError("E_DECISION_SETTLED", `decision ${id} was settled meanwhile; nothing was written`);
  }
}

/** src/store/decisions.ts getLatestEffectiveDecision. */
export async function getLatestEffectiveDecision(
  db: PgDb,
  source: string,
  accountId: string,
): Promise<DecisionRecord | undefined> {
  const [row] = await db.query<DecisionRow>(
    `SELECT * FROM decisions WHERE source = $1 AND account_id = $2 AND outcome IN ('applied', 'already', 'dry_run')
      ORDER BY id DESC LIMIT 1`,
    [source, accountId],
  );
  return row ? toRecord(row) : undefined;
}

/** src/store/decisions.ts listPendingDecisions: oldest first. */
export async function listPendingDecisions(db: PgDb): Promise<PendingDecision[]> {
  const rows = await db.query<DecisionRow & { claimed_pid: number | null; claimed_host: string | null }>(
    "SELECT * FROM decisions WHERE outcome = 'pending' ORDER BY id",
  );
  return rows.map((row) => ({
    ...toRecord(row),
    claimedPid: row.claimed_pid ?? undefined,
    claimedHost: row.claimed_host ?? undefined,
  }));
}

/**
 * src/store/decisions.ts completeDecision, in one transaction with the review answers. The UPDATE
 * is conditional on 'pending': of recovery and the claiming process completing at once, the second
 * waits for the first's row lock, re-checks the outcome and changes nothing; both read the result.
 */
export async function completeDecision(
  db: PgDb,
  id: number,
  result: {
    outcome: Exclude<DecisionOutcome, "pending">;
    before?: AccountValues | undefined;
    after?: AccountValues | undefined;
    error?: string | undefined;
  },
): Promise<DecisionRecord> {
  return db.transaction(async (tx) => {
    await tx.execute(
      `UPDATE decisions SET outcome = $1, before_values = coalesce($2, before_values), after_values = $3, error = $4
        WHERE id = $5 AND outcome = 'pending'`,
      [
        result.outcome,
        result.before ? JSON.stringify(result.before) : null,
        result.after ? JSON.stringify(result.after) : null,
        result.error ?? null,
        id,
      ],
    );
    const decision = (await getDecision(tx, id)) as DecisionRecord;
    // Every path that completes a decision answers the open access reviews that ask about the
    // account (Still needed, Disable, Not mine); an Undo reopens them.
    const answer = reviewAnswerOf(decision);
    if (answer) await answerReviewItems(tx, answer);
    return decision;
  });
}

/** The decisions repository of the PostgreSQL store. */
export const DECISIONS_PG = {
  listAccountDecisions,
  getDecision,
  claimDecision,
  recordDecisionBefore,
  getLatestEffectiveDecision,
  listPendingDecisions,
  completeDecision,
} satisfies Partial<PostgresQueries["decisions"]>;
