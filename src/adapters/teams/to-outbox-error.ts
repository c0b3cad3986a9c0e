import { RateLimitedError } from "../../notify/deliver-outbox.js";
import { DeliveryError, UnreachableRecipientError } from "../../notify/delivery-error.js";

/** What botbuilder's connector client (an @azure/core-http RestError) carries on failure. */
interface ConnectorError {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get?: (name: string) => string | undefined } };
}

/**
 * The 403 sub-code that means the user blocked or uninstalled the bot
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages).
 */
const BLOCKED = /MessageWritesBlocked|blocked/i;
/**
 * The 403 that means the bot is not installed for the user or in the conversation (yet)
 * (https://github.com/MicrosoftDocs/bot-docs/issues/1527).
 */
const NOT_INSTALLED = /BotNotInConversationRoster|not part of the conversation roster/i;
/** Node and undici codes of a request that never got an answer. */
const NETWORK =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+|REQUEST_SEND_ERROR)$/;

/**
 * Turns a Bot Connector failure into what the outbox understands (statuses and sub-codes:
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages):
 * - 429 → RateLimitedError (wait Retry-After; botbuilder already retried a few times);
 * - 403 MessageWritesBlocked → the user blocked or uninstalled warden: unreachable, for good;
 * - 403 BotNotInConversationRoster → warden is not installed for them yet: unreachable, retried
 *   (an install or conversationUpdate event retries at once);
 * - 404 → the conversation (or message) was deleted: refused (unreachable for a direct message);
 * - 401 and other 4xx → refused; 401 also stops the run (the credentials are wrong for everyone);
 * - 5xx, 408 and network errors → retried later.
 * `options.direct`: the item is an owner's direct message. A DeliveryError passes through; anything
 * else is returned as is (the outbox refuses it).
 */
export function toOutboxError(
  error: unknown,
  recipient: string,
  options: { direct?: boolean } = {},
): unknown {
  if (error instanceof DeliveryError || error instanceof RateLimitedError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as ConnectorError;
  const status = e.statusCode;
  if (status === 429) {
    const seconds = Number(e.response?.headers?.get?.("retry-after") ?? 1);
    return new RateLimitedError(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000);
  }
  const text = `${e.code ?? ""} ${e.message ?? ""}`;
  const Failure = options.direct ? UnreachableRecipientError : DeliveryError;
  if (status === 403 && BLOCKED.test(text)) {
    return new UnreachableRecipientError(
      `Teams cannot reach ${recipient}: MessageWritesBlocked (the user blocked or uninstalled warden)`,
      { retry: "never", cause: error },
    );
  }
  if (status === 403 && NOT_INSTALLED.test(text)) {
    return new Failure(
      `Teams cannot reach ${recipient}: BotNotInConversationRoster (warden is not installed for the user)`,
      { cause: error },
    );
  }
  const code = e.code ? ` ${e.code}` : "";
  if (status === 404) {
    return new Failure(`Teams cannot reach ${recipient}: 404${code} (the conversation was deleted)`, {
      retry: "never",
      cause: error,
    });
  }
  if (status !== undefined && (status >= 500 || status === 408)) {
    return new DeliveryError(`Teams answered HTTP ${status} for ${recipient}`, { cause: error });
  }
  if (status !== undefined && status >= 400) {
    return new DeliveryError(`Teams refused the message to ${recipient}: HTTP ${status}${code}`, {
      retry: "never",
      stopsRun: status === 401,
      cause: error,
    });
  }
  if (status === undefined && e.code && NETWORK.test(e.code)) {
    return new DeliveryError(`Teams could not be reached for ${recipient} (${e.code})`, { cause: error });
  }
  return error;
}
