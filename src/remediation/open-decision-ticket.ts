import { actionOf } from "../actions/action-registry.js";
import type { MachineIdentity } from "../core/model.js";
import { linkFor } from "../messages/account-link.js";
import { sourceTitle } from "../messages/describe-usage.js";
import { RULE_TITLES } from "../messages/rule-text.js";
import type { AccountIntent, SourceConnector } from "../sources/source-connector.js";
import type { Repositories } from "../store/store.js";
import { buildTicketRecord } from "../tickets/build-ticket-record.js";
import { describeTicketFailure, type OpenedTicket, type TicketOpener } from "../tickets/open-ticket.js";
import type { ActionRequest } from "./action-request.js";

/** Ticket mode's collaborators: where tickets go and what they carry (SERVICENOW_TICKET_*). */
export interface Ticketing {
  open: TicketOpener;
  /** SERVICENOW_TICKET_TABLE, for messages. */
  table: string;
  /** SERVICENOW_TICKET_FIELDS. */
  fields: Readonly<Record<string, string>>;
  /** The ServiceNow instance's origin, for the account's link in the ticket. */
  instanceUrl: string;
}

/** How opening the ticket ended: the ticket, or why there is none (in words for the clicker). */
export type TicketAttempt = { ok: true; ticket: OpenedTicket } | { ok: false; error: string };

const asText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * "Disable (active=false, locked_out=true)": the action and, where the connector says, the values
 * it would write, so whoever works the ticket knows exactly what is asked.
 */
export function describeRequestedChange(
  action: ActionRequest["payload"]["a"],
  connector: SourceConnector | undefined,
  intent: AccountIntent | undefined,
): string {
  const values = connector && intent ? connector.intendedValues(intent) : undefined;
  const named = values && (connector?.sourceFields?.(values) ?? values);
  const fields = named ? Object.entries(named).map(([field, value]) => `${field}=${asText(value)}`) : [];
  return `${actionOf(action).title}${fields.length > 0 ? ` (${fields.join(", ")})` : ""}`;
}

/**
 * Opens the ticket that asks for `request`'s change to `account`, with the account's open findings
 * and their evidence. Nothing is written to the account. The POST is sent once (createTicketOpener);
 * a failure says whether a ticket may exist anyway.
 */
export async function openDecisionTicket(
  store: Pick<Repositories, "findings">,
  ticketing: Ticketing,
  context: {
    request: ActionRequest;
    account: MachineIdentity;
    change: string;
    requestedBy: string;
    at: Date;
  },
): Promise<TicketAttempt> {
  const { account } = context;
  const findings = await store.findings.listOpenFindings({ source: account.source, accountId: account.id });
  const fields = buildTicketRecord(
    {
      account: { userName: account.userName, name: account.name, sourceTitle: sourceTitle(account) },
      findings: findings.map((f) => ({
        rule: RULE_TITLES[f.rule],
        summary: f.summary,
        evidence: f.evidence,
      })),
      change: context.change,
      requestedBy: context.requestedBy,
      at: context.at,
      accountLink: linkFor(account, ticketing.instanceUrl)?.url,
    },
    ticketing.fields,
  );
  try {
    return { ok: true, ticket: await ticketing.open(fields) };
  } catch (error) {
    return { ok: false, error: describeTicketFailure(error, ticketing.table) };
  }
}
