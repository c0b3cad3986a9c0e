import type { OwnerMessageView } from "../../../messages/build-owner-messages.js";
import { describeOwnerIntro, describeSupersededParts } from "../../../messages/describe-owner-message.js";
import { plainRichText } from "../../../messages/rich-text.js";
import { plural } from "../../../messages/rule-text.js";
import { bulkChoices } from "../../../remediation/bulk-choices.js";
import { BLOCK_KIT_LIMITS } from "./block-kit-limits.js";
import { fitAccountBlocks } from "./fit-account-blocks.js";
import { BULK_OPEN_ACTION_ID } from "./render-bulk-modal.js";
import { headerBlock, sectionBlock } from "./slack-blocks.js";
import { type SlackMessage, slackMessage } from "./slack-message.js";
import { slackRichText } from "./slack-rich-text.js";

/** Options shared by the owner and admin renderers. */
export interface AccountListOptions {
  /** Outbox id of the message, carried in every button so a second click is recognised. */
  messageId?: number | undefined;
  /** Decides whether Undo is still offered. */
  now: Date;
  /** At most this many accounts in full (default 10); fewer when the limits are reached first. */
  maxAccounts?: number | undefined;
  /** A newer message replaced this one: no action buttons (an Undo still open stays). */
  superseded?: boolean | undefined;
}

/**
 * One direct message for one owner: the riskiest accounts first, each with findings, evidence,
 * what a change would touch and buttons (or the decision taken). An owner with hundreds of accounts
 * still gets one readable message: the rest become counts per rule and a `/warden lookup` hint.
 */
export function renderOwnerMessageBlocks(
  message: OwnerMessageView,
  options: AccountListOptions,
): SlackMessage {
  const count = message.accounts.length;
  const needs = count === 1 ? "needs" : "need";
  const superseded = describeSupersededParts(message);
  const head = [
    headerBlock("Machine identities that need your attention"),
    // A superseded message says so first: the owner acts from the newer one.
    ...(superseded ? [sectionBlock([":arrow_down: *", slackRichText(superseded), "*"])] : []),
    sectionBlock(describeOwnerIntro(message)),
  ];
  const blocks = fitAccountBlocks(head, message.accounts, { ...options, superseded: !!superseded }, "owner");
  // "Decide for several…" opens the bulk modal (listeners/actions/open-bulk-modal.ts) over every
  // account of the message, including those summarised in the last line; last, when room is left.
  if (
    !superseded &&
    options.messageId !== undefined &&
    bulkChoices(message).accounts.length >= 2 &&
    blocks.length < BLOCK_KIT_LIMITS.blocksPerMessage
  ) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: BULK_OPEN_ACTION_ID,
          text: { type: "plain_text", text: "Decide for several…" },
          value: JSON.stringify({ m: options.messageId }),
        },
      ],
    });
  }
  const text = superseded
    ? `warden: ${plainRichText(superseded)}`
    : `warden: ${plural(count, "machine identity", "machine identities")} you own ${needs} attention`;
  return slackMessage(text, blocks);
}
