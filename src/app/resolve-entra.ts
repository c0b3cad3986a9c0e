import type { Config, EntraConfig } from "../config/load-config.js";
import type { Logger } from "../logger.js";

/** Where and how to reach Entra ID: the configured tenant, or a simulated one started here. */
export interface EntraTarget {
  config: EntraConfig;
  /** PEM of the CA to trust for the simulated tenant's HTTPS; undefined for a real tenant. */
  ca: string | undefined;
  simulated: boolean;
  /** Stops the simulated tenant (nothing to do for a real one). */
  close(): Promise<void>;
}

/**
 * The Entra tenant to scan: the configured one when ENTRA_TENANT_ID is set; with `simulate` (the
 * no-configuration demo, nothing configured for either source) the built-in simulated tenant with
 * its demo data; otherwise none (Entra is not scanned).
 */
export async function resolveEntra(
  config: Config,
  now: () => Date,
  options: { simulate: boolean; logger: Logger },
): Promise<EntraTarget | undefined> {
  if (config.entra) return { config: config.entra, ca: undefined, simulated: false, close: async () => {} };
  if (!options.simulate) return undefined;
  // Imported only when used, as the ServiceNow simulator is.
  const { demoEntraConfig, generateTenant } = await import("../sources/entra/simulator/generate-tenant.js");
  const { startSimulatedTenant } = await import("../sources/entra/simulator/start-simulated-tenant.js");
  let tenant: Awaited<ReturnType<typeof startSimulatedTenant>>;
  try {
    tenant = await startSimulatedTenant({ data: generateTenant({ now: now() }), now });
  } catch (error) {
    // The simulated tenant serves HTTPS with a certificate made by the `openssl` command; a machine
    // without it (a slim container image) still gets the demo, of ServiceNow alone.
    options.logger.warn(
      { err: error },
      "demo: the simulated Entra tenant could not start (is the openssl command installed?); showing ServiceNow alone",
    );
    return undefined;
  }
  return {
    config: demoEntraConfig(tenant.url),
    ca: tenant.ca,
    simulated: true,
    close: () => tenant.close(),
  };
}
