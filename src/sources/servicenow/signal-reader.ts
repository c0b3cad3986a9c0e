import type { ServiceNowClient } from "./client-types.js";
import type { ServiceNowMapping } from "./mapping.js";
import { formatDateTime } from "./parse-values.js";

/** What every per-signal reader needs: the client, the mapping, and the scan's clock. */
export interface SignalReader {
  client: ServiceNowClient;
  mapping: ServiceNowMapping;
  /** Splits values into IN lists that fit a URL. */
  batches: (values: readonly string[]) => string[][];
  /** A literal UTC date `days` before the scan, for sysparm_query (never gs.daysAgo: that uses the bot's time zone). */
  ago: (days: number) => string;
}

const DAY = 86_400_000;

export function createSignalReader(
  client: ServiceNowClient,
  mapping: ServiceNowMapping,
  now: Date,
  batches: (values: readonly string[]) => string[][],
): SignalReader {
  return { client, mapping, batches, ago: (days) => formatDateTime(new Date(now.getTime() - days * DAY)) };
}
