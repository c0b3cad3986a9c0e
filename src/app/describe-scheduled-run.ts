import { plural } from "../messages/rule-text.js";
import type { ReviewPassResult } from "../reviews/run-review-follow-ups.js";
import type { ScanOutcome } from "../scan/run-scan.js";
import type { ScheduledReview } from "./start-scheduled-review.js";

/**
 * The one human-readable line `warden serve` prints on stdout for each scheduled action, e.g.
 * "scan: 2,104 identities, 312 findings (12 new)". Logs stay JSON on stderr; these lines are for
 * the operator watching the terminal or `docker logs`.
 */
const count = (n: number) => n.toLocaleString("en-US");

export function describeScan(outcome: ScanOutcome, what = "scan"): string {
  const findings = [...outcome.findings.values()].reduce((n, list) => n + list.length, 0);
  const { opened, resolved } = outcome.changes;
  return `${what}: ${count(outcome.inventory.identities.length)} identities, ${count(findings)} findings (${count(opened)} new${resolved > 0 ? `, ${count(resolved)} resolved` : ""})`;
}

export function describeOwnerMessages(result: {
  sent: number;
  rerouted: number;
  failed: number;
  unknown: number;
}): string {
  const interrupted =
    result.unknown > 0 ? `, ${count(result.unknown)} interrupted earlier (not re-sent)` : "";
  return `owner messages: ${count(result.sent)} sent, ${count(result.rerouted)} rerouted, ${count(result.failed)} failed${interrupted}`;
}

export function describeDigest(channels: number, targets: number): string {
  const posted = `digest: posted to ${plural(channels, "channel", "channels")}`;
  return channels < targets ? `${posted} of ${targets} (see the log)` : posted;
}

export function describeFollowUps(result: {
  reminders: number;
  escalations: number;
  sent: number;
  failed: number;
  reviews?: ReviewPassResult | undefined;
}): string {
  const line = `follow-ups: ${plural(result.reminders, "reminder", "reminders")}, ${plural(result.escalations, "escalation", "escalations")} (${count(result.sent)} messages sent, ${count(result.failed)} failed)`;
  const reviews = result.reviews && describeReviewFollowUps(result.reviews);
  return reviews ? `${line}; ${reviews}` : line;
}

/**
 * "access reviews: 2 reminders, 1 warning, 1 escalation, 3 disabled by default, 1 closed": what the
 * daily pass did for the access reviews, its nonzero parts only; undefined when it did nothing.
 */
export function describeReviewFollowUps(result: ReviewPassResult): string | undefined {
  const { defaults } = result;
  const parts = [
    result.asked > 0 ? `${plural(result.asked, "owner")} newly asked` : "",
    result.reminders > 0 ? plural(result.reminders, "reminder") : "",
    result.warnings > 0 ? plural(result.warnings, "warning") : "",
    result.escalations > 0 ? plural(result.escalations, "escalation") : "",
    defaults.decided > 0 ? `${count(defaults.decided)} disabled by default` : "",
    defaults.failed > 0 ? `${count(defaults.failed)} default decisions failed (left pending)` : "",
    result.closed > 0 ? `${count(result.closed)} closed` : "",
  ].filter(Boolean);
  return parts.length > 0 ? `access reviews: ${parts.join(", ")}` : undefined;
}

/**
 * "review: access review #2 started: 40 machine identities of 7 owners, due 2026-12-16; 7 review
 * messages sent, 0 failed", or "review: not started: <why>" (an open campaign, no scan yet).
 */
export function describeScheduledReview(outcome: ScheduledReview): string {
  if (!outcome.started) return `review: not started: ${outcome.reason}`;
  const { campaign, accounts, owners, unowned } = outcome.started;
  const started = `review: access review #${campaign.id} started: ${plural(accounts, "machine identity", "machine identities")} of ${plural(owners, "owner")}${unowned > 0 ? ` (${count(unowned)} with no reachable owner, for the admins to assign)` : ""}, due ${campaign.dueAt.toISOString().slice(0, 10)}`;
  const { sent } = outcome;
  if (!sent) return `${started}; no chat platform is configured, so nobody was asked`;
  return `${started}; ${plural(sent.queued, "review message", "review messages")} queued, ${count(sent.sent)} sent, ${count(sent.failed)} failed`;
}

/**
 * "alert: 3 new findings posted to 1 admin channel", or undefined when the run had nothing to
 * alert (a first scan, ALERT_RULES none, nothing new).
 */
export function describeAlert(result: {
  view: { total: number } | undefined;
  posted: number;
  failed: number;
}): string | undefined {
  if (!result.view) return undefined;
  const findings = plural(result.view.total, "new finding", "new findings");
  if (result.posted + result.failed === 0)
    return `alert: ${findings}, not posted: no admin channel is configured`;
  const failed = result.failed > 0 ? `, ${count(result.failed)} failed (retried, see the log)` : "";
  return `alert: ${findings} posted to ${plural(result.posted, "admin channel", "admin channels")}${failed}`;
}
