import { describe, expect, it } from "vitest";
import { scoreSparkline } from "../../src/messages/score-sparkline.js";

describe("scoreSparkline", () => {
  it("draws the last twelve scores, lowest to highest bar", () => {
    const scores = [50, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60, 90];
    const line = scoreSparkline(scores);
    expect([...line]).toHaveLength(12);
    // The first 50 (thirteenth from the end) is dropped; 40 is the lowest shown, 90 the highest.
    expect(line.startsWith("▁")).toBe(true);
    expect(line.endsWith("█")).toBe(true);
  });

  it("does not make a drift of a point look like a collapse", () => {
    expect(scoreSparkline([81, 80, 81])).toBe("▂▁▂");
  });

  it("draws nothing without a trend", () => {
    expect(scoreSparkline([81])).toBe("");
    expect(scoreSparkline([])).toBe("");
  });
});
