import type { Store } from "../store/store.js";

const tails = new WeakMap<Store, Promise<void>>();
const listeners = new WeakMap<Store, Set<() => void>>();

/**
 * Runs `task` after every delivery task this process started on `store` before it has settled. A run
 * marks what it finds 'sending' as interrupted, so two runs of one process must not overlap: a
 * scheduled notify, the digest, an install event's retry and the retry timer all queue here.
 */
export function inDeliveryLane<T>(store: Store, task: () => Promise<T>): Promise<T> {
  const run = (tails.get(store) ?? Promise.resolve()).then(task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(store, tail);
  void tail.then(() => {
    for (const listener of listeners.get(store) ?? []) {
      try {
        listener();
      } catch {
        // A listener (the retry timer) must not break the lane; it logs its own failures.
      }
    }
  });
  return run;
}

/** Calls `listener` after each delivery task on `store` settles; returns the unsubscribe function. */
export function afterDeliveryTasks(store: Store, listener: () => void): () => void {
  const set = listeners.get(store) ?? new Set();
  set.add(listener);
  listeners.set(store, set);
  return () => set.delete(listener);
}
