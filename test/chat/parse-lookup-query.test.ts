import { describe, expect, it } from "vitest";
import { LOOKUP_MAX_CHARS, parseLookupQuery } from "../../src/chat/parse-lookup-query.js";

describe("parseLookupQuery", () => {
  it("trims, turns line breaks into spaces and drops control and invisible characters", () => {
    expect(parseLookupQuery("  svc_backup\n")).toEqual({ ok: true, query: "svc_backup" });
    expect(parseLookupQuery("SAP\tintegration\r\n7")).toEqual({ ok: true, query: "SAP integration 7" });
    expect(parseLookupQuery("svc\u0000_\u001b[31mback\u200bup\u202e\u007f")).toEqual({
      ok: true,
      query: "svc_[31mbackup",
    });
  });

  it("calls input with nothing left empty", () => {
    expect(parseLookupQuery(" \u200b\n\u0007 ")).toMatchObject({ ok: false, reason: "empty" });
  });

  it(`accepts ${LOOKUP_MAX_CHARS} characters, counting emoji as one, and refuses more with a clear notice`, () => {
    expect(parseLookupQuery("a".repeat(LOOKUP_MAX_CHARS))).toMatchObject({ ok: true });
    expect(parseLookupQuery("😀".repeat(LOOKUP_MAX_CHARS))).toMatchObject({ ok: true });
    const long = parseLookupQuery(`  ${"a".repeat(10_000)}  `);
    expect(long).toMatchObject({ ok: false, reason: "too_long" });
    if (long.ok) return;
    expect(long.notice).toBe(
      `That is too long to be an account (10000 characters): a lookup takes a user name, display name or sys_id of at most ${LOOKUP_MAX_CHARS} characters.`,
    );
    expect(long.preview).toBe(`${"a".repeat(LOOKUP_MAX_CHARS)}…`);
  });
});
