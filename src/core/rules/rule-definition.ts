import type { AssessOptions, SignalReadings } from "../assess-identity.js";
import type {
  ActivityHistory,
  Evidence,
  MachineIdentity,
  Severity,
  Signal,
  SourceAttributes,
} from "../model.js";

/** What a rule is given to judge one identity; disabled identities never reach a rule. */
export interface RuleContext {
  identity: MachineIdentity;
  /** warden's own memory of the account (undefined on its first scan). */
  history: ActivityHistory | undefined;
  options: AssessOptions;
  /** What each signal said about the identity, as evidence, blind ones included. */
  read: SignalReadings;
  /** Every signal the rule rests on (its `signals`) could be read in this scan. */
  seesAll: boolean;
  /**
   * Every one of `signals` could be read in this scan: for a rule resting on different signals for
   * different sources (dormant: API use in ServiceNow, sign-ins in Entra), the ones of this identity.
   */
  sees: (...signals: Signal[]) => boolean;
}

/** A finding as a rule states it; the assessment adds the rule's name and remediation. */
export interface RuleFinding {
  severity: Severity;
  /** One line, e.g. "No API call or UI login for 142 days". */
  summary: string;
  evidence: Evidence[];
}

/**
 * A finding; "undecided" when a signal the rule needs was blind and what could be read does not
 * settle it (an earlier finding of the rule is then neither confirmed nor resolved); undefined
 * when the identity does not trip the rule (an earlier finding resolves).
 */
export type RuleVerdict = RuleFinding | "undecided" | undefined;

/**
 * Everything warden knows about one risk rule. Adding a rule is one file exporting a definition
 * and one line in rule-registry.ts: the assessment, the score and every renderer read it from there.
 */
export interface RuleDefinition<Name extends string = string, Fix extends string = string> {
  /** Stable: it appears in JSON, in stored findings and in chat payloads. */
  readonly name: Name;
  /** Human words for the rule on every surface: "Basic auth". */
  readonly title: string;
  /** How a new finding reads in a sentence: "3 accounts started using Basic auth". */
  readonly opened: string;
  /** How a resolved one reads: "2 moved off Basic auth". */
  readonly resolved: string;
  /** What warden recommends for its findings (stable, stored with each finding). */
  readonly remediation: Fix;
  /** The recommendation in words: "Move it to OAuth (client credentials)". */
  readonly remediationText: string;
  /**
   * Where one kind of source needs another fix than `remediation` (an Entra app's privileges are
   * Graph permissions and directory roles, not ServiceNow roles). Its findings carry that one.
   */
  readonly remediationByKind?: Readonly<
    Partial<Record<SourceAttributes["kind"], { remediation: Fix; remediationText: string }>>
  >;
  /** How much this rule alone makes an account risky, 0..1 (see compute-score.ts). */
  readonly weight: number;
  /**
   * The signals it rests on, for every source it applies to: a blind one leaves it undecided
   * unless what is readable settles it.
   */
  readonly signals: readonly Signal[];
  /**
   * The identities the rule makes sense for, where that depends on the source (a rule about UI
   * logins means nothing for a source without them). Others get neither a finding nor
   * "undecided", so an earlier finding resolves. Absent: every identity.
   */
  readonly appliesTo?: (identity: MachineIdentity) => boolean;
  /** Pure: same context, same verdict. */
  readonly judge: (context: RuleContext) => RuleVerdict;
}

/** Declares a rule, keeping its name and remediation as literal types (RuleName derives from them). */
export function defineRule<const Name extends string, const Fix extends string>(
  rule: RuleDefinition<Name, Fix>,
): RuleDefinition<Name, Fix> {
  return rule;
}

/** The fix a rule recommends for one identity: its kind of source's, else the rule's own. */
export function remediationFor<Fix extends string>(
  rule: Pick<RuleDefinition<string, Fix>, "remediation" | "remediationText" | "remediationByKind">,
  identity: Pick<MachineIdentity, "attributes">,
): { remediation: Fix; remediationText: string } {
  return rule.remediationByKind?.[identity.attributes.kind] ?? rule;
}

/** Every fix a rule may recommend, its own first (the wording tables list each). */
export function remediationsOf<Fix extends string>(
  rule: Pick<RuleDefinition<string, Fix>, "remediation" | "remediationText" | "remediationByKind">,
): { remediation: Fix; remediationText: string }[] {
  const byKind = Object.values(rule.remediationByKind ?? {}) as {
    remediation: Fix;
    remediationText: string;
  }[];
  return [{ remediation: rule.remediation, remediationText: rule.remediationText }, ...byKind];
}
