import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boundedEditDistance } from "../../src/store/bounded-edit-distance.js";

/** The textbook full-matrix optimal string alignment distance, to compare against. */
function fullDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(
        d[i - 1]![j]! + 1,
        row[j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

describe("boundedEditDistance", () => {
  it("counts an insertion, a deletion, a substitution and a swap of neighbours as one edit each", () => {
    expect(boundedEditDistance("svc_sap", "svc_sap", 3)).toBe(0);
    expect(boundedEditDistance("svc_sap", "svc_sapx", 3)).toBe(1);
    expect(boundedEditDistance("svc_sap", "svc_sa", 3)).toBe(1);
    expect(boundedEditDistance("svc_sap", "svc_sip", 3)).toBe(1);
    expect(boundedEditDistance("svc_sap", "scv_sap", 3)).toBe(1);
    expect(boundedEditDistance("", "abc", 3)).toBe(3);
  });

  it("answers max + 1 beyond max, even for strings of very different length", () => {
    expect(boundedEditDistance("svc_sap", "completely different", 2)).toBe(3);
    expect(boundedEditDistance("a", "a".repeat(100_000), 5)).toBe(6);
  });

  it("equals the full distance when that is within max, and says max + 1 otherwise", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "b", "c", "_"), maxLength: 12 });
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 6 }), (a, b, max) => {
        expect(boundedEditDistance(a, b, max)).toBe(Math.min(fullDistance(a, b), max + 1));
      }),
      { numRuns: 2000 },
    );
  });
});
