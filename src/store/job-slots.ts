import type { Database } from "better-sqlite3";

/** A run of a scheduled job: the job's name and the cron time it runs for (ISO-8601 UTC). */
export interface JobSlot {
  job: string;
  slot: string;
}

/**
 * The claim of one run, or the takeover of a run whose holder stopped renewing it: true when
 * `holder` now has it. One statement on both backends — an upsert that changes the row only when
 * it is unfinished and its lease ran out — so of two replicas claiming together exactly one wins
 * (https://www.sqlite.org/lang_upsert.html; on PostgreSQL the second waits for the first's commit
 * and then re-checks the condition: https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT).
 */
export const CLAIM_JOB_SLOT_SQL = `
  INSERT INTO job_slots (job, slot, holder, claimed_at, lease_until) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (job, slot) DO UPDATE SET
    holder = excluded.holder, claimed_at = excluded.claimed_at, lease_until = excluded.lease_until
  WHERE job_slots.finished_at IS NULL AND job_slots.lease_until < excluded.claimed_at
  RETURNING holder`;

export const RENEW_JOB_SLOT_SQL =
  "UPDATE job_slots SET lease_until = $1 WHERE job = $2 AND slot = $3 AND holder = $4 AND finished_at IS NULL";

export const FINISH_JOB_SLOT_SQL =
  "UPDATE job_slots SET finished_at = $1 WHERE job = $2 AND slot = $3 AND holder = $4 AND finished_at IS NULL";

export const ABANDONED_JOB_SLOTS_SQL =
  "SELECT job, slot FROM job_slots WHERE finished_at IS NULL AND lease_until < $1 ORDER BY slot, job";

/** Finished runs older than this are forgotten at the next claim of their job. */
export const JOB_SLOT_KEEP_MS = 90 * 86_400_000;

export const PRUNE_JOB_SLOTS_SQL =
  "DELETE FROM job_slots WHERE job = $1 AND finished_at IS NOT NULL AND slot < $2";

/**
 * The SQL above is written once for both backends, in PostgreSQL's `$n`; each parameter appears
 * once and in order, so SQLite's anonymous `?` binds the same arguments.
 */
const sqlite = (sql: string) => sql.replace(/\$\d+/g, "?");

export function claimJobSlot(
  db: Database,
  claim: JobSlot & { holder: string; at: Date; leaseMs: number },
): boolean {
  const at = claim.at.toISOString();
  const leaseUntil = new Date(claim.at.getTime() + claim.leaseMs).toISOString();
  const won = db
    .prepare(sqlite(CLAIM_JOB_SLOT_SQL))
    .get(claim.job, claim.slot, claim.holder, at, leaseUntil) as { holder: string } | undefined;
  if (won) {
    const before = new Date(claim.at.getTime() - JOB_SLOT_KEEP_MS).toISOString();
    db.prepare(sqlite(PRUNE_JOB_SLOTS_SQL)).run(claim.job, before);
  }
  return won !== undefined;
}

/** Extends the lease of a run `holder` still has; false when another replica took it over. */
export function renewJobSlot(
  db: Database,
  run: JobSlot & { holder: string; at: Date; leaseMs: number },
): boolean {
  const leaseUntil = new Date(run.at.getTime() + run.leaseMs).toISOString();
  return db.prepare(sqlite(RENEW_JOB_SLOT_SQL)).run(leaseUntil, run.job, run.slot, run.holder).changes === 1;
}

/** Marks a run done (succeeded or failed: it is not run again); only its holder can. */
export function finishJobSlot(db: Database, run: JobSlot & { holder: string; at: Date }): boolean {
  return (
    db.prepare(sqlite(FINISH_JOB_SLOT_SQL)).run(run.at.toISOString(), run.job, run.slot, run.holder)
      .changes === 1
  );
}

/** Runs whose holder stopped renewing them before they finished (its process died), oldest first. */
export function listAbandonedJobSlots(db: Database, now: Date): JobSlot[] {
  return db.prepare(sqlite(ABANDONED_JOB_SLOTS_SQL)).all(now.toISOString()) as JobSlot[];
}
