/** What a ticket asks for, in the words a change board reads. */
export interface TicketRequest {
  account: { userName: string; name: string; sourceTitle: string };
  /** The account's open findings, with their evidence. */
  findings: readonly { rule: string; summary: string; evidence: readonly { detail: string }[] }[];
  /** The requested change, e.g. "Disable the account (active=false, locked_out=true)". */
  change: string;
  /** Who approved it in chat (email, else the chat user id). */
  requestedBy: string;
  at: Date;
  /** The account in its source's UI, when known. */
  accountLink?: string | undefined;
}

/** incident.short_description is a 160-character field on a base instance. */
const SHORT_MAX = 160;

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * The ticket's fields: the configured extra fields (SERVICENOW_TICKET_FIELDS) and warden's own
 * short_description and description (the config refuses those two as extra fields, so they are
 * always warden's). Plain text: ServiceNow shows a description as typed, and nothing here is markup.
 */
export function buildTicketRecord(
  request: TicketRequest,
  extraFields: Readonly<Record<string, string>>,
): Record<string, string> {
  const { account } = request;
  const lines = [
    `warden requests a change to the machine identity ${account.userName} (${account.name}) in ${account.sourceTitle}.`,
    "",
    `Requested change: ${request.change}`,
    `Requested by: ${request.requestedBy}, ${request.at.toISOString().replace("T", " ").slice(0, 16)} UTC`,
    ...(request.accountLink ? [`Account: ${request.accountLink}`] : []),
    "",
    "Findings and evidence:",
    ...request.findings.flatMap((f) => [
      `- ${f.rule}: ${f.summary}`,
      ...f.evidence.map((e) => `    ${e.detail}`),
    ]),
    "",
    "warden wrote nothing to the account: it notices the change at its next scan and closes the finding.",
  ];
  return {
    ...extraFields,
    short_description: cut(`${request.change}: ${account.userName} (warden)`, SHORT_MAX),
    description: lines.join("\n"),
  };
}
