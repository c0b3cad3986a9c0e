import type { SourceIntent } from "../actions/action-definition.js";
import { intentOf } from "../actions/action-registry.js";
import type { AccountState, AccountStateChange } from "../sources/source-connector.js";
import type { AccountValues } from "../store/decisions.js";

/**
 * The state each intent leaves a ServiceNow account in (the connector's mapping of intents to
 * writes). Disable also locks out, which ends live sessions. "restore" has no fixed state: it puts
 * back the values recorded before the action it reverses (`pick`).
 */
export const INTENT_CHANGES: Readonly<Record<Exclude<SourceIntent, "restore">, AccountStateChange>> = {
  disable: { active: false, lockedOut: true },
  restrict_to_api: { webServiceAccessOnly: true },
};

/** The state a recorded action wants in the source; undefined for Undo and warden-only actions. */
export function wantedChange(action: string): AccountStateChange | undefined {
  const intent = intentOf(action);
  return intent === undefined || intent === "restore" ? undefined : INTENT_CHANGES[intent];
}

export const valuesOf = (state: AccountState): AccountValues => ({
  active: state.active,
  lockedOut: state.lockedOut,
  webServiceAccessOnly: state.webServiceAccessOnly,
});

export const satisfies = (state: AccountValues, change: AccountStateChange): boolean =>
  Object.entries(change).every(([field, value]) => state[field as keyof AccountValues] === value);

/** The given fields of recorded values, as a change (undo restores exactly what the action changed). */
export function pick(values: AccountValues, fields: string[]): AccountStateChange {
  return Object.fromEntries(fields.map((f) => [f, values[f as keyof AccountValues]])) as AccountStateChange;
}
