import type { AccountState, AccountStateChange } from "../sources/source-connector.js";
import type { AccountValues } from "../store/decisions.js";

/** The state each action leaves an account in. Disable also locks out, which ends live sessions. */
export const WANTED: Record<"disable" | "restrict", AccountStateChange> = {
  disable: { active: false, lockedOut: true },
  restrict: { webServiceAccessOnly: true },
};

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
