/**
 * The Table API (list, get and patch) of the simulated instance, following ServiceNow's wire
 * conventions: string values, X-Total-Count counted before ACLs, sysparm_limit applied before
 * ACLs (pages can come back short or empty mid-data), absolute Link headers.
 */
import { type ApiResponse, errorResponse, forbidden, invalidTable, recordNotFound } from "./api-response.js";
import { type EncodedQuery, parseEncodedQuery } from "./encoded-query.js";
import { formatGlideDateTime } from "./glide-date-time.js";
import { selectRows } from "./select-rows.js";
import { recordSerializer, resolveFields, serializeRecord } from "./serialize-record.js";
import type { SimulatorFaults } from "./simulator-faults.js";
import type { TableView } from "./table-view.js";

/** What every API handler needs from the running instance. */
export interface ApiContext {
  baseUrl: string;
  views: ReadonlyMap<string, TableView>;
  faults: SimulatorFaults;
  now: () => Date;
}

const DEFAULT_LIMIT = 10_000;

/** The view of a table, or the 400/403 the instance answers instead. */
export function openTable(ctx: ApiContext, table: string): TableView | ApiResponse {
  const view = ctx.views.get(table);
  if (!view || ctx.faults.missingTables.has(table)) return invalidTable(table);
  if (ctx.faults.forbiddenTables.has(table)) return forbidden();
  return view;
}

/** The fields a request reads: sysparm_fields minus what field ACLs hide, here and along dot-walks. */
function readableFields(ctx: ApiContext, view: TableView, table: string, requested: string | null): string[] {
  return resolveFields(view, requested, ctx.faults.hiddenFields.get(table), (t) =>
    ctx.faults.hiddenFields.get(t),
  );
}

/**
 * Drops dot-walked values read through a record an ACL hides (the keys go missing, as for any
 * field the caller cannot read). One level of dot-walk, which is what warden reads.
 */
function withoutHiddenReferences(
  ctx: ApiContext,
  view: TableView,
  fields: readonly string[],
): ((row: number, record: Record<string, unknown>) => void) | undefined {
  const checks = fields.flatMap((field) => {
    const dot = field.indexOf(".");
    if (dot < 0) return [];
    const target = view.referenceTarget(field.slice(0, dot));
    const reference = view.reference(field.slice(0, dot));
    if (target === undefined || !reference || !ctx.faults.hiddenRows.has(target)) return [];
    return [{ field, target, reference }];
  });
  if (checks.length === 0) return undefined;
  return (row, record) => {
    for (const { field, target, reference } of checks) {
      const targetRow = reference.targetRow(row);
      if (targetRow >= 0 && ctx.faults.isRowHidden(target, () => reference.target.record(targetRow)))
        delete record[field];
    }
  };
}

function isTrue(value: string | null): boolean {
  return value === "true";
}

/** Adds `field=value` parameters (literal equality, never parsed as a query) to every group. */
function withLiteralParameters(query: EncodedQuery, view: TableView, params: URLSearchParams): EncodedQuery {
  const extra = [...params.entries()]
    .filter(([name]) => !name.startsWith("sysparm_") && view.hasField(name))
    .map(([field, value]) => [{ field, operator: "=" as const, value, values: [] }]);
  if (extra.length === 0) return query;
  return { groups: query.groups.map((group) => [...group, ...extra]), orderBy: query.orderBy };
}

function nonNegativeInt(value: string | null, fallback: number): number {
  if (value === null || !/^-?\d+$/.test(value.trim())) return fallback;
  return Number(value);
}

/** GET /api/now/table/{table}. `apiVersion` is "v1", "v2" or undefined (latest). */
export function listRecords(
  ctx: ApiContext,
  table: string,
  pathname: string,
  params: URLSearchParams,
  apiVersion: string | undefined,
): ApiResponse {
  const opened = openTable(ctx, table);
  if (!("accessor" in opened)) return opened;
  const view = opened;
  const query = withLiteralParameters(
    parseEncodedQuery(params.get("sysparm_query") ?? "", ctx.now()),
    view,
    params,
  );
  const rows = selectRows(view, query);
  const total = rows.length;
  let limit = nonNegativeInt(params.get("sysparm_limit"), DEFAULT_LIMIT);
  if (limit <= 0) limit = DEFAULT_LIMIT;
  const pageLimit = ctx.faults.pageLimit;
  if (pageLimit && limit > pageLimit.max) {
    if (pageLimit.refusal === "error") {
      return errorResponse(
        500,
        "Transaction cancelled: maximum execution time exceeded",
        "The transaction ran longer than a transaction quota rule allows",
      );
    }
    limit = pageLimit.max;
  }
  const offset = Math.max(0, nonNegativeInt(params.get("sysparm_offset"), 0));
  // sysparm_limit is applied before ACL evaluation, so hidden rows still use up the page.
  const page = Array.from(rows.subarray(offset, offset + limit)).filter(
    (row) => !ctx.faults.isRowHidden(table, () => view.record(row)),
  );
  const fields = readableFields(ctx, view, table, params.get("sysparm_fields"));
  const options = {
    baseUrl: ctx.baseUrl,
    excludeReferenceLink: isTrue(params.get("sysparm_exclude_reference_link")),
  };
  const serialize = recordSerializer(view, fields, options);
  const hideReferences = withoutHiddenReferences(ctx, view, fields);
  const result = page.map((row) => {
    const record = serialize(row);
    hideReferences?.(row, record);
    return record;
  });
  if (apiVersion === "v1" && result.length === 0) return recordNotFound();

  const headers: Record<string, string> = {};
  if (!isTrue(params.get("sysparm_no_count"))) headers["X-Total-Count"] = String(total);
  if (!isTrue(params.get("sysparm_suppress_pagination_header"))) {
    headers.Link = linkHeader(`${ctx.baseUrl}${pathname}`, params, offset, limit, total);
  }
  return { status: 200, body: { result }, headers };
}

