import type { SourceAttributes } from "../core/model.js";
import type { AccountIntent } from "../sources/source-connector.js";

/**
 * What an action asks of the source, named independently of any one source: the source's
 * connector maps each intent to its writes (SourceConnector.intendedValues / apply).
 * "restore" puts back the values recorded before the action it reverses.
 */
export type SourceIntent = AccountIntent["kind"];

/**
 * What a renderer needs to offer an account's buttons and word their confirmations: the kind of
 * source (absent: ServiceNow, as views made before a second source), its state and open findings.
 */
export interface ActionTarget {
  sourceKind?: SourceAttributes["kind"] | undefined;
  /** The account can still log into the source's UI (see core/identity-questions.ts canLogIntoUi). */
  canLogIntoUi: boolean;
  findings: readonly { rule: string }[];
}

/**
 * One action an owner (or admin) can take from a chat button, declared once: the Slack and Teams
 * renderers, the terminal preview, the listeners, the decision line and the handler all read it.
 */
export interface ActionDefinition<K extends string = string> {
  /** The payload's `a`, and the decision's recorded action. */
  kind: K;
  /** Slack action_id / Teams verb: stable, they are in messages already sent. */
  id: string;
  /** Button title, the same on Slack and Teams (the terminal shows it in brackets). */
  title: string;
  /**
   * "danger": destructive (something that works now may stop), red on Slack
   * (https://docs.slack.dev/reference/block-kit/block-elements/button-element) and "destructive"
   * on Teams, always with a confirmation. The account's recommended fix is shown "primary"
   * (Teams "positive") instead, its confirmation still marked dangerous (recommendedActionOf).
   */
  style?: "danger" | undefined;
  /**
   * The remediations (Finding.remediation) this action carries out: the first finding of an
   * account whose remediation one of its offered actions carries out makes that action the
   * account's primary button.
   */
  fixes?: readonly string[] | undefined;
  /**
   * What confirming does to the account, in its source's terms, for Slack's confirm dialog (≤ 300
   * characters, so the user name comes in shortened) and Teams' "Disable…" card. Absent: the click
   * applies at once.
   */
  confirm?: ((userName: string, account: Pick<ActionTarget, "sourceKind">) => string) | undefined;
  /** The action asks why (and for how long) before it applies: Slack's modal, Teams' ShowCard. */
  asksReason?: boolean | undefined;
  /** Undo is offered for a while after it was applied (see undo.ts). */
  reversible: boolean;
  /**
   * Whether the action is one of the account's buttons. Absent: it is never a plain button (Undo
   * comes with a decision's outcome line instead).
   */
  offeredFor?: ((account: ActionTarget) => boolean) | undefined;
  /** What it asks of the source; absent when it only changes warden's own records. */
  intent?: SourceIntent | undefined;
  /** Past tense for the outcome line: "Disabled by alice@… at …". */
  done: string;
  /** What a dry run did not do: "would have been disabled". */
  wouldHave: string;
  /** The first word of "… failed": "Disable failed (…)". */
  failed: string;
  /**
   * The outcome when the source already held what the action asks, so nothing was written.
   * Absent: "Already in the wanted state".
   */
  already?: string | undefined;
  /**
   * What exactly was changed (or left alone), from the values recorded before and after, added
   * to the outcome line: "removed admin; left alone: security_admin (inherited from group X)".
   */
  detail?:
    | ((
        before: Readonly<Record<string, unknown>> | undefined,
        after: Readonly<Record<string, unknown>> | undefined,
      ) => string | undefined)
    | undefined;
}
