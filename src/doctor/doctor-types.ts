import type { WebClient } from "@slack/web-api";
import type { Config } from "../config/load-config.js";
import type { Signal } from "../core/model.js";
import type { ServiceNowClient } from "../sources/servicenow/client-types.js";
import type { ServiceNowMapping } from "../sources/servicenow/mapping.js";
import type { Store } from "../store/store.js";
import type { EntraDoctorSource } from "./entra/entra-check-types.js";

export type DoctorArea = "config" | "database" | "servicenow" | "entra" | "slack" | "teams" | "delivery";
export type DoctorStatus = "pass" | "warn" | "fail";

/** One line of the doctor's table. */
export interface DoctorCheck {
  area: DoctorArea;
  /** Short, stable name, e.g. "read syslog_transaction". */
  name: string;
  status: DoctorStatus;
  /** What was found and, for warn/fail, what to do. Never contains a secret. */
  detail: string;
}

/**
 * A signal a source does not expose to warden's account: a scan reports it as a blind spot. `table`
 * is the ServiceNow table or the Graph path that refused it.
 */
export interface DoctorBlindSpot {
  signal: Signal;
  table: string;
  reason: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  blindSpots: DoctorBlindSpot[];
  counts: Record<DoctorStatus, number>;
  /** When the doctor ran (the injected clock). */
  checkedAt: Date;
}

export interface DoctorDeps {
  config: Config;
  /**
   * The ServiceNow client the scans use (pointing at the simulated instance when no URL is set);
   * undefined when ServiceNow is not scanned (ENTRA_TENANT_ID without SERVICENOW_URL).
   */
  client: ServiceNowClient | undefined;
  /** Slack Web API client; Slack checks run when it is given and a bot token is configured. */
  slack?: WebClient | undefined;
  now: () => Date;
  /** Table and field names; default DEFAULT_MAPPING with the configured owner field. */
  mapping?: ServiceNowMapping;
  /**
   * The bot account's user_name when the configuration does not say it (OAuth, simulated
   * instance). With Basic auth it is SERVICENOW_USERNAME.
   */
  botUserName?: string | undefined;
  /** warden's store, opened read-only, when its database exists: undelivered messages are checked. */
  store?: Store | undefined;
  /**
   * The Entra ID connector (createEntraSource with purpose "doctor"), when ENTRA_TENANT_ID is set:
   * its Graph client and token cache.
   */
  entra?: EntraDoctorSource | undefined;
}
