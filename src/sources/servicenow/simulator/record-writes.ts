/**
 * The Table API's record POST and DELETE on the tables warden's remediation writes to (a role
 * grant, a Basic-auth decision), as documented for "POST /now/table/{tableName}" (201 with the
 * record) and "DELETE /now/table/{tableName}/{sys_id}" (204, no body):
 * https://www.servicenow.com/docs/r/zurich/api-reference/rest-apis/c_TableAPI.html.
 */
import { randomBytes } from "node:crypto";
import { type ApiResponse, errorResponse, recordNotFound } from "./api-response.js";
import { formatGlideDateTime } from "./glide-date-time.js";
import { type InstanceData, insertRow, type SimRecord } from "./instance-data.js";
import { serializeRecord } from "./serialize-record.js";
import { type ApiContext, openTable } from "./table-api.js";

/** Tables whose records a POST or DELETE may create or remove (others answer 405, as before). */
export const WRITABLE_TABLES: ReadonlySet<string> = new Set([
  "sys_user_has_role",
  "sys_user_basic_auth_exception",
]);

function parseObject(body: string): { values: Record<string, unknown> } | { refusal: ApiResponse } {
  let values: unknown;
  try {
    values = JSON.parse(body);
  } catch {
    return {
      refusal: errorResponse(400, "Exception while reading request", "The payload is not valid JSON."),
    };
  }
  if (values === null || typeof values !== "object" || Array.isArray(values)) {
    return {
      refusal: errorResponse(400, "Exception while reading request", "The payload is not a JSON object."),
    };
  }
  return { values: values as Record<string, unknown> };
}

/** POST: a new record from the body's known, non-sys_* fields; 201 with the record. */
export function createRecord(
  ctx: ApiContext,
  data: InstanceData,
  tableName: string,
  params: URLSearchParams,
  contentType: string | undefined,
  body: string,
): ApiResponse {
  const opened = openTable(ctx, tableName);
  if (!("accessor" in opened)) return opened;
  const table = data.tables.get(tableName);
  if (!table || !WRITABLE_TABLES.has(tableName)) return errorResponse(405, "Method not Supported", null);
  if (!contentType?.toLowerCase().includes("application/json")) {
    return errorResponse(415, "Unsupported Media Type", null);
  }
  const parsed = parseObject(body);
  if ("refusal" in parsed) return parsed.refusal;
  const record: SimRecord = { sys_id: randomBytes(16).toString("hex") };
  for (const [field, value] of Object.entries(parsed.values)) {
    if (!table.fields.includes(field) || field.startsWith("sys_")) continue;
    if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") {
      record[field] = String(value);
    }
  }
  // A role granted through the API is a direct grant.
  if (tableName === "sys_user_has_role") record.inherited = "false";
  if (table.fields.includes("sys_created_on"))
    record.sys_created_on = formatGlideDateTime(ctx.now().getTime());
  insertRow(table, record);
  const view = ctx.views.get(tableName) ?? opened;
  const row = view.rowOf(record.sys_id ?? "");
  const fields = params.get("sysparm_fields")?.split(",").filter(Boolean) ?? [...table.fields];
  const result =
    row === undefined
      ? record
      : serializeRecord(view, row, fields, {
          baseUrl: ctx.baseUrl,
          excludeReferenceLink: params.get("sysparm_exclude_reference_link") === "true",
        });
  return { status: 201, body: { result } };
}

/**
 * DELETE: removes the record (204), or 404 when there is none (or an ACL hides it). The caller
 * rebuilds its table views afterwards: they index rows by position.
 */
export function deleteRecord(
  ctx: ApiContext,
  data: InstanceData,
  tableName: string,
  sysId: string,
): ApiResponse {
  const opened = openTable(ctx, tableName);
  if (!("accessor" in opened)) return opened;
  const table = data.tables.get(tableName);
  if (!table || !WRITABLE_TABLES.has(tableName)) return errorResponse(405, "Method not Supported", null);
  const row = table.indexById.get(sysId);
  if (row === undefined || ctx.faults.isRowHidden(tableName, () => opened.record(row)))
    return recordNotFound();
  table.rows.splice(row, 1);
  table.indexById.clear();
  table.rows.forEach((r, i) => {
    table.indexById.set(r.sys_id ?? "", i);
  });
  return { status: 204 };
}
