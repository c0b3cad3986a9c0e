/**
 * Runs an encoded query against a table view: which rows match, in which order.
 *
 * Every matching row is still found (X-Total-Count counts them all), but the planner narrows
 * which rows it has to look at first:
 * - on the time-sorted transaction log, conditions on the time field (or sys_id) become a
 *   binary-searched row range, so "last 7 days" over millions of rows touches only those days;
 * - on every table, a top-level `sys_id>X` (the keyset cursor), `sys_id=X` or `sys_idIN…`
 *   becomes a binary search in the table's cached sys_id order;
 * - a top-level `fieldIN…` on an own field of a record table reads its rows from the field's
 *   value index (`userIN<180 ids>` touches a few hundred rows, not the table);
 * - ORDERBYsys_id reads rows in that cached order instead of sorting them per request;
 * - dot-walks through one reference are decided once per referenced row.
 * Narrowing only selects candidates that the remaining conditions are checked against, and a
 * condition is dropped only when its narrowing is exact, so the result is exactly what checking
 * every row and then stably sorting gives (test/sources/servicenow/simulator/select-rows.test.ts
 * compares the two).
 */
import {
  type Condition,
  compileCondition,
  compileGroup,
  type EncodedQuery,
  isNumericValue,
  type OrderBy,
  pruneUnknownFields,
  type Term,
} from "./encoded-query.js";
import type { FieldCodes, Reference, SysIdOrder, TableView } from "./table-view.js";

/** Row indices, in the order the query asks for. */
export type RowList = Int32Array;

/** Row indices matching `query` (unknown fields ignored), ordered by its ORDERBY clauses. */
export function selectRows(view: TableView, query: EncodedQuery): RowList {
  const pruned = pruneUnknownFields(query, view);
  const bySysId = sysIdDirection(pruned.orderBy);
  const inSysIdOrder = bySysId !== undefined;
  const matches =
    pruned.groups.length === 1
      ? scanGroup(view, pruned.groups[0]!, inSysIdOrder)
      : scanGroups(view, pruned.groups, inSysIdOrder);
  if (bySysId === "asc") return matches;
  if (bySysId === "desc") return descendingSysIds(view, matches);
  return sortRows(view, matches, pruned.orderBy);
}

/** "asc"/"desc" when the ordering is exactly ORDERBY(DESC)sys_id. */
function sysIdDirection(orderBy: readonly OrderBy[]): "asc" | "desc" | undefined {
  if (orderBy.length !== 1 || orderBy[0]!.field !== "sys_id") return undefined;
  return orderBy[0]!.descending ? "desc" : "asc";
}

/** The union of the groups' matches, in row order or (when asked) in sys_id order. */
function scanGroups(view: TableView, groups: EncodedQuery["groups"], inSysIdOrder: boolean): RowList {
  if (groups.length === 0) return new Int32Array(0);
  const size = view.size();
  const seen = new Uint8Array(size);
  let count = 0;
  for (const group of groups) {
    for (const row of scanGroup(view, group, false)) {
      count += 1 - seen[row]!;
      seen[row] = 1;
    }
  }
  const out = new Int32Array(count);
  let k = 0;
  for (let row = 0; row < size; row++) if (seen[row] === 1) out[k++] = row;
  if (inSysIdOrder && !view.naturalOrder.has("sys_id")) {
    const order = view.sysIdOrder();
    out.sort((a, b) => order.positionOf(a) - order.positionOf(b));
  }
  return out;
}

/**
 * What one condition lets the planner skip: a range of positions in sys_id order, or a list of
 * candidate rows. `exact` when every candidate satisfies the condition, so it need not be
 * checked again row by row.
 */
type Narrowing = ({ from: number; to: number } | { rows: readonly number[] }) & { exact: boolean };

/**
 * Matching rows of one AND-group: in sys_id order when `inSysIdOrder`, else in row order. On
 * views whose row order is sys_id order (the log), both are the same.
 */
