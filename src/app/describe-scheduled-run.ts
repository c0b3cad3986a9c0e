import { plural } from "../messages/rule-text.js";
import type { ScanOutcome } from "../scan/run-scan.js";

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
}): string {
  return `follow-ups: ${plural(result.reminders, "reminder", "reminders")}, ${plural(result.escalations, "escalation", "escalations")} (${count(result.sent)} messages sent, ${count(result.failed)} failed)`;
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
