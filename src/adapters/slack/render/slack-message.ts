import type { types } from "@slack/bolt";
import type { RichText } from "../../../messages/rich-text.js";
import { BLOCK_KIT_LIMITS as L } from "./block-kit-limits.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { sectionBlock } from "./slack-blocks.js";
import { slackRichText } from "./slack-rich-text.js";

declare const escaped: unique symbol;
/** A notification `text` already escaped for Slack: only `slackMessage` makes one. */
export type FallbackText = string & { readonly [escaped]: true };

/** A message as warden sends it to Slack: escaped fallback text and blocks made by slack-blocks.ts. */
export interface SlackMessage {
  text: FallbackText;
  blocks: types.KnownBlock[];
}

/**
 * A message from plain fallback text (data in it as it is) and blocks. The top-level `text` is
 * mrkdwn too ("mrkdwn is also the default formatting method for the top-level text field",
 * https://docs.slack.dev/messaging/formatting-message-text), so it is escaped here, and cut to
 * 3,000 characters without splitting an entity: it is only a notification preview.
 */
export function slackMessage(fallback: string, blocks: types.KnownBlock[]): SlackMessage {
  return { text: escapeMrkdwn(fallback || " ", L.fallbackText) as FallbackText, blocks };
}

/**
 * A plain-text notice from the core (refusal, stale, duplicate, failure, command answer), which
 * may name accounts and people: shown in a verbatim section, followed by any `more` blocks. A
 * notice that names a time comes as `parts` too: its times become `<!date>` tokens, so each
 * reader sees them in their own zone (the fallback text keeps UTC, saying so).
 */
export function noticeMessage(
  notice: string,
  more: readonly types.KnownBlock[] = [],
  parts?: RichText,
): SlackMessage {
  return slackMessage(notice, [sectionBlock(parts ? [slackRichText(parts)] : notice), ...more]);
}

/**
 * The arguments every chat.postMessage, chat.update, chat.postEphemeral and response_url post
 * carries. `parse: "none"` because chat.update defaults to `client`, which links channel and
 * user names written in plain text; `link_names: false` so `@channel` in data pings nobody
 * (https://docs.slack.dev/reference/methods/chat.update).
 */
export function messageArgs(message: SlackMessage): {
  text: string;
  blocks?: types.KnownBlock[];
  parse: "none";
  link_names: false;
} {
  return {
    text: message.text,
    ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
    parse: "none",
    link_names: false,
  };
}
