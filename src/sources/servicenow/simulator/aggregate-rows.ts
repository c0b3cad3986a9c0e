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

/** Shared by groups that never write to their maps (no max, min, sum or avg besides time). */
const NO_STRINGS = new Map<string, string>();
const NO_NUMBERS = new Map<string, number>();

/**
 * A hash table from integer keys below 2^52 to non-negative indices. A Map would box every such
 * key above 2^31 into a heap number per lookup; this keeps them in a Float64Array.
 */
class IntKeyTable {
  private keys = new Float64Array(1024).fill(-1);
  private values = new Int32Array(1024);
  private size = 0;

  /** The index stored for `key`, or -1. */
  get(key: number): number {
    const mask = this.keys.length - 1;
    for (let slot = IntKeyTable.hash(key) & mask; ; slot = (slot + 1) & mask) {
      const at = this.keys[slot]!;
      if (at === key) return this.values[slot]!;
      if (at === -1) return -1;
    }
  }

  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    let slot = IntKeyTable.hash(key) & mask;
    while (this.keys[slot] !== -1 && this.keys[slot] !== key) slot = (slot + 1) & mask;
    if (this.keys[slot] === -1) this.size++;
    this.keys[slot] = key;
    this.values[slot] = value;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.values = new Int32Array(keys.length * 2);
    this.size = 0;
    for (let slot = 0; slot < keys.length; slot++)
      if (keys[slot] !== -1) this.set(keys[slot]!, values[slot]!);
  }

  private static hash(key: number): number {
    // Low and high 32 bits mixed (key | 0 keeps the low 32 bits of an integer below 2^53).
    return Math.imul((key | 0) ^ Math.floor(key / 4294967296), 0x9e3779b1) >>> 0;
  }
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
  rows: ArrayLike<number>,
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
  // Groups in order of creation; found by string key, or by numeric key without boxing it.
  const groups: Accumulator[] = [];
  const byString = new Map<string, Accumulator>();
  const byNumber = new IntKeyTable();
  // Per-group maps only when some field needs them (most requests only count).
  const needsMaps = slowMax.length + slowMin.length + sumFields.length > 0;
  const accumulator = (groupValues: string[], count: number, firstRow: number, lastRow: number) => ({
    groupValues,
    count,
    max: needsMaps ? new Map<string, string>() : NO_STRINGS,
    min: needsMaps ? new Map<string, string>() : NO_STRINGS,
    sum: needsMaps ? new Map<string, number>() : NO_NUMBERS,
    firstRow,
    lastRow,
  });
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
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = codeOf(row);
      if (counts[key] === 0) first[key] = row;
      counts[key] = (counts[key] ?? 0) + 1;
      last[key] = row;
    }
    for (let key = 0; key < cardinality; key++) {
      const count = counts[key] ?? 0;
      if (count === 0) continue;
      const firstRow = first[key] ?? 0;
      groups.push(accumulator(valuesOf(firstRow), count, firstRow, last[key] ?? 0));
    }
  }
  // Unless the dense path above did the work, every row goes through the general accumulators.
  const remaining = groups.length > 0 ? 0 : rows.length;
  for (let i = 0; i < remaining; i++) {
    const row = rows[i]!;
    let acc: Accumulator | undefined;
    if (numeric) {
      const key = codeOf(row);
      const index = byNumber.get(key);
      acc = index < 0 ? undefined : groups[index];
      if (!acc) {
        acc = accumulator(valuesOf(row), 0, row, row);
        byNumber.set(key, groups.length);
        groups.push(acc);
      }
    } else {
      let key = "";
      if (groupAccessors.length === 1) key = groupAccessors[0]!(row);
      else if (groupAccessors.length > 1) key = groupAccessors.map((a) => a(row)).join("\u0000");
      acc = byString.get(key);
      if (!acc) {
        acc = accumulator(valuesOf(row), 0, row, row);
        byString.set(key, acc);
        groups.push(acc);
      }
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

  const sumOut = known(request.sum);
  const avgOut = known(request.avg);
  const out: AggregateGroup[] = [];
  // Sort keys: on columnar fields the rank of each value (equal values share a rank), so groups
  // sort by comparing integers instead of strings.
  const ranked = numeric && groupBy.length > 0;
  const ranks: number[][] = [];
  for (const acc of groups) {
    const max: Record<string, string> = {};
    const min: Record<string, string> = {};
    for (const field of maxFields)
      max[field] = field === timeField ? view.get(acc.lastRow, field) : (acc.max.get(field) ?? "");
    for (const field of minFields)
      min[field] = field === timeField ? view.get(acc.firstRow, field) : (acc.min.get(field) ?? "");
    const sum: Record<string, number> = {};
    const avg: Record<string, number> = {};
    for (const field of sumOut) sum[field] = acc.sum.get(field) ?? 0;
    for (const field of avgOut) avg[field] = acc.count === 0 ? 0 : (acc.sum.get(field) ?? 0) / acc.count;
    if (ranked) ranks.push(codes.map((c) => c!.rank(c!.code(acc.firstRow))));
    out.push({ groupValues: acc.groupValues, count: acc.count, max, min, sum, avg });
  }
  if (ranked) {
    const order = out.map((_, i) => i);
    order.sort((a, b) => {
      const x = ranks[a]!;
      const y = ranks[b]!;
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return 0;
    });
    return order.map((i) => out[i]!);
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