/** first, prev, next and last page URLs; prev goes negative on the first page, as on real instances. */
export function linkHeader(
  base: string,
  params: URLSearchParams,
  offset: number,
  limit: number,
  total: number,
): string {
  const url = (pageOffset: number) => {
    const copy = new URLSearchParams(params);
    copy.delete("sysparm_offset");
    copy.set("sysparm_limit", String(limit));
    copy.append("sysparm_offset", String(pageOffset));
    return `<${base}?${copy.toString()}>`;
  };
  const last = total > 0 ? Math.floor((total - 1) / limit) * limit : 0;
  const links = [`${url(0)};rel="first"`, `${url(offset - limit)};rel="prev"`];
  if (offset + limit < total) links.push(`${url(offset + limit)};rel="next"`);
  links.push(`${url(last)};rel="last"`);
  return links.join(",");
}

/** GET /api/now/table/{table}/{sys_id}. */
export function getRecord(
  ctx: ApiContext,
  table: string,
  sysId: string,
  params: URLSearchParams,
): ApiResponse {
  const opened = openTable(ctx, table);
  if (!("accessor" in opened)) return opened;
  const view = opened;
  const row = view.rowOf(sysId);
  if (row === undefined || ctx.faults.isRowHidden(table, () => view.record(row))) return recordNotFound();
  const fields = readableFields(ctx, view, table, params.get("sysparm_fields"));
  const options = {
    baseUrl: ctx.baseUrl,
    excludeReferenceLink: isTrue(params.get("sysparm_exclude_reference_link")),
  };
  const record = serializeRecord(view, row, fields, options);
  withoutHiddenReferences(ctx, view, fields)?.(row, record);
  return { status: 200, body: { result: record } };
}

/**
 * PATCH /api/now/table/{table}/{sys_id}: string (or JSON boolean/number) values; unknown
 * fields and sys_* fields are ignored, as the instance ignores them.
 */
export function patchRecord(
  ctx: ApiContext,
  table: string,
  sysId: string,
  params: URLSearchParams,
  headers: { contentType: string | undefined; noResponseBody: boolean },
  rawBody: string,
): ApiResponse {
  if (!headers.contentType?.toLowerCase().includes("application/json")) {
    return errorResponse(400, "Invalid Content-Type", "Content-Type must be application/json");
  }
  const opened = openTable(ctx, table);
  if (!("accessor" in opened)) return opened;
  const view = opened;
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return errorResponse(400, "Exception while reading request", "The payload is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return errorResponse(400, "Exception while reading request", "The payload is not a JSON object.");
  }
  const row = view.rowOf(sysId);
  if (row === undefined || ctx.faults.isRowHidden(table, () => view.record(row))) return recordNotFound();
  const record = view.mutableRecord(row);
  if (!record) return errorResponse(403, "Insufficient rights to update records", null);
  for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
    if (!view.fields.includes(field) || field.startsWith("sys_")) continue;
    if (typeof value === "string") record[field] = value;
    else if (typeof value === "boolean" || typeof value === "number") record[field] = String(value);
    else if (value === null) record[field] = "";
  }
  if ("sys_updated_on" in record) record.sys_updated_on = formatGlideDateTime(ctx.now().getTime());
  if (headers.noResponseBody) return { status: 204 };
  const fields = readableFields(ctx, view, table, params.get("sysparm_fields"));
  const options = {
    baseUrl: ctx.baseUrl,
    excludeReferenceLink: isTrue(params.get("sysparm_exclude_reference_link")),
  };
  return { status: 200, body: { result: serializeRecord(view, row, fields, options) } };
}
