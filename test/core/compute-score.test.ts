import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeScore, type ScoredAccount } from "../../src/core/compute-score.js";
import { RULE_NAMES } from "../../src/core/model.js";

const account = fc.record({
  disabled: fc.boolean(),
  rules: fc.uniqueArray(fc.constantFrom(...RULE_NAMES), { maxLength: RULE_NAMES.length }),
});
const population = fc.array(account, { maxLength: 60 });

describe("computeScore", () => {
  it("is 100 for an empty population and for one with no findings", () => {
    expect(computeScore([]).value).toBe(100);
    expect(
      computeScore([
        { disabled: false, rules: [] },
        { disabled: true, rules: ["dormant"] },
      ]).value,
    ).toBe(100);
  });

  it("gives an account that trips all six rules a score just above zero", () => {
    const worst = computeScore([{ disabled: false, rules: [...RULE_NAMES] }]);
    expect(worst.value).toBeGreaterThanOrEqual(0);
    expect(worst.value).toBeLessThan(10);
  });

  it("stays within 0..100", () => {
    fc.assert(
      fc.property(population, (accounts) => {
        const { value } = computeScore(accounts);
        return Number.isInteger(value) && value >= 0 && value <= 100;
      }),
    );
  });

  it("never goes down when any one finding is fixed", () => {
    fc.assert(
      fc.property(population, fc.nat(), fc.nat(), (accounts, i, j) => {
        const flagged = accounts.filter((a) => a.rules.length > 0);
        fc.pre(flagged.length > 0);
        const target = flagged[i % flagged.length] as ScoredAccount;
        const fixedRule = target.rules[j % target.rules.length];
        const after = accounts.map((a) =>
          a === target ? { ...a, rules: a.rules.filter((r) => r !== fixedRule) } : a,
        );
        return computeScore(after).value >= computeScore(accounts).value;
      }),
    );
  });

  it("never goes down when a risky account is disabled, and the account stays in the population", () => {
    fc.assert(
      fc.property(population, fc.nat(), (accounts, i) => {
        fc.pre(accounts.length > 0);
        const index = i % accounts.length;
        const after = accounts.map((a, k) => (k === index ? { ...a, disabled: true } : a));
        const before = computeScore(accounts);
        const later = computeScore(after);
        return later.value >= before.value && later.population === before.population;
      }),
    );
  });

  it("breaks the lost points down per rule", () => {
    const score = computeScore([
      { disabled: false, rules: ["dormant"] },
      { disabled: false, rules: [] },
    ]);
    expect(score.value).toBe(70);
    expect(score.byRule.dormant).toEqual({ accounts: 1, points: 30 });
    expect(score.byRule.basic_auth).toEqual({ accounts: 0, points: 0 });
    expect(score.riskyAccounts).toBe(1);
  });
});
