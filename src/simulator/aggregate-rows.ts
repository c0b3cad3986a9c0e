/**
 * The Aggregate API's computation (GlideAggregate): counts, min, max, sum and avg, optionally
 * grouped by fields. Values stay database strings; numbers are compared numerically.
 */
import type { TableView } from "./table-view.js";

export interface AggregateRequest {
  groupBy: readonly string[];
  count: boolean;
  max: readonly string[];
  min: readonly string[];
  sum: readonly string[];
  avg: readonly string[];
}

/** One group's result; `groupValues` aligns with the request's groupBy. */
export interface AggregateGroup {
  groupValues: string[];
  count: number;
  max: Record<string, string>;
  min: Record<string, string>;
  sum: Record<string, number>;
  avg: Record<string, number>;
}

const NUMERIC = /^-?\d{1,15}(\.\d+)?$/;

function greater(a: string, b: string): boolean {
  if (NUMERIC.test(a) && NUMERIC.test(b)) return Number(a) > Number(b);
  return a > b;
}

interface Accumulator {
  groupValues: string[];
  count: number;
  max: Map<string, string>;
  min: Map<string, string>;
  sum: Map<string, number>;
  /** For time-sorted fields the extreme rows are tracked instead of formatting every value. */
  firstRow: number;
  lastRow: number;
}

/**
 * Aggregates `rows` (row indices in ascending order). Fields that are not fields of the table
 * are ignored, as the Aggregate API ignores them. Groups come back sorted by their values.
 */
export function aggregateRows(
  view: TableView,
  rows: readonly number[],
  request: AggregateRequest,
): AggregateGroup[] {
  const groupBy = request.groupBy.filter((f) => view.hasField(f));
  const groupAccessors = groupBy.map((f) => view.accessor(f)!);
  const known = (fields: readonly string[]) => fields.filter((f) => view.hasField(f));
  const maxFields = known(request.max);
  const minFields = known(request.min);
  const sumFields = [...new Set([...known(request.sum), ...known(request.avg)])];
  // On the time-sorted log, the max/min of the time field is the last/first row of the group.
  const timeField = view.timeField;
  const slowMax = maxFields.filter((f) => f !== timeField);
  const slowMin = minFields.filter((f) => f !== timeField);
  const groups = new Map<string | number, Accumulator>();
  // Columnar fields group by integer code (mixed radix) instead of building a string per row.
  const codes = groupBy.map((f) => view.codes(f));
  const numeric =
    codes.every((c) => c !== undefined) && codes.reduce((p, c) => p * (c?.cardinality ?? 1), 1) < 2 ** 52;
  const codeOf = (row: number): number => {
    let key = 0;
    for (const c of codes) key = key * (c?.cardinality ?? 1) + (c?.code(row) ?? 0);
    return key;
  };
  const valuesOf = (row: number): string[] =>
    numeric ? codes.map((c) => c?.decode(c.code(row)) ?? "") : groupAccessors.map((a) => a(row));

  // The common benchmark shape (count per user, max time) on a columnar field: dense arrays.
  const cardinality = codes.reduce((p, c) => p * (c?.cardinality ?? 1), 1);
  if (
    numeric &&
    groupBy.length > 0 &&
    cardinality <= 4_000_000 &&
    slowMax.length + slowMin.length + sumFields.length === 0
  ) {
    const counts = new Uint32Array(cardinality);
    const first = new Int32Array(cardinality).fill(-1);
    const last = new Int32Array(cardinality);
    for (const row of rows) {
      const key = codeOf(row);
      if (counts[key] === 0) first[key] = row;
      counts[key] = (counts[key] ?? 0) + 1;
      last[key] = row;
    }
    for (let key = 0; key < cardinality; key++) {
      const count = counts[key] ?? 0;
      if (count === 0) continue;
      const firstRow = first[key] ?? 0;
      const acc: Accumulator = {
        groupValues: valuesOf(firstRow),
        count,
        max: new Map(),
        min: new Map(),
        sum: new Map(),
        firstRow,
        lastRow: last[key] ?? 0,
      };
      groups.set(key, acc);
    }
  }
  for (const row of groups.size > 0 ? [] : rows) {
    let key: string | number = "";
    if (numeric) key = codeOf(row);
    else if (groupAccessors.length === 1) key = groupAccessors[0]!(row);
    else if (groupAccessors.length > 1) key = groupAccessors.map((a) => a(row)).join("\u0000");
    let acc = groups.get(key);
    if (!acc) {
      acc = {
        groupValues: valuesOf(row),
        count: 0,
        max: new Map(),
        min: new Map(),
        sum: new Map(),
        firstRow: row,
        lastRow: row,
      };
      groups.set(key, acc);
    }
    acc.count++;
    acc.lastRow = row;
    for (const field of slowMax) {
      const v = view.get(row, field);
      if (v === "") continue;
      const cur = acc.max.get(field);
      if (cur === undefined || greater(v, cur)) acc.max.set(field, v);
    }
    for (const field of slowMin) {
      const v = view.get(row, field);
      if (v === "") continue;
      const cur = acc.min.get(field);
      if (cur === undefined || greater(cur, v)) acc.min.set(field, v);
    }
    for (const field of sumFields) {
      const n = Number(view.get(row, field));
      if (Number.isFinite(n)) acc.sum.set(field, (acc.sum.get(field) ?? 0) + n);
    }
  }

  const out: AggregateGroup[] = [];
  for (const acc of groups.values()) {
    const max: Record<string, string> = {};
    const min: Record<string, string> = {};
    for (const field of maxFields)
      max[field] = field === timeField ? view.get(acc.lastRow, field) : (acc.max.get(field) ?? "");
    for (const field of minFields)
      min[field] = field === timeField ? view.get(acc.firstRow, field) : (acc.min.get(field) ?? "");
    const sum: Record<string, number> = {};
    const avg: Record<string, number> = {};
    for (const field of known(request.sum)) sum[field] = acc.sum.get(field) ?? 0;
    for (const field of known(request.avg))
      avg[field] = acc.count === 0 ? 0 : (acc.sum.get(field) ?? 0) / acc.count;
    out.push({ groupValues: acc.groupValues, count: acc.count, max, min, sum, avg });
  }
  out.sort((a, b) => {
    for (let i = 0; i < a.groupValues.length; i++) {
      const x = a.groupValues[i] ?? "";
      const y = b.groupValues[i] ?? "";
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  return out;
}
