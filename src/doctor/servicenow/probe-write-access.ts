import { ADMIN_GRANTED_ROLES, whoMayGrant } from "../../sources/servicenow/admin-granted-roles.js";
import { refValue, str } from "../../sources/servicenow/parse-values.js";
import { isSysId } from "../../sources/servicenow/sys-id.js";
import type { DoctorCheck } from "../doctor-types.js";
import { errorMessage } from "./describe-error.js";
import type { BotAccountFacts } from "./probe-bot-account.js";
import type { ServiceNowCheckInput } from "./servicenow-check-types.js";

/** Roles that let the bot account write sys_user.active, locked_out and web_service_access_only. */
const WRITE_ROLES = ["user_admin", "admin"];
/** A user_name safe to put into an encoded query (no ^, comma, = or spaces). */
const SAFE_NAME = /^[A-Za-z0-9._@-]{1,80}$/;

/**
 * Can the bot account write sys_user? Deliberately NOT tested by writing: a PATCH, even one that
 * sets a field to its current value, runs business rules and flows on an identity record, bumps
 * sys_updated_on/sys_mod_count and leaves a sys_audit row, and a read-only doctor must leave the
 * instance exactly as it found it. The Table API has no "would this write be allowed" call (ACLs are
 * evaluated on the write itself), so the right is inferred from the account's roles: user_admin (or
 * admin) may write active, locked_out and web_service_access_only. Anything else is "cannot verify".
 */
export async function probeWriteAccess(
  input: ServiceNowCheckInput,
  { bot, botVisible, botName, who }: Omit<BotAccountFacts, "config">,
): Promise<DoctorCheck> {
  const { client, mapping, config } = input;
  if (config.servicenow.url === undefined && !bot) {
    return {
      area: "servicenow",
      name: "write sys_user",
      status: "pass",
      detail:
        "Not applicable: the simulated instance accepts the demo account's writes (on a real instance this checks that the bot account holds user_admin).",
    };
  }
  const { table, userField, roleNameField } = mapping.userRole;
  // dry-run and ticket mode never write sys_user (ticket mode asks for the change in a ticket).
  const neverWrites = config.mode === "dry-run" || config.mode === "ticket";
  const unverified = (why: string): DoctorCheck => ({
    area: "servicenow",
    name: "write sys_user",
    status: neverWrites ? "pass" : "warn",
    detail: neverWrites
      ? `WARDEN_MODE=${config.mode}: warden never writes sys_user. For apply mode ${who} needs user_admin (${why}).`
      : `Cannot verify write access: needs user_admin to disable or restrict accounts (${why}). Nothing was written to check.`,
  });

  const sysId = refValue(bot?.sys_id);
  const roles = `${roleNameField}IN${WRITE_ROLES.join(",")}`;
  let query: string;
  if (isSysId(sysId)) query = `${userField}=${sysId}^${roles}`;
  else if (!botVisible && botName !== undefined && SAFE_NAME.test(botName))
    // sys_user refused the read: the roles table may still answer, by the dot-walked name.
    query = `${userField}.user_name=${botName}^${roles}`;
  else if (botName !== undefined && botVisible)
    return unverified(`${botName} is not visible in sys_user, so its roles cannot be read`);
  else return unverified(`${who} could not be identified, so its roles cannot be read`);

  const held = new Set<string>();
  try {
    // At most a couple of rows match: one request.
    for await (const page of client.list(table, {
      query,
      fields: [userField, roleNameField],
      pageSize: 10,
    })) {
      for (const row of page) {
        const role = str(row[roleNameField]);
        if (role) held.add(role);
      }
    }
  } catch (error) {
    return unverified(`its roles are not readable: ${errorMessage(error)}`);
  }
  const name = str(bot?.user_name) ?? botName ?? who;
  // Remove privileged role may remove these; only an admin grants them back.
  const adminOnly = config.privilegedRoles.filter((r) => ADMIN_GRANTED_ROLES.has(r));
  if (held.has("admin")) {
    return {
      area: "servicenow",
      name: "write sys_user",
      status: "warn",
      detail: `${name} holds admin: it can write sys_user, but warden only needs user_admin plus read access; an admin bot account is itself a privileged machine identity. Nothing was written to check.`,
    };
  }
  if (held.has("user_admin")) {
    return {
      area: "servicenow",
      name: "write sys_user",
      status: "pass",
      detail: `${name} holds user_admin: it may set active, locked_out and web_service_access_only (judged from its roles; nothing was written).${adminOnly.length > 0 ? ` It cannot grant ${adminOnly.join(" or ")}: ${adminOnly.map(whoMayGrant).join("; ")}, so undoing a removal of ${adminOnly.length > 1 ? "those roles" : "that role"} will be refused and has to be done in ServiceNow.` : ""}`,
    };
  }
  return unverified(`${name} holds neither user_admin nor admin`);
}
