import {
  ABANDONED_JOB_SLOTS_SQL,
  CLAIM_JOB_SLOT_SQL,
  FINISH_JOB_SLOT_SQL,
  JOB_SLOT_KEEP_MS,
  type JobSlot,
  PRUNE_JOB_SLOTS_SQL,
  RENEW_JOB_SLOT_SQL,
} from "../job-slots.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/** src/store/job-slots.ts claimJobSlot: the same single upsert. */
export async function claimJobSlot(
  db: PgDb,
  claim: JobSlot & { holder: string; at: Date; leaseMs: number },
): Promise<boolean> {
  const leaseUntil = new Date(claim.at.getTime() + claim.leaseMs).toISOString();
  const won = await db.query(CLAIM_JOB_SLOT_SQL, [
    claim.job,
    claim.slot,
    claim.holder,
    claim.at.toISOString(),
    leaseUntil,
  ]);
  if (won.length > 0) {
    const before = new Date(claim.at.getTime() - JOB_SLOT_KEEP_MS).toISOString();
    await db.execute(PRUNE_JOB_SLOTS_SQL, [claim.job, before]);
  }
  return won.length > 0;
}

/** src/store/job-slots.ts renewJobSlot. */
export async function renewJobSlot(
  db: PgDb,
  run: JobSlot & { holder: string; at: Date; leaseMs: number },
): Promise<boolean> {
  const leaseUntil = new Date(run.at.getTime() + run.leaseMs).toISOString();
  return (await db.execute(RENEW_JOB_SLOT_SQL, [leaseUntil, run.job, run.slot, run.holder])) === 1;
}

/** src/store/job-slots.ts finishJobSlot. */
export async function finishJobSlot(db: PgDb, run: JobSlot & { holder: string; at: Date }): Promise<boolean> {
  return (await db.execute(FINISH_JOB_SLOT_SQL, [run.at.toISOString(), run.job, run.slot, run.holder])) === 1;
}

/** src/store/job-slots.ts listAbandonedJobSlots. */
export async function listAbandonedJobSlots(db: PgDb, now: Date): Promise<JobSlot[]> {
  return db.query<JobSlot>(ABANDONED_JOB_SLOTS_SQL, [now.toISOString()]);
}

/** The schedule repository of the PostgreSQL store. */
export const SCHEDULE_PG = {
  claimJobSlot,
  renewJobSlot,
  finishJobSlot,
  listAbandonedJobSlots,
} satisfies Partial<PostgresQueries["schedule"]>;