function scanGroup(view: TableView, group: readonly Term[], inSysIdOrder: boolean): RowList {
  const identity = view.naturalOrder.has("sys_id");
  const size = view.size();
  let from = 0;
  let to = size;
  let picked: { rows: readonly number[]; exact: boolean; term: Term } | undefined;
  let order: SysIdOrder | undefined;
  const residual: Term[] = [];
  for (const term of group) {
    const condition = term.length === 1 ? term[0]! : undefined;
    // On fields whose order is row order (the log's sys_id and sys_created_on), a single
    // comparison is a row range found by binary search instead of a scan.
    const range = condition ? sortedRange(view, condition) : undefined;
    if (range) {
      from = Math.max(from, range[0]);
      to = Math.min(to, range[1]);
      continue;
    }
    let narrowing: Narrowing | undefined;
    if (condition?.field === "sys_id") {
      order ??= view.sysIdOrder();
      narrowing = narrowBySysId(order, condition);
    } else if (condition?.operator === "IN" && !condition.field.includes(".")) {
      narrowing = narrowByValues(view, condition, size);
    }
    if (!narrowing?.exact) residual.push(term);
    if (!narrowing) continue;
    if ("rows" in narrowing) {
      // Only the shortest list is read; the condition of a list not read is checked row by row.
      if (picked && picked.rows.length <= narrowing.rows.length) {
        if (narrowing.exact) residual.push(term);
        continue;
      }
      if (picked?.exact) residual.push(picked.term);
      picked = { rows: narrowing.rows, exact: narrowing.exact, term };
    } else {
      from = Math.max(from, narrowing.from);
      to = Math.min(to, narrowing.to);
    }
  }
  if (inSysIdOrder && !identity) order ??= view.sysIdOrder();
  const candidates = picked ? picked.rows.length : to - from;
  const test = residual.length === 0 ? undefined : compileResidual(view, residual, candidates);

  if (picked) {
    // A few candidate rows (sys_id= / sys_idIN / IN on an indexed field): read just those.
    const inRange =
      from === 0 && to === size
        ? undefined
        : identity || !order
          ? (row: number) => row >= from && row < to
          : (row: number) => {
              const position = order.positionOf(row);
              return position >= from && position < to;
            };
    const out = new Int32Array(picked.rows.length);
    let k = 0;
    for (const row of picked.rows) {
      if (inRange && !inRange(row)) continue;
      if (test === undefined || test(row)) out[k++] = row;
    }
    const rows = out.subarray(0, k);
    if (!inSysIdOrder || identity || !order) return rows.sort();
    const positions = order;
    return rows.sort((a, b) => positions.positionOf(a) - positions.positionOf(b));
  }
  const out = new Int32Array(Math.max(0, to - from));
  let k = 0;
  if (order && !identity) {
    // A range of the sys_id order, or all of it in that order. Rows are still visited in row
    // order (records lie in memory in that order, so a scan stays sequential) and marked by
    // position; a sweep over the marks then yields them in sys_id order.
    const sysIds = order;
    const marks = inSysIdOrder ? new Uint8Array(out.length) : undefined;
    for (let row = 0; row < sysIds.size; row++) {
      const position = sysIds.positionOf(row);
      if (position < from || position >= to || (test !== undefined && !test(row))) continue;
      if (marks) marks[position - from] = 1;
      else out[k] = row;
      k++;
    }
    if (!marks) return out.subarray(0, k);
    for (let position = from, found = 0; found < k; position++) {
      if (marks[position - from] === 1) out[found++] = sysIds.rowAt(position);
    }
    return out.subarray(0, k);
  }
  // Plain row order ([from, to) is a row range here: the whole table, or a range of the log).
  for (let row = from; row < to; row++) if (test === undefined || test(row)) out[k++] = row;
  return out.subarray(0, k);
}

/**
 * Candidate rows for `field IN list` from the field's value index, when the list picks out few
 * rows (a list of common values is cheaper to check row by row).
 */
function narrowByValues(view: TableView, condition: Condition, size: number): Narrowing | undefined {
  const index = view.valueIndex(condition.field);
  if (!index) return undefined;
  const rows: number[] = [];
  for (const value of new Set(condition.values)) {
    for (const row of index.rowsWith(value)) rows.push(row);
    if (rows.length > size / 4) return undefined;
  }
  return { rows, exact: true };
}

