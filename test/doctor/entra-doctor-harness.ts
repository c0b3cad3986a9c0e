import { onTestFinished } from "vitest";
import { type Config, loadConfig } from "../../src/config/load-config.js";
import { formatDoctorReport } from "../../src/doctor/format-doctor-report.js";
import { type DoctorReport, runDoctor } from "../../src/doctor/run-doctor.js";
import { prepareDoctor } from "../../src/doctor/run-doctor-command.js";
import { silentLogger } from "../../src/logger.js";
import { NOW, startTestTenant, type TestTenant } from "../sources/entra/start-test-tenant.js";
import { OAUTH, startSim } from "./doctor-harness.js";

export { NOW };

/** The ServiceNow demo instance and the simulated Entra tenant (HTTPS), both closed after the test. */
export async function startSources(): Promise<{ tenant: TestTenant; servicenowUrl: string }> {
  const sim = await startSim();
  const tenant = await startTestTenant();
  return { tenant, servicenowUrl: sim.url };
}

/** The environment an operator would write for these sources (ENTRA_* pointing at the tenant). */
export function entraConfig(
  sources: { tenant: TestTenant; servicenowUrl: string },
  extra: Record<string, string> = {},
): Config {
  const { config } = sources.tenant;
  return loadConfig({
    SERVICENOW_URL: sources.servicenowUrl,
    SERVICENOW_CLIENT_ID: OAUTH.clientId,
    SERVICENOW_CLIENT_SECRET: OAUTH.clientSecret,
    WARDEN_ADMINS: "helen.carter@acme.example",
    WARDEN_DB: ":memory:",
    ENTRA_TENANT_ID: config.tenantId,
    ENTRA_CLIENT_ID: config.clientId,
    ENTRA_CLIENT_SECRET: config.clientSecret,
    ENTRA_AUTHORITY_HOST: config.authorityHost,
    ENTRA_GRAPH_URL: config.graphUrl,
    ...extra,
  });
}

/**
 * Runs the doctor as `warden doctor` builds it (prepareDoctor: createEntraSource with purpose
 * "doctor"), trusting the simulated tenant's CA through the dependency, not the environment.
 */
export async function entraDoctor(
  config: Config,
  tenant: TestTenant,
): Promise<{ report: DoctorReport; text: string }> {
  const { deps, close } = await prepareDoctor(config, {
    logger: silentLogger,
    now: () => NOW,
    entraCa: tenant.sim.ca,
  });
  onTestFinished(close);
  const report = await runDoctor(deps);
  return { report, text: `${formatDoctorReport(report)}\n${JSON.stringify(report)}` };
}

/** The Entra rows of a report by name → status. */
export const entraStatuses = (report: DoctorReport) =>
  Object.fromEntries(report.checks.filter((c) => c.area === "entra").map((c) => [c.name, c.status]));

export function entraRow(report: DoctorReport, name: string) {
  const found = report.checks.find((c) => c.area === "entra" && c.name === name);
  if (!found) {
    throw new Error(
      `no Entra check "${name}" in ${report.checks
        .filter((c) => c.area === "entra")
        .map((c) => c.name)
        .join(", ")}`,
    );
  }
  return found;
}
