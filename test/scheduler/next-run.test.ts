import { describe, expect, it } from "vitest";
import { nextRun } from "../../src/scheduler/next-run.js";

describe("nextRun", () => {
  const now = new Date("2026-11-25T10:30:00Z"); // a Wednesday

  it("finds the next daily 02:00 run, after now and never at now", () => {
    expect(nextRun("0 2 * * *", now)).toEqual(new Date("2026-11-26T02:00:00Z"));
    expect(nextRun("30 10 * * *", now)).toEqual(new Date("2026-11-26T10:30:00Z"));
  });

  it("finds the next Monday 09:00 digest, in the time zone", () => {
    expect(nextRun("0 9 * * MON", now)).toEqual(new Date("2026-11-30T09:00:00Z"));
    // 02:00 in Auckland (UTC+13 in November) is 13:00 UTC the day before.
    expect(nextRun("0 2 * * *", now, "Pacific/Auckland")).toEqual(new Date("2026-11-25T13:00:00Z"));
  });

  it("returns nothing when the expression does not fire within the look-ahead", () => {
    expect(nextRun("0 0 31 2 *", now)).toBeUndefined();
  });
});
