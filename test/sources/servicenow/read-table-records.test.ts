import { describe, expect, it } from "vitest";
import { describeValue } from "../../../src/sources/servicenow/describe-value.js";
import { checkKeysetOrder, readTableRecords } from "../../../src/sources/servicenow/read-table-records.js";

const id = (n: number) => n.toString(16).padStart(32, "0");

describe("readTableRecords", () => {
  it("passes records with sys_ids through, an empty result too", () => {
    const rows = [{ sys_id: id(1), name: "a" }, { sys_id: id(2) }];
    expect(readTableRecords({ result: rows })).toEqual({ ok: true, value: rows });
    expect(readTableRecords({ result: [] })).toEqual({ ok: true, value: [] });
  });

  it("says what is wrong with a result that is not an array", () => {
    const problem = (body: unknown) => {
      const read = readTableRecords(body);
      return read.ok ? "ok" : read.problem;
    };
    expect(problem({ result: { sys_id: id(1) } })).toBe('"result" is an object, not an array of records');
    expect(problem({ result: "none" })).toBe('"result" is the string "none", not an array of records');
    expect(problem({ result: null })).toBe('"result" is null, not an array of records');
    expect(problem({ result: 0 })).toBe('"result" is the number 0, not an array of records');
    expect(problem({ records: [] })).toBe('the answer has no "result" member');
    expect(problem([{ sys_id: id(1) }])).toBe(
      'the answer is an array of 1 element, not an object with a "result" member',
    );
    expect(problem(null)).toBe('the answer is null, not an object with a "result" member');
  });

  it("says which record has which bad sys_id", () => {
    const problem = (sysId: unknown) => {
      const record: Record<string, unknown> = { name: "x" };
      if (sysId !== undefined) record.sys_id = sysId;
      const read = readTableRecords({ result: [{ sys_id: id(1) }, record, { sys_id: id(3) }] });
      return read.ok ? "ok" : read.problem;
    };
    expect(problem(12345)).toBe(
      "record 2 of 3 has a sys_id that is the number 12345, not 32 hexadecimal characters",
    );
    expect(problem("")).toBe(
      "record 2 of 3 has a sys_id that is an empty string, not 32 hexadecimal characters",
    );
    expect(problem({ value: id(2) })).toBe(
      "record 2 of 3 has a sys_id that is an object, not 32 hexadecimal characters",
    );
    expect(problem("../x")).toBe(
      'record 2 of 3 has a sys_id that is the string "../x", not 32 hexadecimal characters',
    );
    expect(problem(undefined)).toBe("record 2 of 3 has no sys_id, not 32 hexadecimal characters");
    const read = readTableRecords({ result: [{ sys_id: id(1) }, "row"] });
    expect(read).toEqual({ ok: false, problem: 'record 2 of 2 is the string "row", not a record' });
  });
});

describe("checkKeysetOrder", () => {
  const rows = (...ns: number[]) => ns.map((n) => ({ sys_id: id(n) }));

  it("accepts rising sys_ids after the cursor", () => {
    expect(checkKeysetOrder(rows(1, 2, 9), undefined)).toBeUndefined();
    expect(checkKeysetOrder(rows(4, 5), id(3))).toBeUndefined();
    expect(checkKeysetOrder([], id(3))).toBeUndefined();
  });

  it("calls a page that starts at or before the cursor endless paging", () => {
    expect(checkKeysetOrder(rows(3, 4), id(3))).toBe(
      `record 1 of 2 (sys_id ${id(3)}) is not after the cursor sys_id ${id(3)}: the instance ignored the keyset condition, so paging would never end`,
    );
    expect(checkKeysetOrder(rows(1, 2), id(3))).toMatch(/^record 1 of 2 .* is not after the cursor/);
  });

  it("refuses rows out of order or repeated", () => {
    expect(checkKeysetOrder(rows(1, 3, 2), undefined)).toBe(
      `record 3 of 3 (sys_id ${id(2)}) is not after record 2 (sys_id ${id(3)}): the rows are not in sys_id order`,
    );
    expect(checkKeysetOrder(rows(5, 5), id(1))).toMatch(/^record 2 of 2 .* is not after record 1/);
  });
});

describe("describeValue", () => {
  it("quotes strings safely: cut to 40 characters, control and non-ASCII characters escaped", () => {
    expect(describeValue('a\nb\u202Ec"d`')).toBe('the string "a\\u000ab\\u202ec\\u0022d\\u0060"');
    expect(describeValue("x".repeat(100))).toBe(`the string "${"x".repeat(40)}…"`);
    expect(describeValue("😀")).toBe('the string "\\ud83d\\ude00"');
    expect(describeValue(true)).toBe("the boolean true");
    expect(describeValue(undefined)).toBe("missing");
  });
});
