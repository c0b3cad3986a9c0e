import type { types } from "@slack/bolt";
import { BASIC_AUTH_ADVICE } from "../../../actions/block-basic-auth.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { mrkdwnText } from "./slack-blocks.js";

/**
 * One short line with ServiceNow's Basic Auth Restriction page, under the accounts of a message
 * where a shown account has a Basic-auth finding no button blocks (Web Service Access Only, or no
 * Basic Auth Exception table): once per message, not per account, since a link per account (~150
 * characters each) pushed accounts out of the message's text budget. The link is warden's own
 * constant (mrkdwn link syntax: https://docs.slack.dev/messaging/formatting-message-text#linking-urls).
 */
export function renderBasicAuthAdviceBlock(): types.KnownBlock {
  return {
    type: "context",
    elements: [
      mrkdwnText("Basic auth where no button above blocks it:", 100),
      {
        type: "mrkdwn",
        text: `<${BASIC_AUTH_ADVICE.url}|${escapeMrkdwn(BASIC_AUTH_ADVICE.linkText, 100)}>`,
        verbatim: true,
      },
    ],
  };
}
