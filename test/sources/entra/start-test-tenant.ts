import { onTestFinished } from "vitest";
import type { EntraConfig } from "../../../src/config/load-config.js";
import {
  createEntraConnector,
  type EntraConnectorOptions,
} from "../../../src/sources/entra/create-entra-connector.js";
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  generateTenant,
} from "../../../src/sources/entra/simulator/generate-tenant.js";
import {
  type SimulatedTenant,
  type SimulatedTenantOptions,
  startSimulatedTenant,
} from "../../../src/sources/entra/simulator/start-simulated-tenant.js";
import type { TenantData } from "../../../src/sources/entra/simulator/tenant-data.js";

/** The fixed "today" of the Entra tests. */
export const NOW = new Date("2026-11-23T02:00:00Z");
export const DAY = 86_400_000;

export interface TestTenant {
  sim: SimulatedTenant;
  config: EntraConfig;
  /** Waits asked for by the client (Retry-After / backoff), in ms; nothing really sleeps. */
  waits: number[];
  connector(
    overrides?: Partial<Omit<EntraConnectorOptions, "config">> & { config?: Partial<EntraConfig> },
  ): ReturnType<typeof createEntraConnector>;
}

/** Starts the simulated tenant over HTTPS and builds connectors that trust its CA (and only that). */
export async function startTestTenant(
  options: { data?: TenantData } & Partial<Omit<SimulatedTenantOptions, "data">> = {},
): Promise<TestTenant> {
  const data = options.data ?? generateTenant({ now: NOW });
  const sim = await startSimulatedTenant({ now: () => NOW, ...options, data });
  onTestFinished(() => sim.close());
  const config: EntraConfig = {
    tenantId: DEMO_TENANT_ID,
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    authorityHost: sim.url,
    graphUrl: sim.url,
  };
  const waits: number[] = [];
  return {
    sim,
    config,
    waits,
    connector(overrides = {}) {
      const { config: configOverrides, ...rest } = overrides;
      return createEntraConnector({
        config: { ...config, ...configOverrides },
        ca: sim.ca,
        sleep: async (ms) => {
          waits.push(ms);
        },
        now: () => NOW.getTime(),
        ...rest,
      });
    },
  };
}
