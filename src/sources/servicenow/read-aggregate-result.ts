import type { AggregateRow } from "./client-types.js";
import { describeValue } from "./describe-value.js";
import { toAggregateRow } from "./normalize-aggregate.js";
import type { Checked } from "./read-table-records.js";

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** One element of a grouped Aggregate API `result`: an object, or the problem with it. */
export function checkAggregateGroup(group: unknown, index: number): string | undefined {
  return isObject(group) ? undefined : `group ${index + 1} is ${describeValue(group)}, not an object`;
}

/**
 * The Aggregate API `result` as rows, checked: an object `{stats}` when nothing is grouped, an
 * array of `{groupby_fields, stats}` objects when grouped. Anything else (null, a string, no
 * `result`) is not an answer of this API: read as "no rows" it would look like an instance
 * without REST calls or logins, so it is reported instead.
 */
export function readAggregateResult(body: unknown): Checked<AggregateRow[]> {
  if (!isObject(body)) {
    return {
      ok: false,
      problem: `the answer is ${describeValue(body)}, not an object with a "result" member`,
    };
  }
  if (!("result" in body)) return { ok: false, problem: 'the answer has no "result" member' };
  const { result } = body;
  if (isObject(result)) return { ok: true, value: [toAggregateRow(result)] };
  if (!Array.isArray(result)) {
    return {
      ok: false,
      problem: `"result" is ${describeValue(result)}, not an array or object of statistics`,
    };
  }
  for (let i = 0; i < result.length; i++) {
    const problem = checkAggregateGroup(result[i], i);
    if (problem) return { ok: false, problem };
  }
  return { ok: true, value: result.map(toAggregateRow) };
}
