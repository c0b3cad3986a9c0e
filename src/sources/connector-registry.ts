import { WardenError } from "../errors.js";
import type { SourceConnector } from "./source-connector.js";

/** The configured sources' connectors, looked up by the source name accounts are stored under. */
export interface ConnectorRegistry {
  /** The connector of `source`; throws E_SOURCE_UNKNOWN for a source that is not configured. */
  get(source: string): SourceConnector;
  /** The connector of `source`, or undefined when it is not configured. */
  find(source: string): SourceConnector | undefined;
  /** Every connector, in the order they were configured (scans run in this order). */
  list(): readonly SourceConnector[];
}

/** One registry over the given connectors; two connectors under the same source name are refused. */
export function createConnectorRegistry(connectors: readonly SourceConnector[]): ConnectorRegistry {
  const byName = new Map<string, SourceConnector>();
  for (const connector of connectors) {
    if (byName.has(connector.name)) {
      throw new WardenError(
        "E_SOURCE_DUPLICATE",
        `Two sources are configured under the name "${connector.name}".`,
      );
    }
    byName.set(connector.name, connector);
  }
  const list = [...connectors];
  return {
    get(source) {
      const connector = byName.get(source);
      if (!connector) {
        throw new WardenError(
          "E_SOURCE_UNKNOWN",
          `warden has no connector for the source "${source}" (configured: ${[...byName.keys()].join(", ") || "none"}).`,
        );
      }
      return connector;
    },
    find: (source) => byName.get(source),
    list: () => list,
  };
}
