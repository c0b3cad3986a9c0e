import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forEachResult } from "../../../src/sources/servicenow/for-each-result.js";

const collect = (body: string) => {
  const items: unknown[] = [];
  const ok = forEachResult(body, (item) => items.push(item));
  return { ok, items };
};

describe("forEachResult", () => {
  it("passes on each element of a result array, parsed", () => {
    const body =
      '{"result":[{"groupby_fields":[{"field":"url","value":"/a?x=[1]}"}],"stats":{"count":"2"}}, {"a":"\\"}"}]}';
    expect(collect(body)).toEqual({
      ok: true,
      items: [{ groupby_fields: [{ field: "url", value: "/a?x=[1]}" }], stats: { count: "2" } }, { a: '"}' }],
    });
  });

  it("passes on a result object once, and an empty array not at all", () => {
    expect(collect('{"result":{"stats":{"count":"0"}}}')).toEqual({
      ok: true,
      items: [{ stats: { count: "0" } }],
    });
    expect(collect('{ "result" : [ ] }')).toEqual({ ok: true, items: [] });
  });

  it("finds result after other members", () => {
    expect(collect('{"status":"ok","meta":{"x":[1,{"y":"]"}]},"result":[1,"two",null]}')).toEqual({
      ok: true,
      items: [1, "two", null],
    });
  });

  it("says no to bodies of another shape, so the caller can report them", () => {
    expect(collect("<html>hibernating</html>").ok).toBe(false);
    expect(collect('{"error":{"message":"x"}}').ok).toBe(false);
    expect(collect('{"result":[{"a":1},').ok).toBe(false);
  });

  it("agrees with JSON.parse on any JSON result", () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 20 }),
        fc.jsonValue(),
        fc.boolean(),
        (result, other, pretty) => {
          const body = JSON.stringify({ other, result }, null, pretty ? 2 : 0);
          const { ok, items } = collect(body);
          return ok && JSON.stringify(items) === JSON.stringify(JSON.parse(body).result);
        },
      ),
    );
  });
});
