import { yieldToLoop } from "../yield-to-loop.js";

/**
 * For work that runs in several concurrent chains (the delivery lanes): `await slice()` before
 * each piece of synchronous work returns at once while less than `budgetMs` has run in this turn
 * of the event loop, else waits for a later turn. createPacer (src/yield-to-loop.ts) is not enough
 * here: every lane that yields in one turn resumes in the same check phase of the next, and would
 * run its work there back to back (16 lanes' store transactions in one block). Here a lane that
 * resumes after the budget was spent again waits for the turn after, so each turn runs at most
 * about `budgetMs` of this work plus one piece.
 */
export function createLoopSlicer(budgetMs = 10): () => Promise<void> {
  let turnStarted = performance.now();
  // One setImmediate per turn, shared by every waiting lane.
  let nextTurn: Promise<void> | undefined;
  const waitForTurn = (): Promise<void> => {
    nextTurn ??= yieldToLoop().then(() => {
      nextTurn = undefined;
      turnStarted = performance.now();
    });
    return nextTurn;
  };
  return async () => {
    while (performance.now() - turnStarted >= budgetMs) await waitForTurn();
  };
}
