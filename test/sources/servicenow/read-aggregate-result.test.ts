import { describe, expect, it } from "vitest";
import { readAggregateResult } from "../../../src/sources/servicenow/read-aggregate-result.js";

describe("readAggregateResult", () => {
  it("reads the ungrouped object and the grouped array", () => {
    expect(readAggregateResult({ result: { stats: { count: "4" } } })).toEqual({
      ok: true,
      value: [{ groupBy: {}, count: 4, max: {}, min: {} }],
    });
    expect(
      readAggregateResult({
        result: [{ groupby_fields: [{ field: "sys_created_by", value: "svc" }], stats: { count: "2" } }],
      }),
    ).toEqual({ ok: true, value: [{ groupBy: { sys_created_by: "svc" }, count: 2, max: {}, min: {} }] });
    expect(readAggregateResult({ result: [] })).toEqual({ ok: true, value: [] });
  });

  it("says what is wrong instead of reading it as no rows", () => {
    const problem = (body: unknown) => {
      const read = readAggregateResult(body);
      return read.ok ? "ok" : read.problem;
    };
    expect(problem({ result: null })).toBe('"result" is null, not an array or object of statistics');
    expect(problem({ result: "0" })).toBe('"result" is the string "0", not an array or object of statistics');
    expect(problem({ stats: { count: "1" } })).toBe('the answer has no "result" member');
    expect(problem({ result: [{ stats: {} }, 7] })).toBe("group 2 is the number 7, not an object");
    expect(problem({ result: [[]] })).toBe("group 1 is an array of 0 elements, not an object");
  });
});
