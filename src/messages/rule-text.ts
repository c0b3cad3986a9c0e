import type { Remediation, RuleName } from "../core/model.js";
import { type RuleDefinition, remediationsOf } from "../core/rules/rule-definition.js";
import { RULES } from "../core/rules/rule-registry.js";

/** The wording of some rules, by rule name (and by remediation), as the renderers look it up. */
export interface RuleWording<Rule extends string, Fix extends string> {
  /** Human words for each rule: "Basic auth". */
  titles: Readonly<Record<Rule, string>>;
  /** How a change in a rule's findings reads in a sentence: "3 accounts started using Basic auth". */
  opened: Readonly<Record<Rule, string>>;
  /** "2 moved off Basic auth". */
  resolved: Readonly<Record<Rule, string>>;
  /** What each recommendation says: "Move it to OAuth (client credentials)". */
  remediation: Readonly<Record<Fix, string>>;
}

/** Collects the wording each rule declares (rules/), keyed the way renderers look it up. */
export function ruleWording<Rule extends string, Fix extends string>(
  rules: readonly RuleDefinition<Rule, Fix>[],
): RuleWording<Rule, Fix> {
  const titles: Partial<Record<Rule, string>> = {};
  const opened: Partial<Record<Rule, string>> = {};
  const resolved: Partial<Record<Rule, string>> = {};
  const remediation: Partial<Record<Fix, string>> = {};
  for (const rule of rules) {
    titles[rule.name] = rule.title;
    opened[rule.name] = rule.opened;
    resolved[rule.name] = rule.resolved;
    for (const fix of remediationsOf(rule)) remediation[fix.remediation] = fix.remediationText;
  }
  // Every key is set: one entry per rule, one per remediation a rule names.
  return {
    titles: titles as Record<Rule, string>,
    opened: opened as Record<Rule, string>,
    resolved: resolved as Record<Rule, string>,
    remediation: remediation as Record<Fix, string>,
  };
}

const WORDING: RuleWording<RuleName, Remediation> = ruleWording(RULES);

/** Human words for each rule, shared by every renderer (terminal, Slack, Teams). */
export const RULE_TITLES: Readonly<Record<RuleName, string>> = WORDING.titles;

/** How a change in a rule's findings reads in a sentence: "3 accounts started using Basic auth". */
export const RULE_OPENED: Readonly<Record<RuleName, string>> = WORDING.opened;

export const RULE_RESOLVED: Readonly<Record<RuleName, string>> = WORDING.resolved;

export const REMEDIATION_TEXT: Readonly<Record<Remediation, string>> = WORDING.remediation;

/** "1 account" / "3 accounts". */
export function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count} ${count === 1 ? word : pluralWord}`;
}
