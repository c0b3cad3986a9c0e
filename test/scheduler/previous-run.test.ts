import { describe, expect, it } from "vitest";
import { previousRun } from "../../src/scheduler/previous-run.js";

describe("previousRun", () => {
  const now = new Date("2026-11-25T10:30:00Z"); // a Wednesday

  it("finds the last daily 02:00 run", () => {
    expect(previousRun("0 2 * * *", now)).toEqual(new Date("2026-11-25T02:00:00Z"));
  });

  it("finds the last Monday 09:00 digest", () => {
    expect(previousRun("0 9 * * 1", now)).toEqual(new Date("2026-11-23T09:00:00Z"));
    expect(previousRun("0 9 * * MON", now)).toEqual(new Date("2026-11-23T09:00:00Z"));
  });

  it("honours the time zone", () => {
    // 02:00 in Auckland (UTC+13 in November) is 13:00 UTC the day before.
    expect(previousRun("0 2 * * *", now, "Pacific/Auckland")).toEqual(new Date("2026-11-24T13:00:00Z"));
  });

  it("supports steps, ranges, lists and 6-field expressions", () => {
    expect(previousRun("*/15 * * * *", now)).toEqual(new Date("2026-11-25T10:30:00Z"));
    expect(previousRun("0 8-9,22 * * 1-5", now)).toEqual(new Date("2026-11-25T09:00:00Z"));
    expect(previousRun("0 0 2 * * *", now)).toEqual(new Date("2026-11-25T02:00:00Z"));
  });

  it("returns nothing when the expression never fired within the look-back", () => {
    expect(previousRun("0 0 31 2 *", now)).toBeUndefined();
  });
});
