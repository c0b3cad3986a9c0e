import type { Config } from "../config/load-config.js";
import { ConfigError } from "../errors.js";
import type { ServiceNowAuth } from "../sources/servicenow/client-types.js";

/** Credentials the built-in simulated instance accepts; they protect nothing real. */
export const SIMULATOR_CREDENTIALS = { username: "warden", password: "warden-demo" };

/** Where and how to reach ServiceNow: the configured instance, or a simulated one started here. */
export interface ServiceNowTarget {
  baseUrl: string;
  auth: ServiceNowAuth;
  simulated: boolean;
  /** Stops the simulated instance (nothing to do for a real one). */
  close(): Promise<void>;
}

/**
 * Whether ServiceNow is scanned: when SERVICENOW_URL is set, or (the simulated instance) unless
 * Entra ID alone is configured: ENTRA_TENANT_ID without SERVICENOW_URL scans Entra ID instead.
 * openWarden and the doctor both follow it.
 */
export function scansServiceNow(config: Config): boolean {
  return config.servicenow.url !== undefined || config.entra === undefined;
}

/** With no SERVICENOW_URL, starts the built-in simulated instance with its demo data. */
export async function resolveServiceNow(config: Config, now: () => Date): Promise<ServiceNowTarget> {
  const { url, auth } = config.servicenow;
  if (url !== undefined) {
    // loadConfig refuses a URL without credentials.
    if (!auth) throw new ConfigError(["SERVICENOW_URL is set without credentials"]);
    return { baseUrl: url, auth, simulated: false, close: async () => {} };
  }
  // Imported only when used: a configured instance's commands (`warden lookup`, `digest --print`)
  // do not pay for loading the simulator (about 0.1 s).
  const { generateInstance } = await import("../sources/servicenow/simulator/generate-instance.js");
  const { startSimulatedInstance } = await import(
    "../sources/servicenow/simulator/start-simulated-instance.js"
  );
  const instance = await startSimulatedInstance({
    data: generateInstance({ now: now() }),
    now,
    credentials: SIMULATOR_CREDENTIALS,
  });
  return {
    baseUrl: instance.url,
    auth: { kind: "basic", ...SIMULATOR_CREDENTIALS },
    simulated: true,
    close: () => instance.close(),
  };
}
