import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_BACKOFF_MS,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  retryDelay,
} from "../../../src/sources/servicenow/retry-delay.js";

const NOW = Date.parse("2025-06-01T12:00:00Z");

describe("retryDelay", () => {
  it("backs off exponentially from 500 ms, capped at 30 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay(n, undefined, NOW))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
    expect(retryDelay(5000, undefined, NOW)).toBe(MAX_BACKOFF_MS);
  });
  it("lets Retry-After in seconds win, even when shorter than the backoff", () => {
    expect(retryDelay(0, "7", NOW)).toBe(7000);
    expect(retryDelay(6, "1", NOW)).toBe(1000);
    expect(retryDelay(0, "0", NOW)).toBe(0);
  });
  it("reads Retry-After as an HTTP date relative to the injected now", () => {
    expect(retryDelay(0, "Sun, 01 Jun 2025 12:00:09 GMT", NOW)).toBe(9000);
    expect(retryDelay(0, "Sun, 01 Jun 2025 11:00:00 GMT", NOW)).toBe(0);
  });
  it("caps Retry-After at 120 s and ignores garbage", () => {
    expect(retryDelay(0, "3600", NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryDelay(2, "soon", NOW)).toBe(2000);
    expect(retryDelay(2, "1.5", NOW)).toBe(2000);
    expect(retryDelay(2, "", NOW)).toBe(2000);
    expect(parseRetryAfter("-3", NOW)).toBeUndefined();
  });
  it("is always within [0, max] for any attempt and header", () => {
    fc.assert(
      fc.property(fc.nat(), fc.option(fc.string(), { nil: undefined }), (attempt, header) => {
        const d = retryDelay(attempt, header, NOW);
        return d >= 0 && d <= Math.max(MAX_BACKOFF_MS, MAX_RETRY_AFTER_MS) && Number.isFinite(d);
      }),
    );
  });
});
