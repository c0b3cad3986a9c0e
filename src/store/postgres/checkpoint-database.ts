import type { PgDb } from "./pg-db.js";

/**
 * src/store/checkpoint-database.ts checkpointDatabase: on SQLite, copies the WAL into the database
 * file after a big write. PostgreSQL's checkpointer does that on its own, spread over
 * checkpoint_completion_target, and a session has nothing to copy
 * (https://www.postgresql.org/docs/current/wal-configuration.html): nothing to do.
 */
export async function checkpointDatabase(_db: PgDb): Promise<void> {}
