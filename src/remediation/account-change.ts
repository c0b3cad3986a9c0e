import { intentOf } from "../actions/action-registry.js";
import type { AccountIntent, AccountValues, SourceConnector } from "../sources/source-connector.js";
import type { DecisionRecord } from "../store/decisions.js";

/**
 * The intent a recorded action that writes to the source stands for (the action registry says),
 * which the connector maps to its writes. Undefined for Undo (its intent is built from the decision
 * it reverses: undoIntent) and for actions that only change warden's own records.
 */
export function intentOfAction(action: string): AccountIntent | undefined {
  const kind = intentOf(action);
  return kind === undefined || kind === "restore" ? undefined : { kind };
}

export const satisfies = (state: AccountValues, wanted: AccountValues): boolean =>
  Object.entries(wanted).every(([field, value]) => state[field] === value);

/** The given fields of recorded values (undo restores exactly what the action changed). */
export function pick(values: AccountValues, fields: string[]): AccountValues {
  return Object.fromEntries(fields.map((f) => [f, values[f] ?? null]));
}

/**
 * What undoing an applied Disable or Restrict asks of the source: restore the values recorded
 * before it, of exactly the fields it wrote, and only while the account still holds what it wrote.
 * Undefined when the decision is not one that can be undone (or its source cannot say what it wrote).
 */
export function undoIntent(
  connector: SourceConnector,
  undone: Pick<DecisionRecord, "action" | "before" | "after">,
): { intent: AccountIntent; requires: AccountValues } | undefined {
  const intent = intentOfAction(undone.action);
  if (!intent || !undone.before) return undefined;
  const wrote = connector.intendedValues(intent);
  if (!wrote) return undefined;
  const fields = Object.keys(wrote);
  return {
    intent: { kind: "restore", values: pick(undone.before, fields) },
    requires: undone.after ? pick(undone.after, fields) : wrote,
  };
}
