import { ErrorCode } from "@slack/web-api";
import { DeliveryError, UnreachableRecipientError } from "../../notify/delivery-error.js";

/** What the Slack SDK's errors carry (WebAPIPlatformError, WebAPIHTTPError, WebAPIRequestError). */
interface SlackSdkError {
  code?: string;
  statusCode?: number;
  data?: { error?: string };
}

/**
 * Slack error codes that are refusals: waiting does not change the answer. Most are documented
 * per method (https://docs.slack.dev/reference/methods/chat.postMessage#errors,
 * https://docs.slack.dev/reference/methods/conversations.open#errors).
 */
const REFUSALS: Readonly<Record<string, string>> = {
  is_archived: "the channel is archived",
  not_in_channel:
    "warden is not a member of the channel (invite it, or add the chat:write.public scope for a public channel)",
  restricted_action: "a workspace preference does not let warden post there",
  user_disabled: "the user is deactivated in Slack",
  account_inactive: "Slack says the account is inactive (deactivated)",
  cannot_dm_bot: "the recipient is a bot",
  invalid_auth: "SLACK_BOT_TOKEN is not valid",
  not_authed: "no Slack token was sent",
  token_revoked: "SLACK_BOT_TOKEN was revoked",
  token_expired: "SLACK_BOT_TOKEN expired",
  missing_scope: "SLACK_BOT_TOKEN lacks a scope warden needs (see warden doctor)",
};

/** Refusals of the token itself: every further call of the run would be refused the same way. */
const TOKEN_REFUSALS = new Set(["invalid_auth", "not_authed", "token_revoked", "token_expired"]);

/** Refusals about the recipient: an owner with one of these cannot be reached. */
const USER_REFUSALS = new Set(["user_disabled", "account_inactive", "cannot_dm_bot"]);

/** Slack's own trouble: worth another try later. */
const TRANSIENT = new Set([
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

/**
 * Turns a Slack Web API failure into a DeliveryError that says whether it can clear.
 * `context.direct`: the item is a direct message to an owner (user errors make them unreachable);
 * `context.deliveredBefore`: warden has posted to this channel before, so channel_not_found now
 * means it was deleted or warden was removed from it (a refusal) rather than not there yet.
 * Anything that is not a Slack SDK error is returned as is.
 */
export function toSlackDeliveryError(
  error: unknown,
  context: { recipient: string; direct: boolean; deliveredBefore: () => boolean },
): unknown {
  if (error instanceof DeliveryError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as SlackSdkError;
  const to = context.direct ? context.recipient : `channel ${context.recipient}`;
  if (e.code === ErrorCode.RequestError) {
    return new DeliveryError(`Slack could not be reached for ${to} (network error)`, { cause: error });
  }
  if (e.code === ErrorCode.HTTPError) {
    const status = e.statusCode ?? 0;
    return new DeliveryError(`Slack answered HTTP ${status} for ${to}`, {
      retry: status >= 500 || status === 408 ? "later" : "never",
      cause: error,
    });
  }
  if (e.code !== ErrorCode.PlatformError) return error;
  const code = e.data?.error ?? "unknown_error";
  const Failure = context.direct ? UnreachableRecipientError : DeliveryError;
  if (code === "channel_not_found" && !context.direct) {
    return context.deliveredBefore()
      ? new DeliveryError(
          `Slack cannot post to ${to}: channel_not_found (the channel was deleted, or warden was removed from a private channel)`,
          { retry: "never", cause: error },
        )
      : new DeliveryError(
          `Slack cannot post to ${to} yet: channel_not_found (a private channel needs warden invited)`,
          { cause: error },
        );
  }
  if (code === "users_not_found" || code === "user_not_found" || code === "channel_not_found") {
    return new Failure(`Slack cannot reach ${to} yet: ${code}`, { cause: error });
  }
  const refusal = REFUSALS[code];
  if (refusal) {
    const Refused = USER_REFUSALS.has(code) ? Failure : DeliveryError;
    return new Refused(`Slack refused the message to ${to}: ${code} (${refusal})`, {
      retry: "never",
      stopsRun: TOKEN_REFUSALS.has(code),
      cause: error,
    });
  }
  return new DeliveryError(`Slack refused the message to ${to}: ${code}`, {
    retry: TRANSIENT.has(code) ? "later" : "never",
    cause: error,
  });
}
