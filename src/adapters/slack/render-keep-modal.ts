import type { View } from "@slack/types";
import { keep } from "../../actions/keep.js";
import { KEEP_DAYS } from "../../actions/keep-duration.js";
import type { RuleName } from "../../core/model.js";
import { RULE_TITLES } from "../../messages/rule-text.js";
import { truncateText } from "../../messages/truncate-text.js";
import { BLOCK_KIT_LIMITS as L } from "./render/block-kit-limits.js";
import { sectionBlock } from "./render/slack-blocks.js";

/** The account the modal keeps, as the owner knows it (undefined: no longer in the store). */
export interface KeepModalAccount {
  userName: string;
  name: string;
  sourceTitle?: string | undefined;
  rules: readonly RuleName[];
}

/**
 * The Keep… modal: a required reason and how long the acceptance lasts (default 90 days).
 * `privateMetadata` is the sealed click context (payload, channel, ts), see seal.ts. The title and
 * first block name the account and the findings being accepted: an owner with a dozen accounts
 * in one message must see which one they are about to keep.
 */
export function renderKeepModal(target: {
  privateMetadata: string;
  account?: KeepModalAccount | undefined;
}): View {
  const { account } = target;
  const option = (days: number) => ({
    text: { type: "plain_text" as const, text: `${days} days` },
    value: String(days),
  });
  return {
    type: "modal",
    // The view listener (listeners/views/submit-reason-modal.ts) matches it by this id.
    callback_id: keep.id,
    private_metadata: target.privateMetadata,
    // plain_text: shown as written, nothing to escape; a modal title is at most 24 characters.
    title: {
      type: "plain_text",
      text: account ? truncateText(`Keep ${account.userName}`, L.modalTitle) : "Keep this account",
    },
    submit: { type: "plain_text", text: "Keep" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      ...(account ? [sectionBlock(describeKept(account))] : []),
      {
        type: "input",
        block_id: "reason",
        label: { type: "plain_text", text: "Why keep it as it is?" },
        element: { type: "plain_text_input", action_id: "reason", multiline: true, max_length: 500 },
      },
      {
        type: "input",
        block_id: "expiry",
        label: { type: "plain_text", text: "For how long? The finding comes back after." },
        element: {
          type: "static_select",
          action_id: "expiry",
          initial_option: option(KEEP_DAYS.default),
          options: KEEP_DAYS.choices.map(option),
        },
      },
    ],
  };
}

/** "*svc_x* (Export job) · ServiceNow\nAccepting: Dormant, Basic auth", plain text for sectionBlock. */
function describeKept(account: KeepModalAccount): string {
  const where = account.sourceTitle ? ` · ${account.sourceTitle}` : "";
  const rules = account.rules.map((r) => RULE_TITLES[r]).join(", ");
  return `*${truncateText(account.userName, 100)}* (${truncateText(account.name, 80)})${where}${rules ? `\nAccepting: ${rules}` : ""}`;
}
