import { basicAuth } from "./basic-auth.js";
import { credentialExpired } from "./credential-expired.js";
import { credentialExpiring } from "./credential-expiring.js";
import { dormant } from "./dormant.js";
import { longLivedSecret } from "./long-lived-secret.js";
import { noOwner } from "./no-owner.js";
import { privileged } from "./privileged.js";
import { uiAndApi } from "./ui-and-api.js";
import { wsaoDisabled } from "./wsao-disabled.js";

/**
 * Every risk rule, in the order findings, scores and summaries list them. Adding a rule is one
 * file in this folder exporting a `RuleDefinition` (see rule-definition.ts) and one line here:
 * its name, wording, weight and remediation reach the assessment, the score and every renderer
 * from this list. Names are stable (stored findings and chat payloads carry them); new rules go
 * at the end. Rules of one source never fire on another's accounts (their `appliesTo`).
 */
export const RULES = [
  dormant,
  basicAuth,
  wsaoDisabled,
  uiAndApi,
  noOwner,
  privileged,
  credentialExpiring,
  credentialExpired,
  longLivedSecret,
] as const;

/** One of the registered rules. */
export type Rule = (typeof RULES)[number];

/** A registered rule's name: "dormant" | "basic_auth" | … */
export type RuleName = Rule["name"];

/** What warden recommends for a finding of a registered rule. */
export type Remediation = Rule["remediation"];

/** The registered rules' names, in registry order. */
export const RULE_NAMES: readonly RuleName[] = RULES.map((rule) => rule.name);
