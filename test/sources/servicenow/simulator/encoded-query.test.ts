import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileCondition,
  compileQuery,
  matchesCondition,
  parseCondition,
  parseEncodedQuery,
  type RowAccess,
  resolveValue,
} from "../../../../src/sources/servicenow/simulator/encoded-query.js";

const NOW = new Date("2026-03-15T12:34:56Z");
const rows = [
  {
    user_name: "svc_a",
    active: "true",
    count: "5",
    created: "2026-03-10 08:00:00",
    "role.name": "admin",
    email: "",
  },
  {
    user_name: "svc=x",
    active: "false",
    count: "40",
    created: "2026-03-14 08:00:00",
    "role.name": "itil",
    email: "b@acme.example",
  },
  {
    user_name: "bob",
    active: "true",
    count: "300",
    created: "2026-01-01 00:00:00",
    "role.name": "itil",
    email: "bob@acme.example",
  },
];
const access: RowAccess = {
  hasField: (path) => path in rows[0]!,
  get: (row, path) => (rows[row] as Record<string, string> | undefined)?.[path] ?? "",
};
const run = (query: string) => {
  const predicate = compileQuery(parseEncodedQuery(query, NOW), access);
  return rows.flatMap((r, i) => (predicate(i) ? [r.user_name] : []));
};

describe("encoded queries", () => {
  it("ANDs, ORs and NQ groups", () => {
    expect(run("active=true^count>10")).toEqual(["bob"]);
    expect(run("user_name=svc_a^ORuser_name=bob")).toEqual(["svc_a", "bob"]);
    expect(run("active=false^NQcount<10")).toEqual(["svc_a", "svc=x"]);
  });

  it("compares the value literally after the operator, including '='", () => {
    expect(run("user_name=svc=x")).toEqual(["svc=x"]);
    expect(run("user_name!=svc=x")).toEqual(["svc_a", "bob"]);
  });

  it("supports list, string and emptiness operators", () => {
    expect(run("user_nameINbob,svc_a")).toEqual(["svc_a", "bob"]);
    expect(run("user_nameNOT INbob,svc_a")).toEqual(["svc=x"]);
    expect(run("user_nameLIKEsvc")).toEqual(["svc_a", "svc=x"]);
    expect(run("user_nameNOT LIKEsvc")).toEqual(["bob"]);
    expect(run("user_nameSTARTSWITHb")).toEqual(["bob"]);
    expect(run("emailENDSWITHacme.example")).toEqual(["svc=x", "bob"]);
    expect(run("emailISEMPTY")).toEqual(["svc_a"]);
    expect(run("emailISNOTEMPTY")).toEqual(["svc=x", "bob"]);
  });

  it("compares numbers numerically and dates as strings", () => {
    expect(run("count>=40")).toEqual(["svc=x", "bob"]);
    expect(run("count<100")).toEqual(["svc_a", "svc=x"]);
    expect(run("created>=2026-03-01 00:00:00")).toEqual(["svc_a", "svc=x"]);
    expect(run("created>=javascript:gs.daysAgoStart(2)")).toEqual(["svc=x"]);
  });

  it("walks dot paths through the accessor", () => {
    expect(run("role.name=admin")).toEqual(["svc_a"]);
  });

  it("silently ignores conditions on unknown or wrongly cased fields", () => {
    expect(run("web_service_acess_only=true")).toEqual(["svc_a", "svc=x", "bob"]);
    expect(run("Active=false^user_name=bob")).toEqual(["bob"]);
    expect(run("nosuch=1^ORuser_name=bob")).toEqual(["bob"]);
  });

  it("parses ORDERBY and ORDERBYDESC without mistaking them for OR", () => {
    const q = parseEncodedQuery("active=true^ORDERBYsys_id^ORDERBYDESCcreated", NOW);
    expect(q.orderBy).toEqual([
      { field: "sys_id", descending: false },
      { field: "created", descending: true },
    ]);
    expect(q.groups).toHaveLength(1);
    expect(q.groups[0]).toHaveLength(1);
  });

  it("evaluates the allowed gs date helpers in UTC", () => {
    expect(resolveValue("javascript:gs.daysAgoStart(7)", NOW)).toBe("2026-03-08 00:00:00");
    expect(resolveValue("javascript:gs.daysAgo(1)", NOW)).toBe("2026-03-14 12:34:56");
    expect(resolveValue("javascript:gs.beginningOfToday()", NOW)).toBe("2026-03-15 00:00:00");
    expect(resolveValue("javascript:gs.daysAgoEnd(1)", NOW)).toBe("2026-03-14 23:59:59");
    expect(resolveValue("javascript:evil()", NOW)).toBe("javascript:evil()");
  });

  it("compiles every condition to exactly what matchesCondition answers", () => {
    const value = fc.oneof(
      fc.constantFrom("", "0", "00", "1", "1.0", "-1", "10", "9", "123456789012345", "1234567890123456"),
      fc.constantFrom("true", "false", "a", "B", "svc_a", "2026-03-14 08:00:00", "1e3", " 1", "-0"),
      fc.string({ maxLength: 4 }),
    );
    const operator = fc.constantFrom(
      "=",
      "!=",
      "IN",
      "NOT IN",
      "<",
      "<=",
      ">",
      ">=",
      "LIKE",
      "NOT LIKE",
      "STARTSWITH",
      "ENDSWITH",
      "ISEMPTY",
      "ISNOTEMPTY",
      "EMPTYSTRING",
      "ANYTHING",
      "BETWEEN",
    );
    fc.assert(
      fc.property(operator, fc.array(value, { minLength: 1, maxLength: 4 }), value, (op, values, actual) => {
        const separator = op === "BETWEEN" ? "@" : ",";
        const text = `f${op}${values.filter((v) => !v.includes(separator)).join(separator)}`;
        const condition = parseCondition(text, NOW);
        if (!condition) return;
        expect(compileCondition(condition)(actual)).toBe(matchesCondition(condition, actual));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});
