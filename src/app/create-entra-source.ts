import type { EntraConfig } from "../config/load-config.js";
import type { Logger } from "../logger.js";
import { createEntraConnector, type EntraConnector } from "../sources/entra/create-entra-connector.js";

/**
 * The Entra ID connector from the configuration: the one place it is built (openWarden for every
 * command, the doctor with `purpose: "doctor"`). The doctor's transport retries once and gives up
 * within 30 s: a doctor should answer in seconds, not back off for minutes.
 */
export function createEntraSource(
  entra: EntraConfig,
  logger: Logger,
  options: {
    purpose?: "work" | "doctor";
    /** PEM of extra CAs to trust (the simulated tenant's); a real tenant needs none. */
    ca?: string | undefined;
  } = {},
): EntraConnector {
  const doctor = options.purpose === "doctor";
  return createEntraConnector({
    config: entra,
    ca: options.ca,
    // The Graph transport's own timeout and retry policy, except for the doctor.
    // A Retry-After longer than 30 s fails at once rather than holding the doctor for minutes.
    ...(doctor ? { timeoutMs: 30_000, retries: 1, maxRetryAfterMs: 30_000 } : {}),
    log: logger.child({ source: "entra" }),
  });
}
