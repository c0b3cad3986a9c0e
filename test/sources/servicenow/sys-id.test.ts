import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareSysIds, isSysId } from "../../../src/sources/servicenow/sys-id.js";

describe("isSysId", () => {
  it("accepts 32 hexadecimal characters, as instances generate them", () => {
    expect(isSysId("62826bf03710200044e0bfc8bcbe5df1")).toBe(true);
    expect(isSysId("62826BF03710200044E0BFC8BCBE5DF1")).toBe(true);
  });

  it("refuses numbers, empty strings, objects, paths and near misses", () => {
    for (const value of [
      12345,
      62826,
      "",
      "  ",
      { value: "62826bf03710200044e0bfc8bcbe5df1" },
      ["62826bf03710200044e0bfc8bcbe5df1"],
      null,
      undefined,
      true,
      "../x",
      "../../api/now/table/sys_user",
      "62826bf03710200044e0bfc8bcbe5df", // 31
      "62826bf03710200044e0bfc8bcbe5df12", // 33
      "62826bf03710200044e0bfc8bcbe5dfg",
      " 62826bf03710200044e0bfc8bcbe5df1",
      "62826bf03710200044e0bfc8bcbe5df1\n",
      "62826bf0-3710-2000-44e0-bfc8bcbe5df1",
      "-1", // a record not inserted yet
    ]) {
      expect(isSysId(value), JSON.stringify(value) ?? String(value)).toBe(false);
    }
  });

  it("agrees with the rule for any string", () => {
    fc.assert(fc.property(fc.string(), (s) => isSysId(s) === (s.length === 32 && /^[0-9a-fA-F]*$/.test(s))));
  });
});

describe("compareSysIds", () => {
  it("orders as ORDERBYsys_id does, whatever the case", () => {
    const a = "0a000000000000000000000000000000";
    const b = "0B000000000000000000000000000000";
    expect(compareSysIds(a, b)).toBeLessThan(0);
    expect(compareSysIds(b, a)).toBeGreaterThan(0);
    expect(compareSysIds(a, a.toUpperCase())).toBe(0);
  });
});
