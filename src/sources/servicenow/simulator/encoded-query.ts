/**
 * ServiceNow encoded queries ("active=true^web_service_access_only=true^ORDERBYsys_id"),
 * parsed once and evaluated against rows through a field accessor, so that both record tables
 * and the columnar transaction log can be queried.
 *
 * Semantics follow the Table API: `^` is AND, `^OR` ORs with the preceding condition, `^NQ` ORs
 * whole groups, and a condition on an unknown field (or one that cannot be parsed) is silently
 * ignored, exactly as an instance does by default.
 */
import { DAY_MS, formatGlideDateTime, startOfUtcDay } from "./glide-date-time.js";

/** Operators, longest first so that "NOT LIKE" wins over "<" and "ISNOTEMPTY" over "IN". */
const OPERATORS = [
  "NOT LIKE",
  "NOT IN",
  "ISNOTEMPTY",
  "ISEMPTY",
  "EMPTYSTRING",
  "ANYTHING",
  "STARTSWITH",
  "ENDSWITH",
  "BETWEEN",
  "LIKE",
  "IN",
  "!=",
  "<=",
  ">=",
  "=",
  "<",
  ">",
] as const;

export type Operator = (typeof OPERATORS)[number];

/** One condition: `field operator value`, with javascript: values already evaluated. */
export interface Condition {
  field: string;
  operator: Operator;
  value: string;
  /** The comma-separated items for IN / NOT IN, the two bounds for BETWEEN. */
  values: readonly string[];
}

/** Conditions ORed together (`a=1^ORb=2`). */
export type Term = readonly Condition[];
/** Terms ANDed together; groups are ORed (`^NQ`). */
export type Group = readonly Term[];

export interface OrderBy {
  field: string;
  descending: boolean;
}

export interface EncodedQuery {
  groups: readonly Group[];
  orderBy: readonly OrderBy[];
}

/** How the query reaches a table's values. */
export interface RowAccess {
  /** Whether `path` (possibly dot-walked) names a field of the table. */
  hasField(path: string): boolean;
  /** The database value of `path` in row `row` ("" when empty or a reference is empty). */
  get(row: number, path: string): string;
  /** Optionally, a reader of `path` resolved once (so a scan skips the per-row field lookup). */
  accessor?(path: string): ((row: number) => string) | undefined;
}

const FIELD = /^[a-z0-9_.]+/;

/**
 * Parses an encoded query. `now` is the instance clock used for `javascript:gs.daysAgoStart(n)`
 * and friends (UTC). Unparseable conditions are dropped, as ServiceNow drops invalid parts.
 */
export function parseEncodedQuery(text: string, now: Date): EncodedQuery {
  const groups: Term[][] = [[]];
  const orderBy: OrderBy[] = [];
  for (const rawToken of text.split("^")) {
    let token = rawToken;
    if (token === "" || token === "EQ") continue;
    if (token.startsWith("ORDERBYDESC")) {
      orderBy.push({ field: token.slice("ORDERBYDESC".length), descending: true });
      continue;
    }
    if (token.startsWith("ORDERBY")) {
      orderBy.push({ field: token.slice("ORDERBY".length), descending: false });
      continue;
    }
    let current = groups[groups.length - 1]!;
    if (token.startsWith("NQ")) {
      current = [];
      groups.push(current);
      token = token.slice(2);
    }
    let isOr = false;
    if (token.startsWith("OR")) {
      isOr = true;
      token = token.slice(2);
    }
    const condition = parseCondition(token, now);
    if (!condition) continue;
    const previous = current[current.length - 1];
    if (isOr && previous) current[current.length - 1] = [...previous, condition];
    else current.push([condition]);
  }
  return { groups, orderBy };
}

/** Parses one `field<op>value` condition; undefined when it is not one. */
export function parseCondition(text: string, now: Date): Condition | undefined {
  const fieldMatch = FIELD.exec(text);
  if (!fieldMatch) return undefined;
  const field = fieldMatch[0];
  const rest = text.slice(field.length);
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  if (!operator) return undefined;
  const rawValue = rest.slice(operator.length);
  let values: string[] = [];
  if (operator === "IN" || operator === "NOT IN")
    values = rawValue.split(",").map((v) => resolveValue(v, now));
  else if (operator === "BETWEEN") values = rawValue.split("@").map((v) => resolveValue(v, now));
  return { field, operator, value: resolveValue(rawValue, now), values };
}

