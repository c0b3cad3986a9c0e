import { ReviewError } from "../errors.js";
import type { ReviewCampaign, ReviewStatus } from "../store/reviews.js";
import type { Repositories } from "../store/store.js";

/** How far a campaign got: its accounts by answer, overdue ones (pending past the due date), per owner. */
export interface ReviewProgress {
  campaign: ReviewCampaign;
  total: number;
  counts: Record<ReviewStatus, number>;
  /** Pending after the due date (0 before it). */
  overdue: number;
  /** Per owner asked (undefined: accounts nobody reachable owns), most pending first. */
  owners: { ownerEmail: string | undefined; counts: Record<ReviewStatus, number>; total: number }[];
}

const zero = (): Record<ReviewStatus, number> => ({ pending: 0, certified: 0, disabled: 0, reassigned: 0 });

/** One campaign's progress, from its items (review_items_by_owner: one grouped read). */
export async function reviewProgress(
  store: Pick<Repositories, "reviews">,
  campaign: ReviewCampaign,
  now: Date,
): Promise<ReviewProgress> {
  const counts = zero();
  const byOwner = new Map<string, ReviewProgress["owners"][number]>();
  for (const row of await store.reviews.countReviewItems(campaign.id)) {
    counts[row.status] += row.count;
    const key = row.ownerEmail ?? "";
    const owner = byOwner.get(key) ?? { ownerEmail: row.ownerEmail, counts: zero(), total: 0 };
    owner.counts[row.status] += row.count;
    owner.total += row.count;
    byOwner.set(key, owner);
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const overdue = now.getTime() > campaign.dueAt.getTime() ? counts.pending : 0;
  const owners = [...byOwner.values()].sort(
    (a, b) => b.counts.pending - a.counts.pending || (a.ownerEmail ?? "").localeCompare(b.ownerEmail ?? ""),
  );
  return { campaign, total, counts, overdue, owners };
}

/**
 * The campaign `id`, or with none the open campaigns (newest first) and, when none is open, the
 * latest one. Unknown id: E_REVIEW_NOT_FOUND.
 */
export async function selectCampaigns(
  store: Pick<Repositories, "reviews">,
  id: number | undefined,
): Promise<ReviewCampaign[]> {
  if (id !== undefined) {
    const campaign = await store.reviews.getReviewCampaign(id);
    if (!campaign) throw new ReviewError("E_REVIEW_NOT_FOUND", `There is no access review #${id}.`);
    return [campaign];
  }
  const open = await store.reviews.listReviewCampaigns({ open: true });
  if (open.length > 0) return open;
  return store.reviews.listReviewCampaigns({ limit: 1 });
}
