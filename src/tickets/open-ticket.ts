import { SourceError, WardenError } from "../errors.js";
import type { ServiceNowClient } from "../sources/servicenow/client-types.js";
import { ticketLink } from "./ticket-link.js";

/** A ticket warden opened: where it is, and the number people quote. */
export interface OpenedTicket {
  table: string;
  sysId: string;
  /** The instance's number for it, e.g. INC0010001. */
  number: string;
  /** The ticket in the instance's UI (ticketLink). */
  url: string;
}

/** Opens one ticket from its fields (buildTicketRecord). */
export type TicketOpener = (fields: Record<string, string>) => Promise<OpenedTicket>;

/**
 * A task number as a base instance gives them (INC0010001, CHG0030002, SCTASK0010003): a prefix
 * of letters and digits. It is shown in chat messages and links, so nothing else gets through.
 */
const NUMBER = /^[A-Z][A-Z0-9]{1,11}[0-9]{4,12}$/;

/** Whether `text` is a ticket number of that form (renderers link only those). */
export const isTicketNumber = (text: string): boolean => NUMBER.test(text);
const SYS_ID = /^[0-9a-f]{32}$/;

/**
 * The ticket client: POST /api/now/table/{table} through the ServiceNow client, sent at most once
 * (`create`: a retried POST could open two tickets). A failure keeps the client's typed error
 * (E_SOURCE_AUTH for 401, E_SOURCE_FORBIDDEN for 403, E_SOURCE_NOT_JSON for an HTML page, …); an
 * answer without a sys_id and number of the expected form is E_TICKET_MALFORMED.
 * https://www.servicenow.com/docs/r/zurich/api-reference/rest-apis/c_TableAPI.html (POST: 201
 * with the created record).
 */
export function createTicketOpener(
  client: Pick<ServiceNowClient, "create">,
  options: { instanceUrl: string; table: string },
): TicketOpener {
  const { table, instanceUrl } = options;
  return async (fields) => {
    const record = await client.create(table, fields, ["sys_id", "number"]);
    const sysId = record.sys_id;
    const number = record.number;
    if (typeof sysId !== "string" || !SYS_ID.test(sysId)) {
      throw new WardenError(
        "E_TICKET_MALFORMED",
        `ServiceNow created a ${table} record but its answer has no valid sys_id; look in ${table} before trying again.`,
      );
    }
    if (typeof number !== "string" || !NUMBER.test(number)) {
      throw new WardenError(
        "E_TICKET_MALFORMED",
        `ServiceNow created a ${table} record (sys_id ${sysId}) but its answer has no ticket number of the form INC0010001.`,
      );
    }
    return { table, sysId, number, url: ticketLink(instanceUrl, table, sysId) };
  };
}

/**
 * Why a ticket could not be opened, in words for the person who clicked: whether one may exist
 * anyway matters (an answer lost after the POST may have created it).
 */
export function describeTicketFailure(error: unknown, table: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SourceError) {
    const unclear =
      error.code === "E_SOURCE_TIMEOUT" ||
      error.code === "E_SOURCE_UNAVAILABLE" ||
      error.code === "E_SOURCE_HTTP";
    return unclear
      ? `no ticket was confirmed (${message}); one may have been opened in ${table}, look there before trying again`
      : `no ticket was opened (${message})`;
  }
  return `the ticket could not be confirmed (${message})`;
}
