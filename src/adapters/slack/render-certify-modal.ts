import type { View } from "@slack/types";
import { certify } from "../../actions/certify.js";
import { dayOf } from "../../messages/rich-text.js";
import { truncateText } from "../../messages/truncate-text.js";
import { BLOCK_KIT_LIMITS as L } from "./render/block-kit-limits.js";
import { sectionBlock } from "./render/slack-blocks.js";
import { slackRichText } from "./render/slack-rich-text.js";

/** The account the owner certifies, as they know it, and the review asking (undefined: no longer in the store). */
export interface CertifyModalAccount {
  userName: string;
  name: string;
  sourceTitle?: string | undefined;
  review?: { id: number; dueAt: Date } | undefined;
}

/** The reason's label, and the field error of an empty one (listeners/views/submit-reason-modal.ts). */
export const CERTIFY_REASON_LABEL = "What still uses it, and why is it needed?";
export const CERTIFY_REASON_MISSING = "Say what still uses the account and why it is needed.";

/**
 * The Still needed… modal of an access review: it names the account (an owner with a dozen in one
 * review message must see which one they vouch for) and the review, and asks the reason, which
 * is required: it is what an auditor reads in the report. `privateMetadata` is the sealed click
 * context, as for the Keep modal (seal.ts).
 */
export function renderCertifyModal(target: {
  privateMetadata: string;
  account?: CertifyModalAccount | undefined;
}): View {
  const { account } = target;
  return {
    type: "modal",
    // The view listener (listeners/views/submit-reason-modal.ts) matches it by this id.
    callback_id: certify.id,
    private_metadata: target.privateMetadata,
    // plain_text: shown as written, nothing to escape; a modal title is at most 24 characters.
    title: {
      type: "plain_text",
      text: account ? truncateText(`Still needed: ${account.userName}`, L.modalTitle) : "Still needed",
    },
    submit: { type: "plain_text", text: "Still needed" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      ...(account ? [describeCertified(account)] : []),
      {
        type: "input",
        block_id: "reason",
        label: { type: "plain_text", text: CERTIFY_REASON_LABEL },
        element: { type: "plain_text_input", action_id: "reason", multiline: true, max_length: 500 },
      },
    ],
  };
}

/** "*svc_x* (Export job) · ServiceNow\nAccess review #3, due <date>", escaped by sectionBlock. */
function describeCertified(account: CertifyModalAccount) {
  const where = account.sourceTitle ? ` · ${account.sourceTitle}` : "";
  const head = `*${truncateText(account.userName, 100)}* (${truncateText(account.name, 80)})${where}`;
  if (!account.review) return sectionBlock(head);
  return sectionBlock([
    `${head}\nAccess review #${account.review.id}, due `,
    slackRichText([dayOf(account.review.dueAt)]),
    ": saying it is still needed is recorded with your name and reason for the auditors.",
  ]);
}
