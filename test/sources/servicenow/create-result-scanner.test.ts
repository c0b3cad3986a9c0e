import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createResultScanner } from "../../../src/sources/servicenow/create-result-scanner.js";

/** Feeds `body` cut at the given points; returns what the scanner passed on. */
function feed(body: string, cuts: number[]) {
  const items: unknown[] = [];
  const scanner = createResultScanner((item) => items.push(item));
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    scanner.write(body.slice(at, cut));
    at = cut;
  }
  scanner.write(body.slice(at));
  return { ok: scanner.end(), items };
}

describe("createResultScanner", () => {
  it("passes on aggregate rows however the body is cut", () => {
    const rows = [
      { groupby_fields: [{ field: "url", value: '/a?q="x]"}' }], stats: { count: "2" } },
      { groupby_fields: [{ field: "url", value: "\\\\" }], stats: { count: "10" } },
    ];
    const body = JSON.stringify({ result: rows });
    for (let cut = 0; cut <= body.length; cut++) expect(feed(body, [cut])).toEqual({ ok: true, items: rows });
  });

  it("passes on a result object once", () => {
    expect(feed('{"result":{"stats":{"count":"7"}}}', [3, 12])).toEqual({
      ok: true,
      items: [{ stats: { count: "7" } }],
    });
  });

  it("falls back to reading the whole body when result is not first", () => {
    expect(feed('{"status":"ok","result":[{"a":1}]}', [5])).toEqual({ ok: true, items: [{ a: 1 }] });
  });

  it("says no to a body without a result", () => {
    expect(feed('{"error":{"message":"Insufficient rights"},"status":"failure"}', [10]).ok).toBe(false);
    expect(feed('{"result":[{"a":1},', []).ok).toBe(false);
  });

  it("agrees with JSON.parse for any result and any cuts", () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 15 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        (result, pretty, rawCuts) => {
          const body = JSON.stringify({ result }, null, pretty ? 2 : 0);
          const cuts = rawCuts.map((c) => c % (body.length + 1));
          const { ok, items } = feed(body, cuts);
          return ok && JSON.stringify(items) === JSON.stringify(JSON.parse(body).result);
        },
      ),
    );
  });
});
