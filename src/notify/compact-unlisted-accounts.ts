import type { OwnerAccountView } from "../messages/build-owner-messages.js";
import { uniqueAccounts } from "../messages/unique-accounts.js";

/**
 * Accounts an admin-channel list carries whole: twice what any renderer lists (Slack and Teams
 * list 10, fewer when they would not fit: fit-account-blocks.ts, fit-account-card-items.ts).
 */
export const LISTED_IN_FULL = 20;

/**
 * The accounts of an admin-channel list as it is queued: the first LISTED_IN_FULL whole, the
 * others only as the renderers count them in "… and 1,594 more accounts (Dormant 900, …)" and as
 * the sent message records them (message_accounts): ids, names and their findings' rules, without
 * evidence, usage, actions or links. At 50,000 identities the admin channel's first list of the
 * 1,614 accounts nobody reachable owns was 5.3 MB of JSON; encoding and packing it at queue time,
 * and unpacking it at delivery, each held the event loop 80–160 ms.
 */
export function compactUnlistedAccounts(
  accounts: readonly OwnerAccountView[],
  keep = LISTED_IN_FULL,
): OwnerAccountView[] {
  return uniqueAccounts(accounts).map((account, i) => (i < keep ? account : unlisted(account)));
}

function unlisted(account: OwnerAccountView): OwnerAccountView {
  return {
    source: account.source,
    sourceKind: account.sourceKind,
    accountId: account.accountId,
    userName: account.userName,
    name: account.name,
    active: account.active,
    webServiceAccessOnly: account.webServiceAccessOnly,
    findings: account.findings.map(({ rule, severity, remediation }) => ({
      rule,
      severity,
      summary: "",
      evidence: [],
      remediation,
    })),
    risk: account.risk,
    uniqueApiCalls7d: [],
    authMethods30d: undefined,
    actions: [],
    ...(account.campaignId === undefined ? {} : { campaignId: account.campaignId }),
  };
}
