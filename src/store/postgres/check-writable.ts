import type { DatabaseProblem, DatabaseWritable } from "../check-writable.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

const fail = (problem: DatabaseProblem, reason: string): DatabaseWritable => ({ ok: false, problem, reason });

const codeOf = (error: unknown): string =>
  typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : "";

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * src/store/check-writable.ts checkDatabaseWritable on PostgreSQL: can warden record something
 * right now? A standby (pg_is_in_recovery(): a replica, or a primary being restored) and a
 * read-only session (default_transaction_read_only, which transaction_read_only reflects) refuse
 * every write (https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-RECOVERY-INFO-TABLE,
 * https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-DEFAULT-TRANSACTION-READ-ONLY);
 * then an UPDATE that matches no row makes the server check that warden's role may write
 * (privileges are checked whatever the rows). All of it inside a savepoint rolled back, so nothing
 * changes and a caller's transaction goes on. `path` names the database in the reasons (no secret:
 * the store's location has its password redacted).
 */
export async function checkDatabaseWritable(
  db: PgDb,
  path = "the PostgreSQL database",
): Promise<DatabaseWritable> {
  try {
    return await db.transaction(async (tx) => {
      await tx.query("SAVEPOINT warden_writable");
      try {
        // A table lock held by a migration must not hold /readyz for long.
        await tx.query("SET LOCAL lock_timeout = '2s'");
        const [state] = await tx.query<{ recovery: boolean; read_only: string }>(
          "SELECT pg_is_in_recovery() AS recovery, current_setting('transaction_read_only') AS read_only",
        );
        if (state?.recovery)
          return fail(
            "read-only",
            `the database ${path} is a standby (read-only while it is in recovery): point WARDEN_DATABASE_URL at the primary`,
          );
        if (state?.read_only === "on")
          return fail(
            "read-only",
            `the database ${path} takes no writes from warden (default_transaction_read_only is on for its role or database)`,
          );
        await tx.query("UPDATE settings SET value = value WHERE false");
        return { ok: true } as const;
      } finally {
        await tx.query("ROLLBACK TO SAVEPOINT warden_writable");
        await tx.query("RELEASE SAVEPOINT warden_writable");
      }
    });
  } catch (error) {
    const code = codeOf(error);
    const message = messageOf(error);
    // https://www.postgresql.org/docs/current/errcodes-appendix.html
    if (code === "25006") return fail("read-only", `the database ${path} is read-only (${message})`);
    if (code === "42501")
      return fail(
        "read-only",
        `the database ${path} is read-only for warden's role (permissions: ${message})`,
      );
    if (code === "55P03" || code === "40P01")
      return fail("locked", `the database ${path} stayed locked by another writer (${message})`);
    if (/after calling end on the pool|Connection terminated|not queryable/i.test(message))
      return fail("closed", "the database connection is closed");
    return fail("not-writable", `the database ${path} cannot be written (${message})`);
  }
}

/** The health repository of the PostgreSQL store. */
export const HEALTH_PG = { checkDatabaseWritable } satisfies Partial<PostgresQueries["health"]>;
