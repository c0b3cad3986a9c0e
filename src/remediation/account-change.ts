import type { AccountIntent, AccountValues, SourceConnector } from "../sources/source-connector.js";
import type { DecisionRecord } from "../store/decisions.js";

/** The intent each action that writes to the source stands for; the connector maps it to its writes. */
export const INTENT_OF: Record<"disable" | "restrict", AccountIntent> = {
  disable: { kind: "disable" },
  restrict: { kind: "restrict_to_api" },
};

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
  if ((undone.action !== "disable" && undone.action !== "restrict") || !undone.before) return undefined;
  const wrote = connector.intendedValues(INTENT_OF[undone.action]);
  if (!wrote) return undefined;
  const fields = Object.keys(wrote);
  return {
    intent: { kind: "restore", values: pick(undone.before, fields) },
    requires: undone.after ? pick(undone.after, fields) : wrote,
  };
}
