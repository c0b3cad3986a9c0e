import type { Config } from "../config/load-config.js";
import type { Logger } from "../logger.js";
import type { ServiceNowClient } from "../sources/servicenow/client-types.js";
import { createServiceNowClient } from "../sources/servicenow/create-servicenow-client.js";
import { createServiceNowConnector } from "../sources/servicenow/create-servicenow-connector.js";
import { DEFAULT_MAPPING } from "../sources/servicenow/mapping.js";
import type { SourceConnector } from "../sources/source-connector.js";
import type { ServiceNowTarget } from "./resolve-servicenow.js";

/**
 * The ServiceNow client and connector from the configuration: the one place either is built
 * (openWarden for every command, prepareDoctor for `warden doctor`). The doctor's client retries
 * once and gives up within 30 s: a doctor should answer in seconds, not back off for minutes.
 */
export function createServiceNowSource(
  config: Config,
  target: ServiceNowTarget,
  logger: Logger,
  options: { purpose: "work" | "doctor" } = { purpose: "work" },
): { client: ServiceNowClient; connector: SourceConnector } {
  const doctor = options.purpose === "doctor";
  const client = createServiceNowClient({
    baseUrl: target.baseUrl,
    auth: target.auth,
    timeoutMs: doctor ? Math.min(config.servicenow.timeoutMs, 30_000) : config.servicenow.timeoutMs,
    ...(doctor ? { retries: 1 } : { pageSize: config.servicenow.pageSize }),
    maxRetryAfterMs: config.servicenow.maxRetryAfterSeconds * 1000,
    logger: logger.child({ source: "servicenow" }),
  });
  const connector = createServiceNowConnector({
    client,
    mapping: {
      ...DEFAULT_MAPPING,
      user: { ...DEFAULT_MAPPING.user, ownerField: config.servicenow.ownerField },
    },
    privilegedRoles: config.privilegedRoles,
  });
  return { client, connector };
}
