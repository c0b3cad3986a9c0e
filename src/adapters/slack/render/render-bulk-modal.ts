import type { KnownBlock, View } from "@slack/types";
import { KEEP_DAYS } from "../../../actions/keep-duration.js";
import { plural } from "../../../messages/rule-text.js";
import { truncateText } from "../../../messages/truncate-text.js";
import type { BulkChoices } from "../../../remediation/bulk-choices.js";
import { sectionBlock } from "./slack-blocks.js";

/** The owner message's "Decide for several…" button and the modal's callback_id. */
export const BULK_OPEN_ACTION_ID = "warden_bulk_open";
export const BULK_MODAL_CALLBACK_ID = "warden_bulk";

/**
 * Block Kit limits of the modal's elements (docs.slack.dev block-elements): checkboxes and radio
 * buttons take at most 10 options, a multi_static_select 100, an option's text 75 characters; a
 * modal holds 100 blocks and its title 24 characters.
 */
const CHECKBOX_OPTIONS = 10;
const SELECT_OPTIONS = 100;
const OPTION_TEXT = 75;
const MODAL_BLOCKS = 100;

const plain = (text: string, max = OPTION_TEXT) => ({
  type: "plain_text" as const,
  text: truncateText(text, max),
  emoji: false,
});

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * The modal: "every account with this finding" (pre-selects a whole rule: "Disable the 51 dormant
 * accounts"), the accounts grouped by finding (one multi-select per finding, at most 100 each),
 * what to do (only actions the registry offers for at least one listed account; an account that
 * does not offer it is skipped and said so), and Keep's reason and duration.
 * State values: `rules.<n>`/`rules`, `accounts.<rule>.<n>`/`accounts`, `action`, `reason`, `expiry`.
 */
export function renderBulkModal(choices: BulkChoices, privateMetadata: string): View {
  const blocks: KnownBlock[] = [
    sectionBlock(
      `${plural(choices.accounts.length, "account")} of this message can still be decided${choices.decided > 0 ? ` (${choices.decided} already decided)` : ""}. Each one you pick is decided on its own, with the same checks as its button; the result lists what was done and what was skipped.`,
    ),
  ];
  chunks(choices.groups, CHECKBOX_OPTIONS).forEach((groups, n) => {
    blocks.push({
      type: "input",
      block_id: `rules.${n}`,
      optional: true,
      label: plain(n === 0 ? "Every account with this finding" : "More findings", 2000),
      element: {
        type: "checkboxes",
        action_id: "rules",
        options: groups.map((g) => ({
          text: plain(`All ${plural(g.accounts.length, "account")}: ${g.title}`),
          value: g.rule,
        })),
      },
    });
  });
  for (const group of choices.groups) {
    chunks(group.accounts, SELECT_OPTIONS).forEach((list, n) => {
      if (blocks.length >= MODAL_BLOCKS - 4) return;
      blocks.push({
        type: "input",
        block_id: `accounts.${group.rule}.${n}`,
        optional: true,
        label: plain(`${group.title} (${group.accounts.length})${n > 0 ? `, part ${n + 1}` : ""}`, 2000),
        element: {
          type: "multi_static_select",
          action_id: "accounts",
          placeholder: plain("Pick accounts", 150),
          options: list.map(({ index, account }) => ({
            text: plain(`${account.userName}${account.sourceTitle ? ` · ${account.sourceTitle}` : ""}`),
            value: String(index),
          })),
        },
      });
    });
  }
  blocks.push({
    type: "input",
    block_id: "action",
    label: plain("What to do with them", 2000),
    element: {
      type: "radio_buttons",
      action_id: "action",
      options: choices.actions.slice(0, CHECKBOX_OPTIONS).map((a) => ({
        text: plain(
          a.offeredFor === choices.accounts.length
            ? a.title
            : `${a.title} (offered for ${a.offeredFor} of ${choices.accounts.length})`,
        ),
        value: a.kind,
      })),
    },
  });
  if (choices.actions.some((a) => a.asksReason)) {
    blocks.push(
      {
        type: "input",
        block_id: "reason",
        optional: true,
        label: plain("Why keep them as they are? (needed for Keep)", 2000),
        element: { type: "plain_text_input", action_id: "reason", multiline: true, max_length: 500 },
      },
      {
        type: "input",
        block_id: "expiry",
        optional: true,
        label: plain("Keep for how long? The findings come back after.", 2000),
        element: {
          type: "static_select",
          action_id: "expiry",
          initial_option: { text: plain(`${KEEP_DAYS.default} days`), value: String(KEEP_DAYS.default) },
          options: KEEP_DAYS.choices.map((d) => ({ text: plain(`${d} days`), value: String(d) })),
        },
      },
    );
  }
  return {
    type: "modal",
    callback_id: BULK_MODAL_CALLBACK_ID,
    private_metadata: privateMetadata,
    title: plain("Decide for several", 24),
    submit: plain("Apply", 24),
    close: plain("Cancel", 24),
    blocks,
  };
}

/** The modal after a submission: what was done and skipped, and why (text from sources escaped). */
export function renderBulkResultModal(
  summary: string,
  lines: readonly string[],
  title = "Decide for several",
): View {
  const blocks: KnownBlock[] = [sectionBlock(`*${summary}*`)];
  // Section text holds 3,000 characters: the lines are spread over as many sections as they need.
  let current: string[] = [];
  let size = 0;
  for (const line of lines.map((l) => truncateText(l, 600))) {
    if (size + line.length + 1 > 2900 && current.length > 0) {
      blocks.push(sectionBlock(current.join("\n")));
      current = [];
      size = 0;
    }
    current.push(line);
    size += line.length + 1;
  }
  if (current.length > 0) blocks.push(sectionBlock(current.join("\n")));
  return {
    type: "modal",
    callback_id: `${BULK_MODAL_CALLBACK_ID}_done`,
    title: plain(title, 24),
    close: plain("Close", 24),
    blocks: blocks.slice(0, MODAL_BLOCKS),
  };
}
