import { DEFAULT_MAPPING } from "../sources/servicenow/mapping.js";
import { checkConfig } from "./check-config.js";
import { checkPostgresDatabase } from "./check-database.js";
import { checkDelivery } from "./check-delivery.js";
import { checkServiceNow } from "./check-servicenow.js";
import { checkSlack } from "./check-slack.js";
import { checkTeams } from "./check-teams.js";
import type { DoctorBlindSpot, DoctorCheck, DoctorDeps, DoctorReport, DoctorStatus } from "./doctor-types.js";
import { checkEntra } from "./entra/check-entra.js";

export type {
  DoctorArea,
  DoctorBlindSpot,
  DoctorCheck,
  DoctorDeps,
  DoctorReport,
  DoctorStatus,
} from "./doctor-types.js";

/**
 * `warden doctor`: checks the configuration, the ServiceNow instance (reach, authentication, the
 * bot account, read access to every table warden uses, field presence, write rights judged from
 * roles), the PostgreSQL database when WARDEN_DATABASE_URL is set, Entra ID when configured (sign-in, the token's application permissions, one small read
 * of each listing a scan makes), Slack (token, scopes, channels), Teams (settings) and, when the database exists, messages
 * warden could not deliver. Read-only: it sends only GET
 * requests to ServiceNow and Graph (plus each one's token request) and only read methods to Slack.
 */
export async function runDoctor(deps: DoctorDeps): Promise<DoctorReport> {
  const { config } = deps;
  const checkedAt = deps.now();
  const mapping = deps.mapping ?? {
    ...DEFAULT_MAPPING,
    user: { ...DEFAULT_MAPPING.user, ownerField: config.servicenow.ownerField },
  };
  const checks: DoctorCheck[] = [...checkConfig(config)];
  if (config.databaseUrl) checks.push(...(await checkPostgresDatabase(config.databaseUrl)));
  const blindSpots: DoctorBlindSpot[] = [];
  if (deps.client) {
    const servicenow = await checkServiceNow({
      config,
      client: deps.client,
      mapping,
      now: checkedAt,
      botUserName: deps.botUserName,
    });
    checks.push(...servicenow.checks);
    blindSpots.push(...servicenow.blindSpots);
  }
  if (config.entra) {
    if (deps.entra) {
      const entra = await checkEntra({ config, entra: config.entra, source: deps.entra, now: checkedAt });
      checks.push(...entra.checks);
      blindSpots.push(...entra.blindSpots);
    } else
      checks.push({
        area: "entra",
        name: "sign-in",
        status: "warn",
        detail: "ENTRA_TENANT_ID is set but no Entra connector was given to the doctor: not checked.",
      });
  }
  if (config.slack.botToken) {
    if (deps.slack) checks.push(...(await checkSlack(config, deps.slack)));
    else
      checks.push({
        area: "slack",
        name: "token",
        status: "warn",
        detail: "SLACK_BOT_TOKEN is set but no Slack client was given to the doctor: not checked.",
      });
  }
  if (config.teams.enabled) checks.push(...checkTeams(config));
  if (deps.store) {
    checks.push(
      ...(await checkDelivery(deps.store.outbox, { now: checkedAt, giveUpDays: config.deliveryGiveUpDays })),
    );
  }

  const counts: Record<DoctorStatus, number> = { pass: 0, warn: 0, fail: 0 };
  for (const check of checks) counts[check.status]++;
  return { checks, blindSpots, counts, checkedAt };
}

/** The process exit code for a report: 1 when any check failed, else 0 (warnings do not fail). */
export function doctorExitCode(report: DoctorReport): 0 | 1 {
  return report.counts.fail > 0 ? 1 : 0;
}
