import type { View } from "@slack/types";
import { keep } from "../../actions/keep.js";
import { KEEP_DAYS } from "../../actions/keep-duration.js";

/**
 * The Keep… modal: a required reason and how long the acceptance lasts (default 90 days).
 * `privateMetadata` is the sealed click context (payload, channel, ts), see seal.ts.
 */
export function renderKeepModal(target: { privateMetadata: string }): View {
  const option = (days: number) => ({
    text: { type: "plain_text" as const, text: `${days} days` },
    value: String(days),
  });
  return {
    type: "modal",
    // The view listener (listeners/views/submit-keep-modal.ts) matches it by this id.
    callback_id: keep.id,
    private_metadata: target.privateMetadata,
    title: { type: "plain_text", text: "Keep this account" },
    submit: { type: "plain_text", text: "Keep" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
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
