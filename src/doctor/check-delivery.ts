import { describeMessageKind } from "../messages/describe-undelivered.js";
import { formatTime } from "../messages/format-text.js";
import { plural } from "../messages/rule-text.js";
import type { UndeliveredMessage } from "../store/outbox.js";
import type { Repository } from "../store/store.js";
import type { DoctorCheck } from "./doctor-types.js";

const describe = (m: UndeliveredMessage): string =>
  `${describeMessageKind(m.kind)} to ${m.recipient} on ${m.platform === "teams" ? "Teams" : "Slack"}, failing since ${formatTime(m.since)}: ${m.lastError}`;

/**
 * Messages the database says warden could not deliver: still failing after
 * WARDEN_DELIVERY_GIVE_UP_DAYS (retried all the same), or refused for good within that time. One
 * WARN row each, with the count and the oldest; a PASS row when there are none. Read-only.
 */
export async function checkDelivery(
  outbox: Repository<"outbox">,
  options: { now: Date; giveUpDays: number },
): Promise<DoctorCheck[]> {
  let undelivered: UndeliveredMessage[];
  let waiting: number;
  try {
    undelivered = await outbox.listUndelivered({
      now: options.now,
      giveUpMs: options.giveUpDays * 86_400_000,
    });
    waiting = await outbox.countRetryingDeliveries();
  } catch (error) {
    return [
      {
        area: "delivery",
        name: "message delivery",
        status: "warn",
        detail: `Could not read the outbox (${error instanceof Error ? error.message : String(error)}): the database is older than this warden: warden serve, scan or notify brings it up to date.`,
      },
    ];
  }
  const days = plural(options.giveUpDays, "day");
  const retrying = undelivered.filter((m) => m.retrying);
  const refused = undelivered.filter((m) => !m.retrying);
  const checks: DoctorCheck[] = [];
  const [oldestRetrying] = retrying;
  if (oldestRetrying) {
    checks.push({
      area: "delivery",
      name: "undelivered messages",
      status: "warn",
      detail: `${plural(retrying.length, "message")} still undelivered after ${days} (WARDEN_DELIVERY_GIVE_UP_DAYS); warden keeps retrying them. Oldest: ${describe(oldestRetrying)}.`,
    });
  }
  const [oldestRefused] = refused;
  if (oldestRefused) {
    checks.push({
      area: "delivery",
      name: "refused messages",
      status: "warn",
      detail: `${plural(refused.length, "message")} refused for good in the last ${days}, not retried. Oldest: ${describe(oldestRefused)}.`,
    });
  }
  if (checks.length === 0) {
    checks.push({
      area: "delivery",
      name: "message delivery",
      status: "pass",
      detail:
        waiting === 0
          ? "No message is failing: nothing waits to be retried."
          : `${plural(waiting, "message")} waiting to be retried, none for more than ${days}.`,
    });
  }
  return checks;
}
