import { RULE_NAMES, type RuleName } from "./model.js";

/**
 * How much each rule alone makes an account risky, 0..1. Dormant accounts are the classic
 * breach path (nobody notices their use), privileged ones have the largest blast radius.
 */
export const RULE_WEIGHTS: Readonly<Record<RuleName, number>> = {
  dormant: 0.6,
  privileged: 0.5,
  basic_auth: 0.4,
  wsao_disabled: 0.4,
  ui_and_api: 0.4,
  no_owner: 0.3,
};

/** One member of the population: what it is flagged for, and whether it is disabled. */
export interface ScoredAccount {
  disabled: boolean;
  rules: readonly RuleName[];
}

export interface Score {
  /** 0..100, 100 when nothing is wrong. */
  value: number;
  /** Number of machine identities scored (disabled ones included, with no risk). */
  population: number;
  /** Accounts with at least one finding. */
  riskyAccounts: number;
  /** Per rule: accounts flagged, and score points it costs (they add up to 100 - value, before rounding). */
  byRule: Record<RuleName, { accounts: number; points: number }>;
}

/**
 * An account's risk combines its findings like independent probabilities:
 * risk = 1 - Π(1 - weight). It is 0 with no finding, below 1 with all six, and fixing any one
 * finding lowers it. A disabled account has risk 0.
 */
export function accountRisk(account: ScoredAccount): number {
  if (account.disabled) return 0;
  let safe = 1;
  // Multiply in a fixed order so that equal sets give bit-identical results.
  for (const rule of RULE_NAMES) if (account.rules.includes(rule)) safe *= 1 - RULE_WEIGHTS[rule];
  return 1 - safe;
}

/**
 * Machine Identity Security Score = round(100 × (1 − mean account risk)).
 * Fixing a finding or disabling a risky account lowers one account's risk and leaves the
 * population unchanged, so the score never goes down for it.
 */
export function computeScore(accounts: readonly ScoredAccount[]): Score {
  const byRule = Object.fromEntries(
    RULE_NAMES.map((r) => [r, { accounts: 0, points: 0 }]),
  ) as Score["byRule"];
  let totalRisk = 0;
  let risky = 0;
  for (const account of accounts) {
    const risk = accountRisk(account);
    if (risk === 0) continue;
    risky += 1;
    totalRisk += risk;
    const weightSum = account.rules.reduce((sum, r) => sum + RULE_WEIGHTS[r], 0);
    for (const rule of new Set(account.rules)) {
      byRule[rule].accounts += 1;
      byRule[rule].points += (100 * risk * RULE_WEIGHTS[rule]) / weightSum / accounts.length;
    }
  }
  const value = accounts.length === 0 ? 100 : Math.round(100 * (1 - totalRisk / accounts.length));
  for (const rule of RULE_NAMES) byRule[rule].points = Math.round(byRule[rule].points * 10) / 10;
  return { value, population: accounts.length, riskyAccounts: risky, byRule };
}

/**
 * One score over several sources' populations, from each source's own score: the mean account
 * risk of the whole population is the population-weighted mean of the sources' means, so the
 * value is the weighted mean of theirs (computed from their rounded values, so within half a
 * point of scoring the union afresh), and each rule's points are weighted the same way. One
 * score is returned as it is.
 */
export function combineScores(scores: readonly Score[]): Score {
  const [only] = scores;
  if (scores.length === 1 && only) return only;
  const population = scores.reduce((n, s) => n + s.population, 0);
  const weighted = (value: (s: Score) => number) =>
    population === 0 ? 0 : scores.reduce((sum, s) => sum + value(s) * s.population, 0) / population;
  const byRule = Object.fromEntries(
    RULE_NAMES.map((rule) => [
      rule,
      {
        accounts: scores.reduce((n, s) => n + s.byRule[rule].accounts, 0),
        points: Math.round(weighted((s) => s.byRule[rule].points) * 10) / 10,
      },
    ]),
  ) as Score["byRule"];
  return {
    value: population === 0 ? 100 : Math.round(weighted((s) => s.value)),
    population,
    riskyAccounts: scores.reduce((n, s) => n + s.riskyAccounts, 0),
    byRule,
  };
}
