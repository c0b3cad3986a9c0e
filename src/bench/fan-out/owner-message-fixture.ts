import { offeredActions } from "../../actions/action-registry.js";
import type { Finding } from "../../core/model.js";
import type { OwnerMessageView } from "../../messages/build-owner-messages.js";
import type { Repositories } from "../../store/store.js";

/** The email of fan-out owner `i` (owner0000@fanout.example, …). */
export const fanOutEmail = (i: number): string => `owner${String(i).padStart(4, "0")}@fanout.example`;

/** An owner message for owner `i` about one dormant account: what a weekly run sends each owner. */
export function fanOutOwnerView(i: number, week: number): OwnerMessageView {
  const finding: Finding = {
    rule: "dormant",
    severity: "high",
    summary: `No API call or UI login for ${90 + 7 * week} days`,
    evidence: [{ signal: "api_calls", detail: "no REST call in 30 days" }],
    remediation: "disable",
  };
  const findings = [finding];
  return {
    owner: { id: `u${i}`, userName: `owner${i}`, name: `Owner ${i}`, email: fanOutEmail(i), active: true },
    accounts: [
      {
        source: "servicenow",
        accountId: `acct${String(i).padStart(28, "0")}w${week}`,
        userName: `svc_fanout_${i}_w${week}`,
        name: `Fan-out service ${i}`,
        active: true,
        webServiceAccessOnly: true,
        findings,
        risk: 60,
        uniqueApiCalls7d: [],
        authMethods30d: undefined,
        actions: offeredActions({ canLogIntoUi: false, findings }),
      },
    ],
  };
}

/** Queues week `week`'s owner message for each of `owners` owners on `platform`. */
export async function queueFanOutWeek(
  store: Pick<Repositories, "outbox">,
  options: { platform: string; owners: number; week: number; now: Date },
): Promise<void> {
  for (let i = 0; i < options.owners; i++) {
    await store.outbox.enqueue({
      platform: options.platform,
      recipient: fanOutEmail(i),
      dedupeKey: `${options.platform}:fan-out:${i}:week:${options.week}`,
      message: { kind: "owner_message", view: fanOutOwnerView(i, options.week) },
      now: options.now,
    });
  }
}
