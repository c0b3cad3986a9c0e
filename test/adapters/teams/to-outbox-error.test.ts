import { describe, expect, it } from "vitest";
import { toOutboxError } from "../../../src/adapters/teams/to-outbox-error.js";
import { RateLimitedError } from "../../../src/notify/deliver-outbox.js";
import { DeliveryError, UnreachableRecipientError } from "../../../src/notify/delivery-error.js";

/** A failure shaped as botbuilder's connector client raises it (a RestError). */
const restError = (statusCode: number | undefined, code: string, message = "") =>
  Object.assign(new Error(message), { statusCode, code });

const classify = (error: unknown, direct = true) => {
  const mapped = toOutboxError(error, "ann@acme.example", { direct });
  return mapped instanceof DeliveryError
    ? {
        retry: mapped.retry,
        unreachable: mapped instanceof UnreachableRecipientError,
        stopsRun: mapped.stopsRun,
      }
    : mapped;
};

describe("toOutboxError: which Bot Connector failures are retried", () => {
  it("retries 5xx, 408 and network failures; a direct message is not rerouted for them", () => {
    for (const error of [
      restError(500, "InternalServerError"),
      restError(503, "ServiceUnavailable"),
      restError(408, "RequestTimeout"),
      restError(undefined, "ECONNREFUSED"),
      restError(undefined, "REQUEST_SEND_ERROR"),
    ]) {
      expect(classify(error)).toEqual({ retry: "later", unreachable: false, stopsRun: false });
    }
  });

  it("retries an owner behind BotNotInConversationRoster, and reroutes their accounts", () => {
    expect(
      classify(
        restError(403, "BotNotInConversationRoster", "The bot is not part of the conversation roster."),
      ),
    ).toEqual({ retry: "later", unreachable: true, stopsRun: false });
  });

  it("refuses MessageWritesBlocked and a deleted conversation for good", () => {
    expect(
      classify(restError(403, "Forbidden", "bot is not allowed to send messages (MessageWritesBlocked)")),
    ).toEqual({
      retry: "never",
      unreachable: true,
      stopsRun: false,
    });
    expect(classify(restError(404, "ConversationNotFound"))).toEqual({
      retry: "never",
      unreachable: true,
      stopsRun: false,
    });
    expect(classify(restError(404, "ConversationNotFound"), false)).toEqual({
      retry: "never",
      unreachable: false,
      stopsRun: false,
    });
  });

  it("refuses a 401 and stops the run: the credentials are wrong for every message", () => {
    expect(classify(restError(401, "Unauthorized"))).toEqual({
      retry: "never",
      unreachable: false,
      stopsRun: true,
    });
  });

  it("turns a 429 into a wait of Retry-After, and leaves unknown errors to the outbox", () => {
    const throttled = Object.assign(restError(429, "Throttled"), {
      response: { headers: { get: (name: string) => (name === "retry-after" ? "7" : undefined) } },
    });
    const wait = toOutboxError(throttled, "x");
    expect(wait).toBeInstanceOf(RateLimitedError);
    expect((wait as RateLimitedError).retryAfterMs).toBe(7000);
    expect((wait as RateLimitedError).code).toBe("E_DELIVERY_RATE_LIMITED");
    const bug = new TypeError("cannot read properties of undefined");
    expect(toOutboxError(bug, "x")).toBe(bug);
  });
});
