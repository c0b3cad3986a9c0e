import { setImmediate } from "node:timers/promises";

/**
 * Lets the event loop serve I/O (a /healthz request, Slack's acks) before going on. Awaiting a
 * resolved Promise does not: microtasks run before the loop polls for I/O; a setImmediate callback
 * runs after it (https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick).
 */
export function yieldToLoop(): Promise<void> {
  return setImmediate();
}

/**
 * For a long synchronous loop: `await pace()` once per item yields to the event loop whenever
 * `budgetMs` of work has run since the last yield, so no stretch blocks it for much longer.
 */
export function createPacer(budgetMs = 10): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    await yieldToLoop();
    since = performance.now();
  };
}
