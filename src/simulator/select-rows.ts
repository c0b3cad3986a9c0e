/**
 * Runs an encoded query against a table view: which rows match, in which order. On the
 * time-sorted transaction log, conditions on the time field become a binary-searched row range,
 * so "last 7 days" over millions of rows touches only those days.
 */
import {
  type Condition,
  compileGroup,
  type EncodedQuery,
  matchesCondition,
  type OrderBy,
  pruneUnknownFields,
  type Term,
} from "./encoded-query.js";
import type { TableView } from "./table-view.js";

/** Row indices matching `query` (unknown fields ignored), ordered by its ORDERBY clauses. */
export function selectRows(view: TableView, query: EncodedQuery): number[] {
  const pruned = pruneUnknownFields(query, view);
  const matches =
    pruned.groups.length === 1 ? scanGroup(view, pruned.groups[0]!) : scanGroups(view, pruned.groups);
  return sortRows(view, matches, pruned.orderBy);
}

function scanGroups(view: TableView, groups: EncodedQuery["groups"]): number[] {
  const seen = new Set<number>();
  for (const group of groups) for (const row of scanGroup(view, group)) seen.add(row);
  return [...seen].sort((a, b) => a - b);
}

/** Matching rows of one AND-group, in row order. */
function scanGroup(view: TableView, group: readonly Term[]): number[] {
  let from = 0;
  let to = view.size();
  const residual: Term[] = [];
  for (const term of group) {
    // On fields whose order is row order (the log's sys_id and sys_created_on), a single
    // comparison is a row range found by binary search instead of a scan.
    const range = term.length === 1 ? sortedRange(view, term[0]!) : undefined;
    if (range) {
      from = Math.max(from, range[0]);
      to = Math.min(to, range[1]);
    } else residual.push(term);
  }
  const out: number[] = [];
  if (residual.length === 0) {
    for (let row = from; row < to; row++) out.push(row);
    return out;
  }
  const predicate = compileResidual(view, residual);
  for (let row = from; row < to; row++) if (predicate(row)) out.push(row);
  return out;
}

/**
 * A predicate for the remaining terms. Terms on integer-coded (columnar) fields are decided once
 * per distinct value into a lookup table, so a scan of millions of rows reads only typed arrays.
 */
function compileResidual(view: TableView, terms: readonly Term[]): (row: number) => boolean {
  const fast: Array<(row: number) => boolean> = [];
  const slow: Term[] = [];
  for (const term of terms) {
    const field = term[0]?.field ?? "";
    const codes = term.every((c) => c.field === field) ? view.codes(field) : undefined;
    if (!codes) {
      slow.push(term);
      continue;
    }
    const table = new Uint8Array(codes.cardinality);
    for (let code = 0; code < codes.cardinality; code++) {
      const value = codes.decode(code);
      table[code] = term.some((c) => matchesCondition(c, value)) ? 1 : 0;
    }
    fast.push((row) => table[codes.code(row)] === 1);
  }
  const rest = slow.length > 0 ? compileGroup(slow, view) : undefined;
  return (row) => {
    for (const check of fast) if (!check(row)) return false;
    return rest === undefined || rest(row);
  };
}

/** First row in [0, size) for which `before(row)` is false, given it is true then false. */
function partitionPoint(size: number, before: (row: number) => boolean): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The [from, to) row range a single comparison on a naturally ordered field selects, or
 * undefined when the condition is something else (then it is evaluated row by row).
 */
function sortedRange(view: TableView, condition: Condition): [number, number] | undefined {
  if (!view.naturalOrder.has(condition.field)) return undefined;
  const get = view.accessor(condition.field);
  if (!get) return undefined;
  const v = condition.value;
  const n = view.size();
  const below = () => partitionPoint(n, (row) => get(row) < v);
  const atMost = () => partitionPoint(n, (row) => get(row) <= v);
  switch (condition.operator) {
    case ">=":
      return [below(), n];
    case ">":
      return [atMost(), n];
    case "<":
      return [0, below()];
    case "<=":
      return [0, atMost()];
    case "=":
      return [below(), atMost()];
    default:
      return undefined;
  }
}

function sortRows(view: TableView, rows: number[], orderBy: readonly OrderBy[]): number[] {
  if (orderBy.length === 0) return rows;
  if (orderBy.length === 1 && view.naturalOrder.has(orderBy[0]!.field)) {
    return orderBy[0]!.descending ? rows.reverse() : rows;
  }
  const keys = orderBy.map((o) => ({ accessor: view.accessor(o.field)!, sign: o.descending ? -1 : 1 }));
  // Array.prototype.sort is stable, so ties keep insertion order like a database's default plan.
  return rows.sort((a, b) => {
    for (const key of keys) {
      const x = key.accessor(a);
      const y = key.accessor(b);
      if (x !== y) return x < y ? -key.sign : key.sign;
    }
    return 0;
  });
}