const SCRIPT_VALUE = /^javascript:\s*gs\.(\w+)\(\s*(-?\d*)\s*\)\s*;?\s*$/;

/**
 * Evaluates the `javascript:gs.*` date helpers an instance allows in untrusted queries, in UTC.
 * Anything else stays a literal string (and so matches nothing useful).
 */
export function resolveValue(value: string, now: Date): string {
  const m = SCRIPT_VALUE.exec(value);
  if (!m) return value;
  const fn = m[1];
  const n = m[2] === "" || m[2] === undefined ? 0 : Number(m[2]);
  const t = now.getTime();
  switch (fn) {
    case "daysAgoStart":
      return formatGlideDateTime(startOfUtcDay(t - n * DAY_MS));
    case "daysAgoEnd":
      return formatGlideDateTime(startOfUtcDay(t - n * DAY_MS) + DAY_MS - 1000);
    case "daysAgo":
      return formatGlideDateTime(t - n * DAY_MS);
    case "hoursAgo":
      return formatGlideDateTime(t - n * 3_600_000);
    case "minutesAgo":
      return formatGlideDateTime(t - n * 60_000);
    case "beginningOfToday":
      return formatGlideDateTime(startOfUtcDay(t));
    case "endOfToday":
      return formatGlideDateTime(startOfUtcDay(t) + DAY_MS - 1000);
    case "nowDateTime":
      return formatGlideDateTime(t);
    default:
      return value;
  }
}

const NUMERIC = /^-?\d{1,15}(\.\d+)?$/;

/** Whether a value compares numerically (against another numeric one) rather than as a string. */
export function isNumericValue(value: string): boolean {
  return NUMERIC.test(value);
}

