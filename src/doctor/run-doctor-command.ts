import { WebClient } from "@slack/web-api";
import { resolveServiceNow, SIMULATOR_CREDENTIALS } from "../app/resolve-servicenow.js";
import type { Config } from "../config/load-config.js";
import type { Logger } from "../logger.js";
import type { ServiceNowClient } from "../sources/servicenow/client-types.js";
import { createServiceNowClient } from "../sources/servicenow/create-servicenow-client.js";
import type { DoctorDeps } from "./doctor-types.js";
import { formatDoctorReport } from "./format-doctor-report.js";
import { doctorExitCode, runDoctor } from "./run-doctor.js";

/** The built-in simulated instance's account (as in open-warden.ts); it protects nothing real. */

export interface DoctorCommandOptions {
  print: (text: string) => void;
  logger: Logger;
  now?: (() => Date) | undefined;
  /** Print the report as JSON instead of the table. */
  json?: boolean;
}

/**
 * The doctor's collaborators from the configuration: the ServiceNow client (the simulated
 * instance when SERVICENOW_URL is unset, as openWarden does), and a Slack WebClient that does not
 * retry (a doctor should answer in seconds, not back off for minutes). No database is opened.
 */
export async function prepareDoctor(
  config: Config,
  options: { logger: Logger; now?: (() => Date) | undefined },
): Promise<{ deps: DoctorDeps; close(): Promise<void> }> {
  const now = options.now ?? (() => new Date());
  const target = await resolveServiceNow(config, now);
  const close = target.close;
  const botUserName = target.simulated ? SIMULATOR_CREDENTIALS.username : undefined;
  const client: ServiceNowClient = createServiceNowClient({
    baseUrl: target.baseUrl,
    auth: target.auth,
    timeoutMs: Math.min(config.servicenow.timeoutMs, 30_000),
    retries: 1,
    maxRetryAfterMs: config.servicenow.maxRetryAfterSeconds * 1000,
    logger: options.logger.child({ source: "servicenow" }),
  });
  const slack = config.slack.botToken
    ? new WebClient(config.slack.botToken, {
        slackApiUrl: config.slack.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: 15_000,
      })
    : undefined;
  return { deps: { config, client, slack, now, botUserName }, close };
}

/** `warden doctor [--json]`: runs every check, prints the table (or JSON), returns the exit code. */
export async function runDoctorCommand(config: Config, options: DoctorCommandOptions): Promise<number> {
  const { deps, close } = await prepareDoctor(config, options);
  try {
    const report = await runDoctor(deps);
    options.print(options.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
    return doctorExitCode(report);
  } finally {
    await close();
  }
}
