import { describe, expect, it } from "vitest";
import { RETRY_MAX_MS, retryDelayMs } from "../../src/notify/retry-delay.js";

const MINUTE = 60_000;

describe("retryDelayMs", () => {
  it("waits a minute after the first failure and doubles after each further one", () => {
    expect([1, 2, 3, 4, 5].map(retryDelayMs)).toEqual([1, 2, 4, 8, 16].map((m) => m * MINUTE));
  });

  it("never waits more than six hours, however many failures", () => {
    expect(RETRY_MAX_MS).toBe(6 * 60 * MINUTE);
    expect(retryDelayMs(9)).toBe(256 * MINUTE);
    expect(retryDelayMs(10)).toBe(RETRY_MAX_MS);
    expect(retryDelayMs(1000)).toBe(RETRY_MAX_MS);
  });
});
