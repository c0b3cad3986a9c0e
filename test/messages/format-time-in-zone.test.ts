import { describe, expect, it } from "vitest";
import { formatDayIn, formatTimeIn, isTimeZone } from "../../src/messages/format-time-in-zone.js";
import { plainRichText, timeAt } from "../../src/messages/rich-text.js";

describe("times in a reader's time zone", () => {
  it("writes the time in the zone, named, across daylight saving and a day boundary", () => {
    expect(formatTimeIn(new Date("2026-11-23T02:00:00Z"), "Europe/Berlin")).toBe(
      "2026-11-23 03:00 Europe/Berlin",
    );
    expect(formatTimeIn(new Date("2026-07-01T02:00:00Z"), "Europe/Berlin")).toBe(
      "2026-07-01 04:00 Europe/Berlin",
    );
    expect(formatTimeIn(new Date("2026-11-23T02:00:00Z"), "America/Chicago")).toBe(
      "2026-11-22 20:00 America/Chicago",
    );
    expect(formatDayIn(new Date("2026-11-23T23:30:00Z"), "Europe/Berlin")).toBe("2026-11-24");
    expect(formatTimeIn(new Date("2026-11-23T00:05:00Z"), "Asia/Kolkata")).toBe(
      "2026-11-23 05:35 Asia/Kolkata",
    );
  });

  it("falls back to UTC, saying so, without a zone or with one no time zone database has", () => {
    const at = new Date("2026-11-23T02:00:00Z");
    for (const zone of [undefined, "UTC", "Mars/Olympus_Mons", "", "Europe/Berlin; DROP TABLE"]) {
      expect(formatTimeIn(at, zone)).toBe("2026-11-23 02:00 UTC");
    }
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone(42)).toBe(false);
    expect(formatTimeIn(undefined, "Europe/Berlin")).toBe("never");
  });

  it("renders a line of parts for one reader", () => {
    const parts = [
      "Disabled by ",
      { person: { display: "raj@acme.example" } },
      " at ",
      timeAt(new Date("2026-11-23T02:00:00Z")),
    ];
    expect(plainRichText(parts)).toBe("Disabled by raj@acme.example at 2026-11-23 02:00 UTC");
    expect(plainRichText(parts, { timeZone: "Europe/Berlin" })).toBe(
      "Disabled by raj@acme.example at 2026-11-23 03:00 Europe/Berlin",
    );
  });
});
