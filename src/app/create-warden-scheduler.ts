import type { createScanRunner } from "../scan/create-scan-runner.js";
import { createScheduler } from "../scheduler/create-scheduler.js";
import { appendAudit } from "../store/audit-log.js";
import { listScans } from "../store/scans.js";
import type { Warden } from "./open-warden.js";
import { chatTargets, notifyOwners, postDigest } from "./post-digest.js";

/** When the daily follow-up pass runs (in TZ). */
export const FOLLOW_UP_SCHEDULE = "0 8 * * *";

/**
 * The schedules of `warden serve`: scan then send owners their messages on SCAN_SCHEDULE, the
 * digest on DIGEST_SCHEDULE, in TZ. Scans share the server's runner, so a schedule and
 * `/warden scan` never run two at once.
 */
export function createWardenScheduler(warden: Warden, scans: ReturnType<typeof createScanRunner>) {
  const { config, db } = warden;
  const chatConfigured = () => chatTargets(warden).length > 0;
  return createScheduler(
    [
      {
        name: "scan",
        cron: config.scanSchedule,
        lastRunAt: () => listScans(db, { limit: 1 })[0]?.startedAt,
        run: async () => {
          const outcome = await scans.run();
          if (outcome && chatConfigured()) await notifyOwners(warden);
        },
      },
      {
        // Daily at 08:00 (TZ): reminders, escalations and expired Keeps.
        name: "follow-ups",
        cron: FOLLOW_UP_SCHEDULE,
        lastRunAt: () => {
          const at = db
            .prepare("SELECT max(at) FROM audit_log WHERE event = 'followups.ran'")
            .pluck()
            .get() as string | null;
          return at ? new Date(at) : undefined;
        },
        run: async () => {
          if (!chatConfigured()) return;
          await notifyOwners(warden, { followUps: true });
          appendAudit(db, { at: warden.now(), event: "followups.ran", actor: "warden", detail: {} });
        },
      },
      {
        name: "digest",
        cron: config.digestSchedule,
        lastRunAt: () => {
          const at = db.prepare("SELECT max(posted_at) FROM digests").pluck().get() as string | null;
          return at ? new Date(at) : undefined;
        },
        run: async () => {
          if (chatConfigured()) await postDigest(warden);
        },
      },
    ],
    { timeZone: config.timeZone, now: warden.now, logger: warden.logger.child({ component: "scheduler" }) },
  );
}
