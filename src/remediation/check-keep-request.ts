import { KEEP_DAYS, parseKeepDays } from "../actions/keep-duration.js";
import type { ActionRequest, Refusal } from "./action-request.js";

export type KeepCheck = { ok: true; keepDays: number | undefined } | { ok: false; refusal: Refusal };

/**
 * A Keep needs a reason and a duration in range; a Still needed (certify) a reason; any other
 * action passes with no duration.
 */
export function checkKeepRequest(request: ActionRequest, userName: string): KeepCheck {
  if (request.payload.a === "certify") {
    if (request.reason?.trim()) return { ok: true, keepDays: undefined };
    return {
      ok: false,
      refusal: {
        event: "decision.invalid",
        detail: { reason: "certification without a reason" },
        result: {
          status: "invalid",
          userName,
          notice: `Saying ${userName} is still needed needs a reason: what uses it, and why. Nothing was recorded.`,
        },
      },
    };
  }
  if (request.payload.a !== "keep") return { ok: true, keepDays: undefined };
  if (!request.reason?.trim()) {
    return {
      ok: false,
      refusal: { result: { status: "invalid", userName, notice: "Keeping an account needs a reason." } },
    };
  }
  const keepDays = parseKeepDays(request.keepDays);
  if (keepDays === undefined) {
    return {
      ok: false,
      refusal: {
        event: "decision.invalid",
        detail: { reason: "keep duration out of range" },
        result: {
          status: "invalid",
          userName,
          notice: `A Keep lasts from ${KEEP_DAYS.min} to ${KEEP_DAYS.max} days. Nothing was changed.`,
        },
      },
    };
  }
  return { ok: true, keepDays };
}
