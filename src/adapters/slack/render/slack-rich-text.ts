import { formatDay, formatTime } from "../../../messages/format-text.js";
import { isRichTime, type PersonRef, type RichText, type RichTime } from "../../../messages/rich-text.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";

declare const trusted: unique symbol;
/** mrkdwn warden wrote itself, data already escaped; made only by `slackRichText`. */
export interface SlackMrkdwn {
  readonly [trusted]: true;
  readonly mrkdwn: string;
}

export const isSlackMrkdwn = (value: unknown): value is SlackMrkdwn =>
  typeof value === "object" && value !== null && "mrkdwn" in value;

/** A Slack user id as Slack writes it (U… or W… for Enterprise Grid users). */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/**
 * `<!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13 UTC>`: Slack shows the time in
 * each reader's own time zone and locale, and the fallback (in UTC, saying so) where it cannot
 * (https://docs.slack.dev/messaging/formatting-message-text#date-formatting). One token serves a
 * channel of readers in many zones, with no users.info call.
 */
function slackDate(part: RichTime): string {
  const unix = Math.floor(part.time.getTime() / 1000);
  if (part.show === "day") return `<!date^${unix}^{date_short_pretty}|${formatDay(part.time)}>`;
  return `<!date^${unix}^{date_short_pretty} {time}|${formatTime(part.time)}>`;
}

/** `<@U123>` for a Slack user warden knows, so Slack shows their name; else the email, escaped. */
function slackPerson(ref: PersonRef, mention: boolean): string {
  if (mention && ref.platform === "slack" && ref.id && SLACK_USER_ID.test(ref.id)) return `<@${ref.id}>`;
  return escapeMrkdwn(ref.display);
}

/**
 * A line of parts as Slack mrkdwn: text escaped (escapeMrkdwn), times as `<!date>` tokens and
 * known Slack users as mentions. `mention: false` writes people as their email (the digest: a
 * weekly channel post should not notify everyone it names).
 */
export function slackRichText(parts: RichText, options: { mention?: boolean } = {}): SlackMrkdwn {
  const mention = options.mention ?? true;
  const mrkdwn = parts
    .map((part) => {
      if (typeof part === "string") return escapeMrkdwn(part);
      if (isRichTime(part)) return slackDate(part);
      return slackPerson(part.person, mention);
    })
    .join("");
  return { mrkdwn } as unknown as SlackMrkdwn;
}

/** Trusted mrkdwn and plain text (escaped) as one mrkdwn string. */
export function slackMrkdwnOf(text: string | SlackMrkdwn): string {
  return isSlackMrkdwn(text) ? text.mrkdwn : escapeMrkdwn(text);
}

/** Joins mrkdwn parts and plain text (escaped), as one trusted mrkdwn. */
export function joinSlackMrkdwn(parts: readonly (string | SlackMrkdwn)[]): SlackMrkdwn {
  return { mrkdwn: parts.map(slackMrkdwnOf).join("") } as unknown as SlackMrkdwn;
}
