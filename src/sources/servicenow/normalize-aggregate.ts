import type { AggregateRow } from "./client-types.js";
import { parseInteger, refValue } from "./parse-values.js";

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";

/** Field → value of a stats member such as `max: {"sys_created_on": "2025-01-02 03:04:05"}`. */
function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [field, v] of Object.entries(value)) {
    if (typeof v === "string") out[field] = v;
    else if (typeof v === "number") out[field] = String(v);
  }
  return out;
}

/** One element of an Aggregate API `result` as a row. */
export function toAggregateRow(entry: unknown): AggregateRow {
  const row: AggregateRow = { groupBy: {}, count: 0, max: {}, min: {} };
  if (!isObject(entry)) return row;
  const stats = isObject(entry.stats) ? entry.stats : {};
  row.count = parseInteger(stats.count) ?? 0;
  row.max = stringMap(stats.max);
  row.min = stringMap(stats.min);
  const groups = Array.isArray(entry.groupby_fields) ? entry.groupby_fields : [];
  for (const group of groups) {
    if (!isObject(group) || typeof group.field !== "string") continue;
    // References may come as {link,value} or {value,display_value}; empty groups are "".
    row.groupBy[group.field] = typeof group.value === "string" ? group.value : (refValue(group.value) ?? "");
  }
  return row;
}
