import { redactUrl } from "../redact-url.js";
import { formatDateTime } from "../sources/servicenow/parse-values.js";
import type { DoctorBlindSpot, DoctorCheck } from "./doctor-types.js";
import { probeAuthentication } from "./servicenow/probe-authentication.js";
import { probeBotAccount } from "./servicenow/probe-bot-account.js";
import { probeReach } from "./servicenow/probe-reach.js";
import { probeTable } from "./servicenow/probe-table.js";
import { probeTicketTable } from "./servicenow/probe-ticket-table.js";
import { probeWriteAccess } from "./servicenow/probe-write-access.js";
import type { ServiceNowCheckInput, ServiceNowCheckResult } from "./servicenow/servicenow-check-types.js";
import { summariseBlindSpots } from "./servicenow/summarise-blind-spots.js";
import { tableProbes } from "./servicenow/table-probes.js";

export type { ServiceNowCheckInput, ServiceNowCheckResult } from "./servicenow/servicenow-check-types.js";

const DAY = 86_400_000;

/**
 * The ServiceNow half of `warden doctor`. Only GET requests: every check reads (Table API with a
 * small limit, Aggregate API counts), nothing is ever written (see probeWriteAccess).
 */
export async function checkServiceNow(input: ServiceNowCheckInput): Promise<ServiceNowCheckResult> {
  const { config, client, mapping } = input;
  const checks: DoctorCheck[] = [];
  const blindSpots: DoctorBlindSpot[] = [];
  const where =
    config.servicenow.url === undefined ? "the simulated instance" : redactUrl(config.servicenow.url);
  const auth = config.servicenow.auth;
  const botName = auth?.kind === "basic" ? auth.username : input.botUserName;
  const userFields = ["sys_id", "user_name", "active", "locked_out", "web_service_access_only"];

  // 1. Reach: one small GET that also finds the bot's own sys_user record.
  const reach = await probeReach(client, mapping, botName, userFields, where);
  if (!reach.reached) return { checks: reach.checks, blindSpots };
  checks.push(reach.check);
  const { bot, botVisible } = reach;

  // 2. Authentication the bot itself uses.
  const authentication = probeAuthentication(config);
  if (authentication) checks.push(authentication);

  // 3. The bot account itself.
  const who = botName ?? (auth?.kind === "oauth" ? "the OAuth application user" : "the bot account");
  checks.push(probeBotAccount({ config, bot, botVisible, botName, who }));

  // 4. Write access to sys_user, judged from roles.
  checks.push(await probeWriteAccess(input, { bot, botVisible, botName, who }));
  // 4b. Ticket mode: the table its tickets go to.
  const tickets = await probeTicketTable(client, config);
  if (tickets) checks.push(tickets);

  // 5. Read access to every table, then the fields warden reads from each.
  const ago = (days: number) => formatDateTime(new Date(input.now.getTime() - days * DAY));
  for (const probe of tableProbes(mapping, ago)) {
    const result = await probeTable(client, probe);
    checks.push(...result.checks);
    blindSpots.push(...result.blindSpots);
  }

  // 6. What scans will not see on this instance.
  checks.push(summariseBlindSpots(blindSpots));
  return { checks, blindSpots };
}
