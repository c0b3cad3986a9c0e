import type { Logger } from "../logger.js";
import { type RunScanDeps, runScan, type ScanOutcome } from "./run-scan.js";

/**
 * Runs scans one at a time in this process: a second trigger (a schedule, `/warden scan`) while
 * one runs is told so instead of starting another. `afterScan` runs after a successful scan
 * (sending owners their messages, normally).
 */
export function createScanRunner(
  deps: Omit<RunScanDeps, "onProgress"> & {
    logger: Logger;
    afterScan?: (outcome: ScanOutcome) => Promise<void>;
  },
) {
  let current: Promise<ScanOutcome | undefined> | undefined;
  const run = (): Promise<ScanOutcome | undefined> => {
    if (current) return current;
    current = (async () => {
      try {
        const outcome = await runScan(deps);
        await deps.afterScan?.(outcome);
        return outcome;
      } catch (error) {
        // runScan has recorded the failure; the digest and /readyz report it.
        deps.logger.error({ err: error }, "scheduled or requested scan failed");
        return undefined;
      } finally {
        current = undefined;
      }
    })();
    return current;
  };
  return {
    /** Starts a scan in the background; false when one is already running. */
    start(): boolean {
      if (current) return false;
      void run();
      return true;
    },
    /** Runs a scan (or joins the running one) and resolves when it ends. */
    run,
    /** Resolves when no scan is running (at once when none is); never rejects. */
    async idle(): Promise<void> {
      await current;
    },
    get running(): boolean {
      return current !== undefined;
    },
  };
}
