import { RateLimitedError, UnreachableRecipientError } from "../../notify/deliver-outbox.js";

/** What botbuilder's connector client (an @azure/core-http RestError) carries on failure. */
interface ConnectorError {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get?: (name: string) => string | undefined } };
}

/** The 403 sub-codes that mean "this user cannot get messages from the bot" (chat.md §8, §11). */
const UNREACHABLE =
  /MessageWritesBlocked|BotNotInConversationRoster|not part of the conversation roster|blocked/i;

/**
 * Turns a Bot Connector failure into what the outbox understands: 429 → RateLimitedError (wait
 * Retry-After; botbuilder already retried a few times), a 403 that says the user blocked or never
 * installed the bot → UnreachableRecipientError with the reason. Anything else is returned as is.
 */
export function toOutboxError(error: unknown, recipient: string): unknown {
  const e = (typeof error === "object" && error !== null ? error : {}) as ConnectorError;
  if (e.statusCode === 429) {
    const seconds = Number(e.response?.headers?.get?.("retry-after") ?? 1);
    return new RateLimitedError(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000);
  }
  const text = `${e.code ?? ""} ${e.message ?? ""}`;
  if (e.statusCode === 403 && UNREACHABLE.test(text)) {
    const reason = /MessageWritesBlocked|blocked/i.test(text)
      ? "MessageWritesBlocked (the user blocked or uninstalled warden)"
      : "BotNotInConversationRoster (warden is not installed for the user)";
    return new UnreachableRecipientError(`Teams cannot reach ${recipient}: ${reason}`);
  }
  return error;
}
