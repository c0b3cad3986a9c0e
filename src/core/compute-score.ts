import type { RuleDefinition } from "./rules/rule-definition.js";
import { RULE_NAMES, RULES, type RuleName } from "./rules/rule-registry.js";

/** What scoring needs of a rule: its name and weight (rules/ declares each rule's, and why). */
type WeightedRule<Rule extends string> = Pick<RuleDefinition<Rule>, "name" | "weight">;

/** One member of the population: what it is flagged for, and whether it is disabled. */
export interface ScoredAccount<Rule extends string = RuleName> {
  disabled: boolean;
  rules: readonly Rule[];
}

export interface Score<Rule extends string = RuleName> {
  /** 0..100, 100 when nothing is wrong. */
  value: number;
  /** Number of machine identities scored (disabled ones included, with no risk). */
  population: number;
  /** Accounts with at least one finding. */
  riskyAccounts: number;
  /** Per rule: accounts flagged, and score points it costs (they add up to 100 - value, before rounding). */
  byRule: Record<Rule, { accounts: number; points: number }>;
}

/**
 * An account's risk combines its findings like independent probabilities:
 * risk = 1 - Π(1 - weight), with each rule's weight from the registry (or `rules`). It is 0 with
 * no finding, below 1 with all of them, and fixing any one finding lowers it. A disabled account
 * has risk 0.
 */
export function accountRisk(account: ScoredAccount): number;
export function accountRisk<Rule extends string>(
  account: ScoredAccount<Rule>,
  rules: readonly WeightedRule<Rule>[],
): number;
export function accountRisk(
  account: ScoredAccount<string>,
  rules: readonly WeightedRule<string>[] = RULES,
): number {
  if (account.disabled) return 0;
  let safe = 1;
  // Multiply in a fixed (registry) order so that equal sets give bit-identical results.
  for (const rule of rules) if (account.rules.includes(rule.name)) safe *= 1 - rule.weight;
  return 1 - safe;
}

/**
 * Machine Identity Security Score = round(100 × (1 − mean account risk)).
 * Fixing a finding or disabling a risky account lowers one account's risk and leaves the
 * population unchanged, so the score never goes down for it.
 */
export function computeScore(accounts: readonly ScoredAccount[]): Score;
export function computeScore<Rule extends string>(
  accounts: readonly ScoredAccount<Rule>[],
  rules: readonly WeightedRule<Rule>[],
): Score<Rule>;
export function computeScore(
  accounts: readonly ScoredAccount<string>[],
  rules: readonly WeightedRule<string>[] = RULES,
): Score<string> {
  const weights = new Map(rules.map((r) => [r.name, r.weight]));
  const weight = (rule: string) => weights.get(rule) ?? 0;
  const byRule: Score<string>["byRule"] = Object.fromEntries(
    rules.map((r) => [r.name, { accounts: 0, points: 0 }]),
  );
  let totalRisk = 0;
  let risky = 0;
  for (const account of accounts) {
    const risk = accountRisk(account, rules);
    if (risk === 0) continue;
    risky += 1;
    totalRisk += risk;
    const weightSum = account.rules.reduce((sum, r) => sum + weight(r), 0);
    for (const rule of new Set(account.rules)) {
      const counts = byRule[rule];
      if (!counts) continue;
      counts.accounts += 1;
      counts.points += (100 * risk * weight(rule)) / weightSum / accounts.length;
    }
  }
  const value = accounts.length === 0 ? 100 : Math.round(100 * (1 - totalRisk / accounts.length));
  for (const counts of Object.values(byRule)) counts.points = Math.round(counts.points * 10) / 10;
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
