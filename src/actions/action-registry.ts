import type { ActionDefinition, ActionTarget, SourceIntent } from "./action-definition.js";
import { blockBasicAuth } from "./block-basic-auth.js";
import { certify } from "./certify.js";
import { disable } from "./disable.js";
import { keep } from "./keep.js";
import { notMine } from "./not-mine.js";
import { removeExpiredCredential } from "./remove-expired-credential.js";
import { removePrivilegedRole } from "./remove-privileged-role.js";
import { restrict } from "./restrict.js";
import { undo } from "./undo.js";

/**
 * Every chat action, in button order. Adding an action = one new file in this folder declaring
 * its ActionDefinition, plus one line here; if it writes to a source, also its intent's mapping
 * in the source's connector (today remediation/account-change.ts). The renderers, the Slack
 * listeners' action_id pattern, Teams' verbs, the decision line and the terminal preview follow.
 */
export const ACTIONS = [
  certify,
  removeExpiredCredential,
  removePrivilegedRole,
  blockBasicAuth,
  disable,
  restrict,
  keep,
  notMine,
  undo,
] as const;

/** What an owner (or admin) can do from a chat button. */
export type ActionKind = (typeof ACTIONS)[number]["kind"];

/** The actions offered as an account's buttons (Undo comes with a decision instead). */
export type OwnerAction = Exclude<ActionKind, "undo">;

/** Every OwnerAction, in button order (what a stored message's `actions` may hold). */
export const OWNER_ACTIONS = ACTIONS.map((a) => a.kind).filter((k): k is OwnerAction => k !== "undo");

const DEFINITIONS: readonly ActionDefinition<ActionKind>[] = ACTIONS;
const BY_KIND = new Map(DEFINITIONS.map((a) => [a.kind as string, a]));

/** Whether `kind` names an action (a payload's `a`, a recorded decision's action). */
export function isActionKind(kind: unknown): kind is ActionKind {
  return typeof kind === "string" && BY_KIND.has(kind);
}

/** The definition of `kind`. */
export function actionOf(kind: ActionKind): ActionDefinition<ActionKind> {
  const action = BY_KIND.get(kind);
  if (!action) throw new TypeError(`no action "${kind}" is declared`);
  return action;
}

/** The action a Slack action_id or Teams verb names, if any. */
export function actionById(id: string): ActionDefinition<ActionKind> | undefined {
  return DEFINITIONS.find((a) => a.id === id);
}

/** Slack action_id / Teams verb for each action: stable, they appear in stored messages. */
export const ACTION_IDS = Object.fromEntries(DEFINITIONS.map((a) => [a.kind, a.id])) as Readonly<
  Record<ActionKind, string>
>;

/** The buttons an account in this state offers, in button order (an owner message's `actions`). */
export function offeredActions(account: ActionTarget): OwnerAction[] {
  return DEFINITIONS.filter((a) => a.offeredFor?.(account)).map((a) => a.kind as OwnerAction);
}

/**
 * The definitions of a message's `actions`, in button order: a renderer's buttons. A kind that no
 * action declares any more is left out.
 */
export function buttonsFor(account: { actions: readonly string[] }): ActionDefinition<OwnerAction>[] {
  return DEFINITIONS.filter(
    (a): a is ActionDefinition<OwnerAction> => a.kind !== "undo" && account.actions.includes(a.kind),
  );
}

/** Whether a decision with this recorded action can be undone (within UNDO_WINDOW_MS, undo.ts). */
export function isReversible(kind: string): boolean {
  return isActionKind(kind) && actionOf(kind).reversible;
}

/**
 * What a recorded action asked of the source; undefined for one that changes only warden's own
 * records (Keep, Not mine, an owner assignment).
 */
export function intentOf(kind: string): SourceIntent | undefined {
  return isActionKind(kind) ? actionOf(kind).intent : undefined;
}

/** Riskiest first; a severity not listed sorts last. */
const SEVERITY_ORDER = ["critical", "high", "medium", "low"];
const rank = (severity: string | undefined) => {
  const i = SEVERITY_ORDER.indexOf(severity ?? "");
  return i < 0 ? SEVERITY_ORDER.length : i;
};

/**
 * The account's recommended fix among its buttons: the action that carries out the remediation of
 * its riskiest finding (by severity, then in the order the view lists them) that one of the offered
 * actions carries out. Undefined when no button fixes any finding (Keep and Not mine never do).
 */
export function recommendedActionOf(account: {
  actions: readonly string[];
  findings: readonly { remediation: string; severity?: string | undefined }[];
}): OwnerAction | undefined {
  const offered = buttonsFor(account);
  const riskiest = account.findings
    .map((finding, i) => ({ finding, i }))
    .sort((a, b) => rank(a.finding.severity) - rank(b.finding.severity) || a.i - b.i);
  for (const { finding } of riskiest) {
    const action = offered.find((a) => a.fixes?.includes(finding.remediation));
    if (action) return action.kind;
  }
  return undefined;
}
