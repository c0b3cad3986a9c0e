import { parseLookupQuery } from "../chat/parse-lookup-query.js";
import type { MachineIdentity } from "../core/model.js";
import type { DecisionSummary } from "../store/decisions.js";
import type { StoredFinding } from "../store/findings.js";
import type { Repositories } from "../store/store.js";

export type LookupView =
  | {
      found: true;
      identity: MachineIdentity;
      firstSeenAt: Date;
      lastSeenAt: Date;
      openFindings: StoredFinding[];
      resolvedFindings: StoredFinding[];
      decisions: DecisionSummary[];
      /** Its latest access review certification ("still needed"): who, when, why; absent if never. */
      certified?: { campaignId: number; by: string; at: Date; reason: string } | undefined;
    }
  | { found: false; query: string; suggestions: string[] };

/**
 * One account by sys_id, user name or display name (matched literally), with its findings and
 * decisions. The query is cleaned first (parseLookupQuery); input that is empty or too long is
 * not searched at all. Commands refuse such input with the parser's notice before they get here;
 * this guard covers the other callers (a stale button's value).
 */
export async function buildLookup(
  store: Pick<Repositories, "accounts" | "findings" | "decisions" | "reviews">,
  raw: string,
): Promise<LookupView> {
  const parsed = parseLookupQuery(raw);
  if (!parsed.ok) return { found: false, query: parsed.preview, suggestions: [] };
  const { query } = parsed;
  const match = await store.accounts.matchAccount(query);
  if (match.kind === "none")
    return { found: false, query, suggestions: await store.accounts.suggestAccounts(query) };
  if (match.kind === "several") return { found: false, query, suggestions: match.userNames };
  const { account } = match;
  const { identity } = account;
  const findings = await store.findings.listAccountFindings(identity.source, identity.id);
  const decisions = await store.decisions.listAccountDecisions(identity.source, identity.id);
  const last = await store.reviews.latestCertification(identity.source, identity.id);
  return {
    found: true,
    identity,
    firstSeenAt: account.firstSeenAt,
    lastSeenAt: account.lastSeenAt,
    openFindings: findings.filter((f) => !f.resolvedAt),
    resolvedFindings: findings.filter((f) => f.resolvedAt),
    decisions,
    ...(last
      ? { certified: { campaignId: last.campaignId, by: last.reviewer, at: last.at, reason: last.reason } }
      : {}),
  };
}
