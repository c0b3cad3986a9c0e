/** Ticket mode's record: which ServiceNow table it goes to, and the extra fields it carries. */
export interface TicketSettings {
  /** SERVICENOW_TICKET_TABLE, default `incident`. */
  table: string;
  /** SERVICENOW_TICKET_FIELDS: field name → value, sent with every ticket (e.g. assignment_group). */
  fields: Readonly<Record<string, string>>;
}

/** A ServiceNow table or field name (the same rule SERVICENOW_OWNER_FIELD follows). */
const NAME = /^[a-z0-9_]+$/;
/** warden writes these itself (the evidence and the requested change); a setting may not replace them. */
const OWN_FIELDS = new Set(["short_description", "description"]);

/**
 * Reads SERVICENOW_TICKET_TABLE and SERVICENOW_TICKET_FIELDS, pushing one clear line per problem.
 * Field values are sent as strings, as the Table API stores them; numbers and booleans are
 * accepted and written as text, so `{"urgency": 2}` works as users would type it.
 */
export function readTicketSettings(
  rawTable: string | undefined,
  rawFields: string | undefined,
  problems: string[],
): TicketSettings {
  const table = rawTable ?? "incident";
  if (!NAME.test(table)) {
    problems.push(`SERVICENOW_TICKET_TABLE must be a table name such as incident (got "${table}").`);
  }
  const fields: Record<string, string> = {};
  if (rawFields !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawFields);
    } catch (error) {
      problems.push(
        `SERVICENOW_TICKET_FIELDS must be a JSON object such as {"assignment_group":"Identity"} (${error instanceof Error ? error.message : String(error)}).`,
      );
      return { table, fields };
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      problems.push(
        'SERVICENOW_TICKET_FIELDS must be a JSON object such as {"assignment_group":"Identity"}.',
      );
      return { table, fields };
    }
    for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (!NAME.test(name)) {
        problems.push(
          `SERVICENOW_TICKET_FIELDS: "${name}" is not a field name (lower-case letters, digits, _).`,
        );
      } else if (OWN_FIELDS.has(name)) {
        problems.push(
          `SERVICENOW_TICKET_FIELDS: ${name} is written by warden (the evidence and the requested change); remove it.`,
        );
      } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        fields[name] = String(value);
      } else {
        problems.push(`SERVICENOW_TICKET_FIELDS: the value of ${name} must be a string, number or boolean.`);
      }
    }
  }
  return { table, fields };
}
