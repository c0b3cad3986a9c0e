import type { Logger } from "../logger.js";
import type { ActionResult } from "../remediation/action-request.js";
import type { DefaultDecisionRequest } from "../remediation/decide-by-default.js";
import type { ReviewCampaign, ReviewItem } from "../store/reviews.js";
import type { Repositories } from "../store/store.js";
import { yieldToLoop } from "../yield-to-loop.js";

/** Items read at a time. */
const PAGE = 200;
/** Decisions in flight at once: each is a round trip to the source (as a bulk decision's, BULK_CONCURRENCY). */
const CONCURRENCY = 4;

export interface ReviewDefaultsResult {
  /** Decided by the default (applied, dry run, ticket opened, or already disabled). */
  decided: number;
  /** Attempted and failed, or refused by the source's or the database's state: left pending. */
  failed: number;
  /** Not attempted again: another decision on the account was under way or repeated. */
  skipped: number;
}

/**
 * REVIEW_DEFAULT=disable at the due date: each account still pending whose owner was warned two
 * days before is disabled by warden itself (`decide`, createDefaultDecider: the click's path with
 * actor "warden:review default"), each its own decision and audit entry, which also answers the
 * campaign's account (disabled, reviewer "warden (review default)"). Accounts nobody reachable owns,
 * or whose owner was never warned (their review message never reached them), are left pending:
 * warden does not disable what it did not announce. A few decisions at a time, the event loop
 * served between them.
 */
export async function applyReviewDefaults(
  store: Pick<Repositories, "reviews">,
  campaign: ReviewCampaign,
  deps: { decide: (request: DefaultDecisionRequest) => Promise<ActionResult>; logger: Logger },
): Promise<ReviewDefaultsResult> {
  const result: ReviewDefaultsResult = { decided: 0, failed: 0, skipped: 0 };
  if (campaign.defaultDecision !== "disable") return result;
  const reason = `Not certified by the due date of access review #${campaign.id} (REVIEW_DEFAULT=disable).`;
  let after: { source: string; accountId: string } | undefined;
  for (;;) {
    const page = await store.reviews.listReviewItemsPage(campaign.id, { after, limit: PAGE });
    if (page.length === 0) break;
    const last = page.at(-1);
    after = last && { source: last.source, accountId: last.accountId };
    const due = page.filter(
      (i) => i.status === "pending" && i.ownerEmail !== undefined && i.warnedAt !== undefined,
    );
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const item = due[next++] as ReviewItem;
        try {
          const decided = await deps.decide({
            action: "disable",
            source: item.source,
            accountId: item.accountId,
            campaignId: campaign.id,
            reason,
            askedAt: campaign.startedAt,
          });
          if (decided.status === "done") result.decided += 1;
          else if (decided.status === "duplicate") result.skipped += 1;
          else result.failed += 1;
        } catch (error) {
          // One account's unexpected error does not stop the others; it stays pending.
          result.failed += 1;
          deps.logger.error(
            { err: error, campaign: campaign.id, account: item.accountId },
            "could not apply the access review default",
          );
        }
        await yieldToLoop();
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
  }
  return result;
}
