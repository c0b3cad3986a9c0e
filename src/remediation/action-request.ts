import type { ActionPayload } from "../actions/action-payload.js";
import type { RuleName } from "../core/model.js";
import type { RichText } from "../messages/rich-text.js";
import type { DecisionRecord } from "../store/decisions.js";
import type { ClickOrigin } from "./verify-origin.js";

/** Who clicked, as the chat platform reports it. */
export interface Actor {
  platform: string;
  /** The platform's user id (Slack U…, Teams 29:…). */
  id: string;
  /** The user's email as the platform reports it; needed to match the account's owner. */
  email?: string | undefined;
}

/**
 * The platform of warden's own decisions (no chat platform is called "warden"): an access review's
 * default on silence is taken by { platform: "warden", id: "review default" }.
 */
export const WARDEN_ACTOR_PLATFORM = "warden";

export interface ActionRequest {
  actor: Actor;
  payload: ActionPayload;
  /** The message the click came from, as the platform reported it; checked against `payload.m`. */
  origin?: ClickOrigin | undefined;
  /** Keep: why (required), and for how many days (default and range in keep-duration.ts). */
  reason?: string | undefined;
  keepDays?: unknown;
}

/** What happened, in words for the person who clicked, plus what the adapter needs to update the message. */
export type ActionResult = (
  | { status: "done" | "failed" | "duplicate"; notice: string; decision: DecisionRecord; userName: string }
  | {
      status: "refused" | "stale" | "invalid" | "unavailable";
      notice: string;
      userName?: string | undefined;
      currentRules?: RuleName[];
    }
) & {
  /**
   * The notice as parts, when it names a time: an adapter answering one person writes it in their
   * time zone (plainRichText with `timeZone`); `notice` is the same in UTC.
   */
  noticeParts?: RichText | undefined;
};

/**
 * A click turned down before anything is claimed: the answer for the person who clicked, and the
 * audit entry it leaves (`event` undefined: none, e.g. a Keep without a reason).
 */
export interface Refusal {
  event?: string | undefined;
  detail?: Record<string, unknown>;
  result: ActionResult;
}
