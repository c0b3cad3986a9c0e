import type pg from "pg";
import { StoreError } from "../../errors.js";
import type { Migration } from "../migrations.js";
import { POSTGRES_MIGRATIONS } from "./postgres-migrations.js";

/**
 * The advisory lock every migrating replica takes (any fixed 64-bit key; "warden" in ASCII), so
 * replicas started together, or a `warden migrate` job racing a rollout, migrate one at a time:
 * https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
 */
const MIGRATE_LOCK = 0x77617264656e;

/**
 * Brings a PostgreSQL database up to the latest schema. Each migration runs in its own transaction
 * with its row in `warden_schema`, so a crash leaves the database at a whole version; the session
 * advisory lock makes a second process wait, then find nothing left to do.
 */
export async function migratePostgres(
  pool: pg.Pool,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK]);
    try {
      // Read before any DDL: a database already at the latest version is opened without a write,
      // so a read-only standby (or role) gets to the health check's clear answer.
      const { rows: exists } = await client.query<{ t: string | null }>(
        "SELECT to_regclass('warden_schema') AS t",
      );
      if (exists[0]?.t === null || exists[0]?.t === undefined) {
        await client.query(
          "CREATE TABLE IF NOT EXISTS warden_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)",
        );
      }
      const { rows } = await client.query<{ version: number | null }>(
        "SELECT max(version) AS version FROM warden_schema",
      );
      const from = rows[0]?.version ?? 0;
      const latest = migrations.at(-1)?.version ?? 0;
      if (from > latest) {
        throw new StoreError(
          "E_STORE_TOO_NEW",
          `The database is at schema version ${from}, newer than this warden knows (${latest}). Upgrade warden or point WARDEN_DATABASE_URL elsewhere.`,
        );
      }
      for (const migration of migrations) {
        if (migration.version <= from) continue;
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query("INSERT INTO warden_schema (version, name, applied_at) VALUES ($1, $2, $3)", [
            migration.version,
            migration.name,
            new Date().toISOString(),
          ]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
      }
      return { from, to: Math.max(from, latest) };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK]);
    }
  } finally {
    client.release();
  }
}
