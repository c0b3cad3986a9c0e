import pg from "pg";
import { StoreError } from "../../errors.js";
import { redactUrl } from "../../redact-url.js";
import type { Store } from "../store.js";
import { createPostgresStore } from "./create-postgres-store.js";
import { migratePostgres } from "./migrate-postgres.js";

/** int8 (OID 20) as a JavaScript number: warden's ids and counts stay far below 2^53. */
const INT8 = 20;
export const PG_TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

export interface PostgresStoreOptions {
  /** Connections per process (pg's default is 10). */
  maxConnections?: number;
}

/**
 * The store over the PostgreSQL database at `url` (WARDEN_DATABASE_URL), migrated if needed. Every
 * failure is a StoreError naming the database without its password.
 */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<{ store: Store; migrated: { from: number; to: number } }> {
  const shown = redactUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types: PG_TYPES });
  // An idle connection that breaks (the server restarted) is reported here instead of crashing the process.
  pool.on("error", () => {});
  try {
    const migrated = await migratePostgres(pool);
    return { store: createPostgresStore(pool, { location: shown }), migrated };
  } catch (error) {
    await pool.end().catch(() => {});
    if (error instanceof StoreError) throw error;
    throw new StoreError(
      "E_STORE_OPEN",
      `cannot use the database ${shown} (WARDEN_DATABASE_URL): ${(error as Error).message}`,
      { cause: error },
    );
  }
}
