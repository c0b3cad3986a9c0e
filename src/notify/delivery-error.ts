import { WardenError } from "../errors.js";

/** Whether a failed delivery is worth trying again. */
export type DeliveryRetry = "later" | "never";

export interface DeliveryErrorOptions {
  /** "later" (default): the cause can clear, the message stays queued; "never": a permanent refusal. */
  retry?: DeliveryRetry;
  /** The earliest time the cause can have cleared, e.g. when a cached "not found" answer expires. */
  notBefore?: Date | undefined;
  /** Every other message of this platform would fail the same way (a revoked token): stop the run. */
  stopsRun?: boolean;
  cause?: unknown;
}

/**
 * A delivery failed, and the platform's answer says whether it can succeed later: `retry` "later"
 * (not installed yet, not in the workspace yet, 5xx, network) keeps the message queued with backoff;
 * "never" (archived channel, deactivated user, messages blocked, bad token) marks it failed.
 * Senders turn platform errors into this (toSlackDeliveryError, toOutboxError); any other error a
 * sender throws is treated as a permanent refusal, since waiting does not fix a bug.
 */
export class DeliveryError extends WardenError {
  readonly retry: DeliveryRetry;
  readonly notBefore: Date | undefined;
  readonly stopsRun: boolean;

  constructor(message: string, options: DeliveryErrorOptions = {}) {
    const retry = options.retry ?? "later";
    super(retry === "later" ? "E_DELIVERY_RETRY" : "E_DELIVERY_REFUSED", message, { cause: options.cause });
    this.retry = retry;
    this.notBefore = options.notBefore;
    this.stopsRun = options.stopsRun ?? false;
  }
}

/**
 * The recipient of a direct message cannot be reached on this platform (no user with that email,
 * the bot not installed for them, messages blocked, user deactivated). Their accounts go to the
 * admin channel instead; with `retry` "later" (the default) their own message stays queued too.
 */
export class UnreachableRecipientError extends DeliveryError {}
