import type { Logger } from "../logger.js";
import { type RunScansDeps, runScans, type SourceScanResult } from "./run-scans.js";

/**
 * Runs scans of every registered source, one run at a time in this process: a second trigger (a
 * schedule, `/warden scan`) while one runs is told so instead of starting another.
 */
export function createScanRunner(
  deps: Omit<RunScansDeps, "onProgress"> & {
    logger: Logger;
    /**
     * Runs after every run, before it is reported done (the immediate alerts). A failure is logged:
     * the scans stand.
     */
    afterRun?: (results: readonly SourceScanResult[]) => Promise<void>;
  },
) {
  let current: Promise<SourceScanResult[]> | undefined;
  const run = (): Promise<SourceScanResult[]> => {
    if (current) return current;
    current = (async () => {
      try {
        const { afterRun, ...scanDeps } = deps;
        const results = await runScans(scanDeps);
        for (const failed of results.filter((r) => !r.ok)) {
          // runScan has recorded the failure; the digest and /readyz report it.
          deps.logger.error(
            { err: failed.error, source: failed.source },
            "scheduled or requested scan failed",
          );
        }
        try {
          await afterRun?.(results);
        } catch (error) {
          deps.logger.error({ err: error }, "after the scan: the alert of new findings failed");
        }
        return results;
      } catch (error) {
        deps.logger.error({ err: error }, "scheduled or requested scan failed");
        return [];
      } finally {
        current = undefined;
      }
    })();
    return current;
  };
  return {
    /** Starts a scan run in the background; false when one is already running. */
    start(): boolean {
      if (current) return false;
      void run();
      return true;
    },
    /** Runs every source's scan (or joins the running run) and resolves with each source's result. */
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