/** Compares numerically when both sides look like (reasonably short) numbers, else as strings. */
function compare(a: string, b: string): number {
  if (NUMERIC.test(a) && NUMERIC.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a field value satisfies one condition. */
export function matchesCondition(condition: Condition, actual: string): boolean {
  const { operator, value } = condition;
  switch (operator) {
    case "=":
      return actual === value || (actual !== "" && value !== "" && compare(actual, value) === 0);
    case "!=":
      return !(actual === value || (actual !== "" && value !== "" && compare(actual, value) === 0));
    case "IN":
      return condition.values.includes(actual);
    case "NOT IN":
      return !condition.values.includes(actual);
    case "<":
      return actual !== "" && compare(actual, value) < 0;
    case "<=":
      return actual !== "" && compare(actual, value) <= 0;
    case ">":
      return actual !== "" && compare(actual, value) > 0;
    case ">=":
      return actual !== "" && compare(actual, value) >= 0;
    case "LIKE":
      return actual.includes(value);
    case "NOT LIKE":
      return !actual.includes(value);
    case "STARTSWITH":
      return actual.startsWith(value);
    case "ENDSWITH":
      return actual.endsWith(value);
    case "ISEMPTY":
      return actual === "";
    case "ISNOTEMPTY":
      return actual !== "";
    case "EMPTYSTRING":
      return actual === "";
    case "ANYTHING":
      return true;
    case "BETWEEN": {
      const [low = "", high = ""] = condition.values;
      return actual !== "" && compare(actual, low) >= 0 && compare(actual, high) <= 0;
    }
  }
}

/** A three-way comparison with `value` fixed, deciding once whether `value` is numeric. */
function comparisonWith(value: string): (actual: string) => number {
  const byString = (actual: string) => (actual < value ? -1 : actual > value ? 1 : 0);
  if (!NUMERIC.test(value)) return byString;
  const number = Number(value);
  return (actual) => (NUMERIC.test(actual) ? Number(actual) - number : byString(actual));
}

/**
 * `matchesCondition` with the condition fixed: the same answers, but IN lists become a Set and
 * whether the value is numeric is decided once, so a scan of many rows does per row only what the
 * row's value needs.
 */
export function compileCondition(condition: Condition): (actual: string) => boolean {
  const { operator, value } = condition;
  switch (operator) {
    case "=":
    case "!=": {
      // Equal when identical, or (a non-numeric value compares as a string) numerically equal.
      const number = Number(value);
      const equal = NUMERIC.test(value)
        ? (actual: string) => actual === value || (NUMERIC.test(actual) && Number(actual) - number === 0)
        : (actual: string) => actual === value;
      return operator === "=" ? equal : (actual) => !equal(actual);
    }
    case "IN": {
      const set = new Set(condition.values);
      return (actual) => set.has(actual);
    }
    case "NOT IN": {
      const set = new Set(condition.values);
      return (actual) => !set.has(actual);
    }
    case "<": {
      const cmp = comparisonWith(value);
      return (actual) => actual !== "" && cmp(actual) < 0;
    }
    case "<=": {
      const cmp = comparisonWith(value);
      return (actual) => actual !== "" && cmp(actual) <= 0;
    }
    case ">": {
      const cmp = comparisonWith(value);
      return (actual) => actual !== "" && cmp(actual) > 0;
    }
    case ">=": {
      const cmp = comparisonWith(value);
      return (actual) => actual !== "" && cmp(actual) >= 0;
    }
    case "BETWEEN": {
      const [low = "", high = ""] = condition.values;
      const fromLow = comparisonWith(low);
      const fromHigh = comparisonWith(high);
      return (actual) => actual !== "" && fromLow(actual) >= 0 && fromHigh(actual) <= 0;
    }
    default:
      return (actual) => matchesCondition(condition, actual);
  }
}

/**
 * Drops conditions on fields the table does not have (ServiceNow ignores them), then empty
 * terms. A group left with no terms matches every row.
 */
export function pruneUnknownFields(query: EncodedQuery, access: Pick<RowAccess, "hasField">): EncodedQuery {
  const groups = query.groups.map((group) =>
    group.map((term) => term.filter((c) => access.hasField(c.field))).filter((term) => term.length > 0),
  );
  return { groups, orderBy: query.orderBy.filter((o) => access.hasField(o.field)) };
}

/** A row predicate for one term: its conditions ORed, each reading its field once per row. */
function compileTerm(term: Term, access: RowAccess): (row: number) => boolean {
  const checks = term.map((condition): ((row: number) => boolean) => {
    const get = access.accessor?.(condition.field) ?? ((row: number) => access.get(row, condition.field));
    const { operator, value } = condition;
    // The most common shapes without a second call per row (same answers as compileCondition).
    if (operator === "=" && !NUMERIC.test(value)) return (row) => get(row) === value;
    if (operator === "!=" && !NUMERIC.test(value)) return (row) => get(row) !== value;
    if (operator === "IN") {
      const set = new Set(condition.values);
      return (row) => set.has(get(row));
    }
    const matches = compileCondition(condition);
    return (row) => matches(get(row));
  });
  if (checks.length === 1) return checks[0]!;
  return (row) => {
    for (const check of checks) if (check(row)) return true;
    return false;
  };
}

/** Builds a row predicate for one group (after pruning). */
export function compileGroup(group: Group, access: RowAccess): (row: number) => boolean {
  const terms = group.map((term) => compileTerm(term, access));
  if (terms.length === 0) return () => true;
  if (terms.length === 1) return terms[0]!;
  if (terms.length === 2) {
    const [a, b] = terms as [(row: number) => boolean, (row: number) => boolean];
    return (row) => a(row) && b(row);
  }
  return (row) => {
    for (const term of terms) if (!term(row)) return false;
    return true;
  };
}

/** Builds a row predicate for a whole query; unknown fields are ignored. */
export function compileQuery(query: EncodedQuery, access: RowAccess): (row: number) => boolean {
  const pruned = pruneUnknownFields(query, access);
  const predicates = pruned.groups.map((group) => compileGroup(group, access));
  if (predicates.length === 1) return predicates[0]!;
  return (row) => predicates.some((p) => p(row));
}
