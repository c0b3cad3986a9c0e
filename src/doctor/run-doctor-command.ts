import { existsSync } from "node:fs";
import type { WebClient } from "@slack/web-api";
import { createEntraSource } from "../app/create-entra-source.js";
import { createServiceNowSource } from "../app/create-servicenow-source.js";
import { resolveServiceNow, SIMULATOR_CREDENTIALS, scansServiceNow } from "../app/resolve-servicenow.js";
import type { Config } from "../config/load-config.js";
import type { Logger } from "../logger.js";
import { openReadOnlyStore } from "../store/open-read-only-store.js";
import type { Store } from "../store/store.js";
import type { DoctorDeps } from "./doctor-types.js";
import { formatDoctorReport } from "./format-doctor-report.js";
import { doctorExitCode, runDoctor } from "./run-doctor.js";

export interface DoctorCommandOptions {
  print: (text: string) => void;
  logger: Logger;
  now?: (() => Date) | undefined;
  /** Print the report as JSON instead of the table. */
  json?: boolean;
  /** The process's Slack Web API client (createChatPlatforms); undefined when Slack is not set up. */
  slack?: WebClient | undefined;
  /**
   * PEM of extra CAs the Entra connector trusts (the simulated tenant's, in tests), as
   * createEntraSource takes it; a real tenant needs none.
   */
  entraCa?: string | undefined;
}

/**
 * The doctor's collaborators from the configuration: the ServiceNow client (the simulated
 * instance when SERVICENOW_URL is unset, as openWarden does; built for the doctor by
 * createServiceNowSource), the Entra ID connector when ENTRA_TENANT_ID is set (createEntraSource
 * with purpose "doctor": it answers within seconds), and the process's Slack client, which does not
 * retry either. The database is opened read-only when it exists (nothing is created or
 * migrated), for the undelivered messages.
 */
export async function prepareDoctor(
  config: Config,
  options: {
    logger: Logger;
    now?: (() => Date) | undefined;
    slack?: WebClient | undefined;
    entraCa?: string | undefined;
  },
): Promise<{ deps: DoctorDeps; close(): Promise<void> }> {
  const now = options.now ?? (() => new Date());
  // As openWarden: ServiceNow is checked unless Entra ID alone is configured.
  const target = scansServiceNow(config) ? await resolveServiceNow(config, now) : undefined;
  const close = target?.close ?? (async () => {});
  const botUserName = target?.simulated ? SIMULATOR_CREDENTIALS.username : undefined;
  const client = target
    ? createServiceNowSource(config, target, options.logger, { purpose: "doctor" }).client
    : undefined;
  const entra = config.entra
    ? createEntraSource(config.entra, options.logger, { purpose: "doctor", ca: options.entraCa })
    : undefined;
  // On PostgreSQL the delivery check waits for that store's outbox queries (checkPostgresDatabase says so).
  const store = config.databaseUrl ? undefined : openReadOnly(config.dbPath, options.logger);
  return {
    deps: { config, client, slack: options.slack, now, botUserName, store, entra },
    async close() {
      await store?.close();
      await close();
    },
  };
}

/** The store over the database read-only, or undefined when there is none (or it cannot be opened: logged). */
function openReadOnly(path: string, logger: Logger): Store | undefined {
  if (path === ":memory:" || !existsSync(path)) return undefined;
  try {
    return openReadOnlyStore(path);
  } catch (error) {
    logger.warn({ err: error }, "could not open the database read-only: undelivered messages not checked");
    return undefined;
  }
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
