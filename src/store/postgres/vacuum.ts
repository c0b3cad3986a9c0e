import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";
import { pruneAccounts } from "./prune-accounts.js";
import { pruneFindings } from "./prune-findings.js";
import { pruneScans } from "./prune-scans.js";

/**
 * src/store/vacuum.ts incrementalVacuum: SQLite gives free pages back to the file system on
 * request; PostgreSQL's autovacuum reclaims the room retention frees on its own
 * (https://www.postgresql.org/docs/current/routine-vacuuming.html). Answers 0, as SQLite does for
 * a database with no free page left to give back: pruneExpired stops asking.
 */
export async function incrementalVacuum(_db: PgDb, _pages: number): Promise<number> {
  return 0;
}

/**
 * src/store/vacuum.ts truncateWal: PostgreSQL recycles its WAL segments itself after each
 * checkpoint (https://www.postgresql.org/docs/current/routine-vacuuming.html,
 * https://www.postgresql.org/docs/current/wal-configuration.html); there is no WAL file of warden's
 * to truncate. Answers true, as SQLite does when nothing is left in the WAL.
 */
export async function truncateWal(_db: PgDb): Promise<boolean> {
  return true;
}

/** The retention methods of this port (pruneMessages and the outbox's are elsewhere). */
export const RETENTION_PG = {
  pruneFindings,
  pruneAccounts,
  pruneScans,
  incrementalVacuum,
  truncateWal,
} satisfies Partial<PostgresQueries["retention"]>;
