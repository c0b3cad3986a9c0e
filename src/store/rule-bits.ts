import type { RuleName } from "../core/model.js";

/**
 * Each rule's bit in `message_accounts.rules` (migration 22): which rules a message showed of an
 * account, as one integer instead of a JSON list (a row per account per message sent, kept for
 * the retention). Fixed here, not taken from the registry's order, so reordering the registry
 * changes no stored value; a new rule takes the next free bit (the type makes it required).
 * SQLite integers hold 63 bits.
 */
export const RULE_BITS: Readonly<Record<RuleName, number>> = {
  dormant: 1,
  basic_auth: 2,
  wsao_disabled: 4,
  ui_and_api: 8,
  no_owner: 16,
  privileged: 32,
  credential_expiring: 64,
  credential_expired: 128,
  long_lived_secret: 256,
};

/** The stored bit set of `rules`. */
export function encodeRuleBits(rules: readonly string[]): number {
  let bits = 0;
  for (const rule of rules) bits |= RULE_BITS[rule as RuleName] ?? 0;
  return bits;
}

/** The rules of a stored bit set; a bit no rule has (written by a newer warden) names none. */
export function decodeRuleBits(bits: number): RuleName[] {
  return (Object.entries(RULE_BITS) as [RuleName, number][])
    .filter(([, bit]) => (bits & bit) !== 0)
    .map(([rule]) => rule);
}
