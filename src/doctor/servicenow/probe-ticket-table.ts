import type { Config } from "../../config/load-config.js";
import type { ServiceNowClient } from "../../sources/servicenow/client-types.js";
import type { DoctorCheck } from "../doctor-types.js";
import { errorMessage, sourceCodeOf } from "./describe-error.js";

/**
 * Ticket mode (WARDEN_MODE=ticket): can the bot account read the ticket table? One Aggregate API
 * count, nothing created: a test ticket would land in someone's queue. Whether it may create
 * records there cannot be asked without creating one (ACLs are evaluated on the write), so a
 * readable table passes with that said. Undefined in other modes.
 */
export async function probeTicketTable(
  client: Pick<ServiceNowClient, "aggregate">,
  config: Pick<Config, "mode" | "tickets">,
): Promise<DoctorCheck | undefined> {
  if (config.mode !== "ticket") return undefined;
  const { table } = config.tickets;
  const name = `ticket table ${table}`;
  try {
    const [row] = await client.aggregate(table, { count: true });
    return {
      area: "servicenow",
      name,
      status: "pass",
      detail: `Readable (${row?.count ?? 0} record(s)): WARDEN_MODE=ticket opens its tickets here. Creating one is not tried (it would land in a queue): the bot account needs create on ${table} (e.g. itil for incident).`,
    };
  } catch (error) {
    const code = sourceCodeOf(error);
    const detail =
      code === "E_SOURCE_FORBIDDEN"
        ? `403: the bot account cannot read ${table}; grant it read and create on ${table} (e.g. itil for incident), or WARDEN_MODE=ticket cannot open tickets.`
        : code === "E_SOURCE_BAD_REQUEST" || code === "E_SOURCE_NOT_FOUND"
          ? `${table} does not exist on this instance: set SERVICENOW_TICKET_TABLE to a task table such as incident or change_request.`
          : errorMessage(error);
    return { area: "servicenow", name, status: "fail", detail };
  }
}
