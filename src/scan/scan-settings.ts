import type { Config } from "../config/load-config.js";
import type { SourceConnector } from "../sources/source-connector.js";

/** The thresholds one source's scan is judged by. */
export interface ScanSettings {
  /** No activity for this many days makes an account dormant. */
  dormantDays: number;
  /** A credential expiring within this many days is reported (sources that list credentials). */
  credentialWarnDays: number;
}

/**
 * Each source's thresholds from the configuration: DORMANT_DAYS for ServiceNow,
 * ENTRA_DORMANT_DAYS for Entra ID (90 by default, as Entra's own "remove unused applications"
 * recommendation), CREDENTIAL_WARN_DAYS for both.
 */
export function scanSettingsFromConfig(config: Config): (connector: SourceConnector) => ScanSettings {
  return (connector) => ({
    dormantDays: connector.kind === "entra" ? config.entraDormantDays : config.dormantDays,
    credentialWarnDays: config.credentialWarnDays,
  });
}
