import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  formatDateTime,
  parseBool,
  parseDateTime,
  parseInteger,
  refValue,
  str,
} from "../../../src/sources/servicenow/parse-values.js";

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

// Whole seconds between 0001-01-01 and 9999-12-31: the range formatDateTime can write.
const dateArb = fc
  .integer({ min: Date.parse("0001-01-01T00:00:00Z") / 1000, max: Date.parse("9999-12-31T23:59:59Z") / 1000 })
  .map((s) => new Date(s * 1000));

describe("parseBool", () => {
  it("reads string, numeric-string and real booleans", () => {
    expect(parseBool("true")).toBe(true);
    expect(parseBool("false")).toBe(false);
    expect(parseBool("1")).toBe(true);
    expect(parseBool("0")).toBe(false);
    expect(parseBool(" TRUE ")).toBe(true);
    expect(parseBool(true)).toBe(true);
    expect(parseBool(false)).toBe(false);
    expect(parseBool({ value: "true", display_value: "Yes" })).toBe(true);
  });
  it("gives undefined or the default for empty, missing and unknown values", () => {
    expect(parseBool("")).toBeUndefined();
    expect(parseBool(undefined)).toBeUndefined();
    expect(parseBool(null)).toBeUndefined();
    expect(parseBool("yes")).toBeUndefined();
    expect(parseBool("", false)).toBe(false);
    expect(parseBool(undefined, true)).toBe(true);
    expect(parseBool("false", true)).toBe(false);
  });
});

describe("parseInteger", () => {
  it("parses integer strings and rejects the rest", () => {
    expect(parseInteger("42")).toBe(42);
    expect(parseInteger(" -3 ")).toBe(-3);
    expect(parseInteger(7)).toBe(7);
    expect(parseInteger("")).toBeUndefined();
    expect(parseInteger("4.5")).toBeUndefined();
    expect(parseInteger("12abc")).toBeUndefined();
    expect(parseInteger(undefined)).toBeUndefined();
    expect(parseInteger("99999999999999999999")).toBeUndefined();
  });
  it("round-trips every safe integer", () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => parseInteger(String(n)) === n));
  });
});

describe("parseDateTime / formatDateTime", () => {
  it("reads database values as UTC", () => {
    expect(parseDateTime("2016-01-19 04:51:19")?.toISOString()).toBe("2016-01-19T04:51:19.000Z");
    expect(parseDateTime("2016-01-19")?.toISOString()).toBe("2016-01-19T00:00:00.000Z");
    expect(parseDateTime("1970-01-01 00:02:17")?.getTime()).toBe(137_000);
    expect(parseDateTime("0099-03-04 00:00:00")?.getUTCFullYear()).toBe(99);
  });
  it("rejects garbage and impossible dates", () => {
    for (const bad of [
      "",
      "garbage",
      "2023-02-30",
      "2023-13-01 00:00:00",
      "2023-01-01 24:00:00",
      "2023-1-1",
      5,
      null,
    ]) {
      expect(parseDateTime(bad)).toBeUndefined();
    }
  });
  it("formats in UTC", () => {
    expect(formatDateTime(new Date("2024-12-31T23:59:58.999Z"))).toBe("2024-12-31 23:59:58");
    expect(() => formatDateTime(new Date(Number.NaN))).toThrow(RangeError);
  });
  it("round-trips format → parse for any whole-second date", () => {
    fc.assert(
      fc.property(dateArb, (date) => parseDateTime(formatDateTime(date))?.getTime() === date.getTime()),
    );
  });
  it("round-trips parse → format for any valid string", () => {
    fc.assert(
      fc.property(dateArb, (date) => {
        const text = formatDateTime(date);
        const back = parseDateTime(text);
        return back !== undefined && formatDateTime(back) === text;
      }),
    );
  });

  for (const tz of ["Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns", "Asia/Kathmandu"]) {
    it(`does not depend on the process time zone (${tz})`, () => {
      process.env.TZ = tz;
      // The host really runs in that zone now (Node re-reads TZ when it changes).
      expect(new Date(Date.UTC(2024, 0, 1, 0, 0, 0)).getHours()).not.toBe(0);
      // Dates near midnight UTC are the ones a local-time parser would move to another day.
      const nearMidnight = fc
        .tuple(
          fc.integer({ min: 1970, max: 2100 }),
          fc.integer({ min: 0, max: 364 }),
          fc.integer({ min: -7200, max: 7200 }),
        )
        .map(([y, d, s]) => new Date(Date.UTC(y, 0, 1 + d) + s * 1000));
      fc.assert(
        fc.property(nearMidnight, (date) => {
          const text = formatDateTime(date);
          expect(text).toBe(date.toISOString().slice(0, 19).replace("T", " "));
          expect(parseDateTime(text)?.getTime()).toBe(date.getTime());
        }),
      );
      expect(parseDateTime("2024-03-10 00:30:00")?.toISOString()).toBe("2024-03-10T00:30:00.000Z");
    });
  }
});

describe("refValue / str", () => {
  it("reads every reference shape", () => {
    expect(refValue("abc")).toBe("abc");
    expect(refValue({ link: "https://x/api/now/table/sys_user/abc", value: "abc" })).toBe("abc");
    expect(refValue({ value: "abc", display_value: "Fred" })).toBe("abc");
    expect(refValue("")).toBeUndefined();
    expect(refValue({ link: "", value: "" })).toBeUndefined();
    expect(refValue(undefined)).toBeUndefined();
    expect(refValue(42)).toBeUndefined();
  });
  it("trims scalars and drops empties", () => {
    expect(str("  svc.bot ")).toBe("svc.bot");
    expect(str("")).toBeUndefined();
    expect(str("   ")).toBeUndefined();
    expect(str(3)).toBe("3");
    expect(str(false)).toBe("false");
    expect(str(null)).toBeUndefined();
    expect(str({})).toBeUndefined();
    expect(str({ value: "x", display_value: "X" })).toBe("x");
  });
  it("str never throws and returns trimmed non-empty strings", () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const s = str(v);
        return s === undefined || (s.length > 0 && s === s.trim());
      }),
    );
  });
});
