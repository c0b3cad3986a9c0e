import { WardenError } from "../errors.js";

/** A ServiceNow sys_id: 32 hex digits. Anything else in a link would be text from the instance. */
const SYS_ID = /^[0-9a-f]{32}$/;
const TABLE = /^[a-z0-9_]+$/;

/**
 * The link to a ticket in the instance's UI, in ServiceNow's own form
 * (https://<instance>/nav_to.do?uri=incident.do?sys_id=<id>), which opens the record inside the
 * navigation frame. Only a table name and a sys_id go into it, both checked, so a link built from
 * an instance's answer can carry nothing else into a chat message.
 */
export function ticketLink(instanceUrl: string, table: string, sysId: string): string {
  if (!TABLE.test(table) || !SYS_ID.test(sysId)) {
    throw new WardenError("E_TICKET_MALFORMED", `not a ticket reference: ${table} / ${sysId.slice(0, 40)}`);
  }
  const origin = new URL(instanceUrl).origin;
  return `${origin}/nav_to.do?uri=${table}.do?sys_id=${sysId}`;
}
