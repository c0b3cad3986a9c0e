import type { Logger } from "../logger.js";
import type { ConnectorRegistry } from "../sources/connector-registry.js";
import type { SourceConnector } from "../sources/source-connector.js";
import { type RunScanDeps, runScan, type ScanOutcome } from "./run-scan.js";
import type { ScanSettings } from "./scan-settings.js";

/** One source's part of a scan run: its outcome, or why it failed (recorded on its scan row). */
export type SourceScanResult =
  | { source: string; ok: true; outcome: ScanOutcome }
  | { source: string; ok: false; error: unknown };

export interface RunScansDeps
  extends Omit<RunScanDeps, "connector" | "dormantDays" | "credentialWarnDays" | "logger"> {
  connectors: ConnectorRegistry;
  /** Each source's thresholds (scanSettingsFromConfig). */
  settingsFor: (connector: SourceConnector) => ScanSettings;
  logger: Logger;
}

/**
 * Scans every registered source, one after the other in registry order: each has its own scan row,
 * claim and transaction, so one source's failure (a wrong secret, an outage) is recorded for that
 * source and leaves the others' results to be scanned and stored. Never rejects for a source's
 * failure; the caller reads `ok` per source.
 */
export async function runScans(deps: RunScansDeps): Promise<SourceScanResult[]> {
  const { connectors, settingsFor, ...common } = deps;
  const results: SourceScanResult[] = [];
  for (const connector of connectors.list()) {
    try {
      const outcome = await runScan({ ...common, ...settingsFor(connector), connector });
      results.push({ source: connector.name, ok: true, outcome });
    } catch (error) {
      // runScan recorded the failure on the source's scan row and logged it.
      results.push({ source: connector.name, ok: false, error });
    }
  }
  return results;
}

/** The successful outcomes of a run. */
export function succeeded(results: readonly SourceScanResult[]): ScanOutcome[] {
  return results.flatMap((r) => (r.ok ? [r.outcome] : []));
}
