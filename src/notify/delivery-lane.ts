import type { Database } from "better-sqlite3";

const tails = new WeakMap<Database, Promise<void>>();
const listeners = new WeakMap<Database, Set<() => void>>();

/**
 * Runs `task` after every delivery task this process started on `db` before it has settled. A run
 * marks what it finds 'sending' as interrupted, so two runs of one process must not overlap: a
 * scheduled notify, the digest, an install event's retry and the retry timer all queue here.
 */
export function inDeliveryLane<T>(db: Database, task: () => Promise<T>): Promise<T> {
  const run = (tails.get(db) ?? Promise.resolve()).then(task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(db, tail);
  void tail.then(() => {
    for (const listener of listeners.get(db) ?? []) {
      try {
        listener();
      } catch {
        // A listener (the retry timer) must not break the lane; it logs its own failures.
      }
    }
  });
  return run;
}

/** Calls `listener` after each delivery task on `db` settles; returns the unsubscribe function. */
export function afterDeliveryTasks(db: Database, listener: () => void): () => void {
  const set = listeners.get(db) ?? new Set();
  set.add(listener);
  listeners.set(db, set);
  return () => set.delete(listener);
}
