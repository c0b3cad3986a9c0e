/** What the outbox records on an admin-channel message that carries an unreachable owner's accounts. */
export interface ReroutedView {
  /** The owner warden could not reach (their email). */
  unreachableOwner?: string | undefined;
  /** Why, as the platform said it. */
  reason?: string | undefined;
  /** true: the owner's own message stays queued and is sent once they can be reached. */
  ownerRetried?: boolean | undefined;
}

/**
 * The plain-text notice on top of rerouted accounts: whom warden could not reach, why, and
 * whether the owner still gets their message later. Undefined for an ordinary admin list.
 */
export function describeReroute(view: ReroutedView): string | undefined {
  if (!view.unreachableOwner) return undefined;
  const why = view.reason ? `: ${view.reason}` : "";
  const next = view.ownerRetried
    ? "warden keeps trying and sends them their message once they can be reached; until then the accounts are here."
    : "warden will not try them again: assign another owner below if they should not keep these accounts.";
  return `Rerouted: warden could not reach the owner ${view.unreachableOwner}${why}. ${next}`;
}
