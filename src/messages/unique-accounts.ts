import type { OwnerAccountView } from "./build-owner-messages.js";

/**
 * The accounts without repeats of the same source and id (first one kept). A view should never
 * repeat an account, but if one did, a repeated Slack block_id or Teams input id would make the
 * whole message rejected, so renderers drop the repeat instead.
 */
export function uniqueAccounts<T extends Pick<OwnerAccountView, "source" | "accountId">>(
  accounts: readonly T[],
): T[] {
  const seen = new Set<string>();
  return accounts.filter((a) => {
    const key = JSON.stringify([a.source, a.accountId]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
