import { STATUS_OF } from "../reviews.js";
import type { PgDb } from "./pg-db.js";

/**
 * The account's open rules as SQLite's json_group_array writes them (`["a","b"]`, no spaces, `[]`
 * when none): json_agg would write `["a", "b"]`, and review_items.findings is compared as text.
 */
const OPEN_RULES = `(SELECT coalesce('[' || string_agg(to_json(f.rule)::text, ',' ORDER BY f.rule) || ']', '[]')
    FROM findings f
   WHERE f.source = review_items.source AND f.account_id = review_items.account_id AND f.resolved_at IS NULL)`;

/**
 * src/store/reviews.ts answerReviewItems (the reviews repository's own port may replace it): one
 * UPDATE each way, so concurrent answers take the items' row locks in turn and each re-checks the status.
 */
export async function answerReviewItems(
  db: PgDb,
  decision: {
    id: number;
    source: string;
    accountId: string;
    action: string;
    reviewer: string;
    reason: string | undefined;
    decidedAt: Date;
    undoesDecisionId: number | undefined;
  },
): Promise<number> {
  if (decision.action === "undo" && decision.undoesDecisionId !== undefined) {
    return db.execute(
      `UPDATE review_items SET status = 'pending', decision_id = NULL, reviewer = NULL, reason = NULL,
              decided_at = NULL
        WHERE source = $1 AND account_id = $2 AND decision_id = $3
          AND campaign_id IN (SELECT id FROM review_campaigns WHERE closed_at IS NULL)`,
      [decision.source, decision.accountId, decision.undoesDecisionId],
    );
  }
  const status = STATUS_OF[decision.action];
  if (status === undefined) return 0;
  // A reassigned account is answered by its new owner's Still needed or Disable, not by another Not mine.
  const answerable = status === "reassigned" ? ["pending"] : ["pending", "reassigned"];
  return db.execute(
    `UPDATE review_items SET status = $1, decision_id = $2, reviewer = $3, reason = $4, decided_at = $5,
            findings = ${OPEN_RULES}
      WHERE source = $6 AND account_id = $7 AND status = ANY($8::text[])
        AND campaign_id IN (SELECT id FROM review_campaigns WHERE closed_at IS NULL)`,
    [
      status,
      decision.id,
      decision.reviewer,
      decision.reason ?? null,
      decision.decidedAt.toISOString(),
      decision.source,
      decision.accountId,
      answerable,
    ],
  );
}
