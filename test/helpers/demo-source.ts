import { onTestFinished } from "vitest";
import type { Logger } from "../../src/logger.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { type ConnectorRegistry, createConnectorRegistry } from "../../src/sources/connector-registry.js";
import type { ServiceNowAuth } from "../../src/sources/servicenow/client-types.js";
import { createServiceNowClient } from "../../src/sources/servicenow/create-servicenow-client.js";
import { createServiceNowConnector } from "../../src/sources/servicenow/create-servicenow-connector.js";
import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import type { InstanceData } from "../../src/sources/servicenow/simulator/instance-data.js";
import {
  type SimulatedInstance,
  startSimulatedInstance,
} from "../../src/sources/servicenow/simulator/start-simulated-instance.js";
import type { SourceConnector } from "../../src/sources/source-connector.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { tempDbPath } from "./temp-db.js";

/** The fixed "today" of integration tests. */
export const NOW = new Date("2026-11-23T02:00:00Z");

export interface DemoSource {
  sim: SimulatedInstance;
  connector: SourceConnector;
  /** A registry holding just `connector`, for what looks connectors up by source. */
  connectors: ConnectorRegistry;
  /** user_name → sys_id in the simulated instance. */
  idOf(userName: string): string;
}

/** Starts the simulated instance with the demo data on 127.0.0.1 and a real client pointing at it. */
export async function startDemoSource(
  options: {
    auth?: ServiceNowAuth;
    data?: InstanceData;
    pageSize?: number;
    retries?: number;
    timeoutMs?: number;
    /** The source name its accounts are stored under (default "servicenow"). */
    name?: string;
  } = {},
): Promise<DemoSource> {
  const data = options.data ?? generateInstance({ now: NOW, seed: 1 });
  const sim = await startSimulatedInstance({ data, now: () => NOW });
  onTestFinished(() => sim.close());
  const client = createServiceNowClient({
    baseUrl: sim.url,
    auth: options.auth ?? { kind: "basic", username: "warden", password: "warden-demo" },
    sleep: async () => {},
    now: () => NOW.getTime(),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const connector = createServiceNowConnector({ client, ...(options.name ? { name: options.name } : {}) });
  const users = sim.data.tables.get("sys_user");
  return {
    sim,
    connector,
    connectors: createConnectorRegistry([connector]),
    idOf(userName) {
      const row = users?.rows.find((r) => r.user_name === userName);
      if (!row?.sys_id) throw new Error(`no user ${userName} in the simulated instance`);
      return row.sys_id;
    },
  };
}

/** A real SQLite file in a temp directory, closed after the test. */
export function openTempDb() {
  const db = openDatabase(tempDbPath());
  onTestFinished(() => {
    db.close();
  });
  return db;
}

/**
 * Runs one scan with the test clock, through the store port over `db` (tests still read and seed
 * the database directly; the port's calls run on the same connection).
 */
export function scan(
  db: ReturnType<typeof openTempDb>,
  connector: SourceConnector,
  now: Date = NOW,
  logger: Logger = silentLogger,
) {
  return runScan({ store: createSqliteStore(db), connector, now: () => now, logger, dormantDays: 100 });
}
