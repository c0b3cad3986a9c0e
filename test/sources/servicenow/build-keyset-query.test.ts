import { describe, expect, it } from "vitest";
import { buildKeysetQuery } from "../../../src/sources/servicenow/build-keyset-query.js";

describe("buildKeysetQuery", () => {
  it("omits the keyset condition on the first page and the query when there is none", () => {
    expect(buildKeysetQuery(undefined, undefined)).toBe("ORDERBYsys_id");
    expect(buildKeysetQuery("", "abc")).toBe("sys_id>abc^ORDERBYsys_id");
    expect(buildKeysetQuery("active=true", undefined)).toBe("active=true^ORDERBYsys_id");
    expect(buildKeysetQuery("active=true", "abc")).toBe("active=true^sys_id>abc^ORDERBYsys_id");
  });
  it("applies the keyset condition to every ^NQ group", () => {
    expect(buildKeysetQuery("a=1^NQb=2", "k")).toBe("a=1^sys_id>k^NQb=2^sys_id>k^ORDERBYsys_id");
  });
});
