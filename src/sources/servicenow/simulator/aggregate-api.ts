/**
 * The Aggregate API (GET /api/now/stats/{table}). Counts are computed before ACLs, like the
 * Table API's X-Total-Count, and every number is sent as a string.
 */
import { type AggregateGroup, aggregateRows } from "./aggregate-rows.js";
import type { ApiResponse } from "./api-response.js";
import { parseEncodedQuery } from "./encoded-query.js";
import { selectRows } from "./select-rows.js";
import { type ApiContext, openTable } from "./table-api.js";

function list(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(",")
    .map((f) => f.trim())
    .filter((f) => f !== "");
}

function formatNumber(n: number, decimals: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(decimals);
}

function stats(group: AggregateGroup, count: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (count) out.count = String(group.count);
  if (Object.keys(group.max).length > 0) out.max = group.max;
  if (Object.keys(group.min).length > 0) out.min = group.min;
  if (Object.keys(group.sum).length > 0) {
    out.sum = Object.fromEntries(Object.entries(group.sum).map(([k, v]) => [k, formatNumber(v, 4)]));
  }
  if (Object.keys(group.avg).length > 0) {
    out.avg = Object.fromEntries(Object.entries(group.avg).map(([k, v]) => [k, v.toFixed(4)]));
  }
  return out;
}

/** GET /api/now/stats/{table}: sysparm_count, sysparm_group_by, sysparm_{max,min,sum,avg}_fields, sysparm_query. */
export function aggregateRecords(ctx: ApiContext, table: string, params: URLSearchParams): ApiResponse {
  const opened = openTable(ctx, table);
  if (!("accessor" in opened)) return opened;
  const view = opened;
  const parsed = parseEncodedQuery(params.get("sysparm_query") ?? "", ctx.now());
  // Order does not change an aggregate; dropping it keeps the time-sorted fast path.
  const rows = selectRows(view, { groups: parsed.groups, orderBy: [] });
  const count = params.get("sysparm_count") === "true";
  const request = {
    groupBy: list(params.get("sysparm_group_by")).filter((f) => view.hasField(f)),
    count,
    max: list(params.get("sysparm_max_fields")),
    min: list(params.get("sysparm_min_fields")),
    sum: list(params.get("sysparm_sum_fields")),
    avg: list(params.get("sysparm_avg_fields")),
  };
  const groups = aggregateRows(view, rows, request);
  if (request.groupBy.length === 0) {
    const only: AggregateGroup = groups[0] ?? {
      groupValues: [],
      count: 0,
      max: Object.fromEntries(request.max.filter((f) => view.hasField(f)).map((f) => [f, ""])),
      min: Object.fromEntries(request.min.filter((f) => view.hasField(f)).map((f) => [f, ""])),
      sum: Object.fromEntries(request.sum.filter((f) => view.hasField(f)).map((f) => [f, 0])),
      avg: Object.fromEntries(request.avg.filter((f) => view.hasField(f)).map((f) => [f, 0])),
    };
    return { status: 200, body: { result: { stats: stats(only, count) } } };
  }
  const result = groups.map((group) => ({
    groupby_fields: request.groupBy.map((field, i) => ({ field, value: group.groupValues[i] ?? "" })),
    stats: stats(group, count),
  }));
  return { status: 200, body: { result } };
}
