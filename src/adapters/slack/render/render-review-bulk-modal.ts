import type { View } from "@slack/types";
import type { ReviewMessageView } from "../../../messages/review-message-view.js";
import { plural } from "../../../messages/rule-text.js";
import { truncateText } from "../../../messages/truncate-text.js";
import type { BulkAccountChoice } from "../../../remediation/bulk-choices.js";
import { BLOCK_KIT_LIMITS as L } from "./block-kit-limits.js";
import { sectionBlock } from "./slack-blocks.js";

/** The review message's "Still needed for all…" button and its modal's callback_id. */
export const REVIEW_BULK_OPEN_ACTION_ID = "warden_review_bulk_open";
export const REVIEW_BULK_CALLBACK_ID = "warden_review_bulk";
export const REVIEW_BULK_TITLE = "Still needed for all";

/** The reason's label, and the field error of an empty one. */
export const REVIEW_BULK_REASON_LABEL = "What still uses them, and why are they needed?";
export const REVIEW_BULK_REASON_MISSING = "Say what still uses these accounts and why they are needed.";

/** Account names listed in the modal before "and N more": the section holds 3,000 characters. */
const NAMES_SHOWN = 40;

const plain = (text: string) => ({ type: "plain_text" as const, text, emoji: false });

/**
 * The "Still needed for all…" modal over a review message's accounts not yet answered: which
 * ones (by name), that each becomes its own decision with the same checks as its button, and one
 * required reason for all of them. The message, its location and the user ride in it sealed.
 */
export function renderReviewBulkModal(
  view: ReviewMessageView,
  open: readonly BulkAccountChoice[],
  privateMetadata: string,
): View {
  const names = open.slice(0, NAMES_SHOWN).map(({ account }) => truncateText(account.userName, 60));
  const more = open.length > NAMES_SHOWN ? `, and ${open.length - NAMES_SHOWN} more` : "";
  const answered = view.accounts.length - open.length;
  return {
    type: "modal",
    callback_id: REVIEW_BULK_CALLBACK_ID,
    private_metadata: privateMetadata,
    title: plain(REVIEW_BULK_TITLE),
    submit: plain("Still needed"),
    close: plain("Cancel"),
    blocks: [
      sectionBlock(
        `Access review #${view.campaign.id}: say the ${plural(open.length, "account")} of this message not yet answered ${open.length === 1 ? "is" : "are"} still needed${answered > 0 ? ` (${answered} already answered)` : ""}: ${names.join(", ")}${more}.\n` +
          "Each one is recorded as its own decision with this reason, with the same checks as its button; the result lists what was done and what was skipped.",
        L.sectionText,
      ),
      {
        type: "input",
        block_id: "reason",
        label: plain(REVIEW_BULK_REASON_LABEL),
        element: { type: "plain_text_input", action_id: "reason", multiline: true, max_length: 500 },
      },
    ],
  };
}