/** First position in [from, to) for which `before(position)` is false, given it is true then false. */
function partitionPoint(from: number, to: number, before: (position: number) => boolean): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Candidate positions for one condition on sys_id: a range for comparisons with a non-numeric
 * value (those compare as plain strings, the order's own order) and for `=` such a value, the
 * exact rows for IN. Undefined when the condition cannot narrow (it is checked row by row).
 */
function narrowBySysId(order: SysIdOrder, condition: Condition): Narrowing | undefined {
  const n = order.size;
  const below = (v: string, lo = 0) => partitionPoint(lo, n, (p) => order.idAt(p) < v);
  const atMost = (v: string, lo = 0) => partitionPoint(lo, n, (p) => order.idAt(p) <= v);
  const v = condition.value;
  if (condition.operator === "IN") {
    const rows: number[] = [];
    for (const value of new Set(condition.values)) {
      const start = below(value);
      const end = atMost(value, start);
      for (let p = start; p < end; p++) rows.push(order.rowAt(p));
    }
    return { rows, exact: true };
  }
  if (isNumericValue(v)) return undefined;
  switch (condition.operator) {
    case ">":
      return { from: atMost(v), to: n, exact: true };
    case ">=":
      // Exact unless v is "": then the range also holds empty sys_ids, which never match.
      return { from: below(v), to: n, exact: v !== "" };
    case "<":
      // Empty sys_ids sort first and never match `<` or `<=`: checked row by row.
      return { from: 0, to: below(v), exact: false };
    case "<=":
      return { from: 0, to: atMost(v), exact: false };
    case "=":
      return { from: below(v), to: atMost(v), exact: true };
    default:
      return undefined;
  }
}

/**
 * A predicate for the remaining terms. Terms on integer-coded (columnar) fields are decided once
 * per distinct value into a lookup table, so a scan of millions of rows reads only typed arrays.
 * Terms that only dot-walk through one reference field are decided once per referenced row.
 */
function compileResidual(
  view: TableView,
  terms: readonly Term[],
  candidates: number,
): (row: number) => boolean {
  const checks: Array<(row: number) => boolean> = [];
  const slow: Term[] = [];
  const walks = new Map<string, Term[]>();
  for (const term of terms) {
    const field = term[0]?.field ?? "";
    const codes = term.every((c) => c.field === field) ? view.codes(field) : undefined;
    if (codes) {
      checks.push(codedCheck(term, codes));
      continue;
    }
    const head = field.split(".", 1)[0]!;
    if (field.includes(".") && term.every((c) => c.field.startsWith(`${head}.`)) && view.reference(head)) {
      walks.set(head, [...(walks.get(head) ?? []), term]);
      continue;
    }
    slow.push(term);
  }
  for (const [head, walked] of walks) {
    checks.push(referencedCheck(view.reference(head)!, head, walked, candidates));
  }
  if (slow.length > 0) checks.push(compileGroup(slow, view));
  if (checks.length === 1) return checks[0]!;
  return (row) => {
    for (const check of checks) if (!check(row)) return false;
    return true;
  };
}

/** A term on a columnar field as a lookup table over the field's codes. */
function codedCheck(term: Term, codes: FieldCodes): (row: number) => boolean {
  const matchers = term.map(compileCondition);
  const table = new Uint8Array(codes.cardinality);
  for (let code = 0; code < codes.cardinality; code++) {
    const value = codes.decode(code);
    table[code] = matchers.some((matches) => matches(value)) ? 1 : 0;
  }
  return (row) => table[codes.code(row)] === 1;
}

/**
 * Terms whose every field dot-walks through the reference `head` (`user.active=true^user.x!=y`):
 * evaluated on the referenced row, once per referenced row (many role rows share one user).
 * An empty or dangling reference reads "" for every walked field, as the accessors do.
 */
function referencedCheck(
  reference: Reference,
  head: string,
  terms: readonly Term[],
  candidates: number,
): (row: number) => boolean {
  const inner = terms.map((term) => term.map((c) => ({ ...c, field: c.field.slice(head.length + 1) })));
  const target = reference.target;
  const onTarget = compileGroup(inner, target);
  const whenEmpty = inner.every((term) => term.some((c) => compileCondition(c)("")));
  // Per referenced row: 0 not decided yet, 1 matches, 2 does not. When about as many rows are
  // checked as the referenced table has, deciding all of it in one sequential pass is cheaper
  // than reading referenced records in scattered order.
  const size = target.size();
  const decided = new Uint8Array(size);
  if (candidates >= size / 2) for (let t = 0; t < size; t++) decided[t] = onTarget(t) ? 1 : 2;
  return (row) => {
    const t = reference.targetRow(row);
    if (t < 0) return whenEmpty;
    let verdict = decided[t]!;
    if (verdict === 0) {
      verdict = onTarget(t) ? 1 : 2;
      decided[t] = verdict;
    }
    return verdict === 1;
  };
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
  const below = () => partitionPoint(0, n, (row) => get(row) < v);
  const atMost = () => partitionPoint(0, n, (row) => get(row) <= v);
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

/**
 * Rows in ascending sys_id order turned descending. Equal sys_ids keep ascending row order, as
 * the stable sort of the general path leaves them (the log's sys_ids are all distinct).
 */
function descendingSysIds(view: TableView, rows: RowList): RowList {
  rows.reverse();
  if (view.naturalOrder.has("sys_id")) return rows;
  const id = view.accessor("sys_id")!;
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i < rows.length && id(rows[i]!) === id(rows[start]!)) continue;
    rows.subarray(start, i).reverse();
    start = i;
  }
  return rows;
}

function sortRows(view: TableView, rows: RowList, orderBy: readonly OrderBy[]): RowList {
  if (orderBy.length === 0) return rows;
  if (orderBy.length === 1 && view.naturalOrder.has(orderBy[0]!.field)) {
    return orderBy[0]!.descending ? rows.reverse() : rows;
  }
  const keys = orderBy.map((o) => ({ accessor: view.accessor(o.field)!, sign: o.descending ? -1 : 1 }));
  // Array.prototype.sort is stable, so ties keep insertion order like a database's default plan.
  const sorted = Array.from(rows).sort((a, b) => {
    for (const key of keys) {
      const x = key.accessor(a);
      const y = key.accessor(b);
      if (x !== y) return x < y ? -key.sign : key.sign;
    }
    return 0;
  });
  return Int32Array.from(sorted);
}
