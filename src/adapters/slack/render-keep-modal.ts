import type { View } from "@slack/types";
import { type ActionPayload, encodeActionPayload } from "../../views/action-payload.js";

/** The Keep… modal: a required reason and how long the acceptance lasts (default 90 days). */
export function renderKeepModal(target: {
  payload: ActionPayload;
  channel?: string | undefined;
  ts?: string | undefined;
}): View {
  const option = (days: number) => ({
    text: { type: "plain_text" as const, text: `${days} days` },
    value: String(days),
  });
  return {
    type: "modal",
    callback_id: "warden_keep",
    private_metadata: JSON.stringify({
      payload: JSON.parse(encodeActionPayload(target.payload)),
      channel: target.channel,
      ts: target.ts,
    }),
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
          initial_option: option(90),
          options: [option(30), option(60), option(90), option(180)],
        },
      },
    ],
  };
}
