import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Database } from "better-sqlite3";

/** A WAL this big takes long enough to copy (about 0.5 s for a 50,000-identity scan) to leave the thread. */
const WORKER_ABOVE_BYTES = 8 * 1024 * 1024;

// Run as a CommonJS script in the worker thread; better-sqlite3 works in worker threads
// (https://github.com/WiseLibs/better-sqlite3/blob/master/docs/threads.md).
const WORKER = `
const { workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
try {
  db.pragma("busy_timeout = 5000");
  db.pragma("wal_checkpoint(PASSIVE)");
} finally {
  db.close();
}`;

/**
 * Copies the WAL into the database file without blocking readers (after a big write). A big WAL
 * is copied by a second connection in a worker thread, so the event loop keeps serving meanwhile:
 * a PASSIVE checkpoint takes no lock that writers or readers wait for
 * (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html); this connection goes on as usual.
 */
export async function checkpointDatabase(db: Database): Promise<void> {
  if (db.memory || walBytes(db.name) < WORKER_ABOVE_BYTES) {
    db.pragma("wal_checkpoint(PASSIVE)");
    return;
  }
  const module = createRequire(import.meta.url).resolve("better-sqlite3");
  const copied = await new Promise<boolean>((resolve) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { module, path: db.name } });
    worker.once("error", () => resolve(false));
    worker.once("exit", (code) => resolve(code === 0));
  });
  // The scan is committed whatever happens here: a thread that could not copy the WAL leaves it
  // to this connection, as before.
  if (!copied) db.pragma("wal_checkpoint(PASSIVE)");
}

function walBytes(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}
