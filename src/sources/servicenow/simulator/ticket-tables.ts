import { randomBytes } from "node:crypto";
import { type ApiResponse, errorResponse } from "./api-response.js";
import type { InstanceData, RowTable, SimRecord } from "./instance-data.js";

/** The task tables ticket mode may write to, with the prefix of their numbers (as a base instance numbers them). */
export const TICKET_TABLES: ReadonlyMap<string, string> = new Map([
  ["incident", "INC"],
  ["change_request", "CHG"],
  ["sc_task", "SCTASK"],
]);

/** Fields a ticket keeps; others in a POST are ignored, as an instance ignores unknown fields. */
const TICKET_FIELDS = [
  "sys_id",
  "number",
  "short_description",
  "description",
  "assignment_group",
  "category",
  "subcategory",
  "urgency",
  "impact",
  "caller_id",
  "cmdb_ci",
  "contact_type",
  "state",
  "sys_created_on",
  "sys_created_by",
] as const;

/** Adds the (empty) ticket tables to `data` where missing, so they can be read and written. */
export function addTicketTables(data: InstanceData): void {
  for (const name of TICKET_TABLES.keys()) {
    if (data.tables.has(name)) continue;
    const table: RowTable = {
      kind: "rows",
      name,
      fields: TICKET_FIELDS,
      references: {},
      rows: [],
      indexById: new Map(),
    };
    data.tables.set(name, table);
  }
}

const glide = (at: Date) => at.toISOString().slice(0, 19).replace("T", " ");

/**
 * POST /api/now/table/{ticket table}: creates a record from the JSON body and answers 201 with it,
 * its `number` given by the instance (INC0010001, …), as the Table API does. Other tables: 405.
 */
export function createTicket(
  data: InstanceData,
  tableName: string,
  body: string,
  context: { contentType: string | undefined; now: Date; user: string },
): ApiResponse {
  const prefix = TICKET_TABLES.get(tableName);
  const table = data.tables.get(tableName);
  if (prefix === undefined || table === undefined) return errorResponse(405, "Method not Supported", null);
  if (!context.contentType?.toLowerCase().startsWith("application/json")) {
    return errorResponse(415, "Unsupported Media Type", null);
  }
  let values: unknown;
  try {
    values = JSON.parse(body);
  } catch {
    return errorResponse(400, "Exception while reading request", "The payload is not valid JSON.");
  }
  if (values === null || typeof values !== "object" || Array.isArray(values)) {
    return errorResponse(400, "Exception while reading request", "The payload is not a JSON object.");
  }
  const record: SimRecord = {};
  for (const field of table.fields) record[field] = "";
  for (const [field, value] of Object.entries(values as Record<string, unknown>)) {
    if (field in record && field !== "sys_id" && field !== "number") record[field] = String(value);
  }
  record.sys_id = randomBytes(16).toString("hex");
  record.number = `${prefix}${String(10_001 + table.rows.length).padStart(7, "0")}`;
  record.state = record.state || "1";
  record.sys_created_on = glide(context.now);
  record.sys_created_by = context.user;
  table.indexById.set(record.sys_id, table.rows.length);
  table.rows.push(record);
  return { status: 201, body: { result: { ...record } } };
}
