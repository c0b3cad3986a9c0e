import { redactUrlsIn } from "../redact-url.js";
import type { createScanRunner } from "../scan/create-scan-runner.js";
import { createScheduler, type JobTrigger } from "../scheduler/create-scheduler.js";
import { createSlotLedger } from "../scheduler/create-slot-ledger.js";
import { nextRun } from "../scheduler/next-run.js";
import { configuredChats } from "./chat-targets.js";
import {
  describeDigest,
  describeFollowUps,
  describeOwnerMessages,
  describeScan,
  describeScheduledReview,
} from "./describe-scheduled-run.js";
import type { Warden } from "./open-warden.js";
import { notifyOwners, postDigest } from "./post-digest.js";
import { startScheduledReview } from "./start-scheduled-review.js";

/** When the daily follow-up pass runs (in TZ). */
export const FOLLOW_UP_SCHEDULE = "0 8 * * *";

export interface WardenSchedulerOptions {
  /** Receives one human-readable line per scheduled action (`warden serve` prints them on stdout). */
  report?: (line: string) => void;
}

/**
 * The schedules of `warden serve`: scan then send owners their messages on SCAN_SCHEDULE, the
 * digest on DIGEST_SCHEDULE, an access review on REVIEW_SCHEDULE (when set), in TZ; the daily
 * follow-up pass (reminders, escalations, the access reviews' follow-ups and defaults). Scans share the server's runner, so a schedule and
 * `/warden scan` never run two at once.
 *
 * First start: on a database from which warden has never messaged anyone, the catch-up at start
 * runs a missed scan but holds back owner messages and the digest: nothing was missed, and an
 * operator's first `warden serve` must not surprise every owner at once. Owners are first messaged
 * at the first scheduled scan slot, or by an explicit `warden notify`; the daily follow-up pass
 * does nothing until then.
 */
export function createWardenScheduler(
  warden: Warden,
  scans: ReturnType<typeof createScanRunner>,
  options: WardenSchedulerOptions = {},
) {
  const { config, store } = warden;
  const report = options.report ?? (() => {});
  const chatConfigured = () => configuredChats(config).length > 0;
  /** Set during the catch-up at start when warden has never messaged anyone. */
  let firstStart = false;
  /** What the catch-up held back, and the jobs that did nothing (held back, or no chat configured). */
  const heldBack: string[] = [];
  const skipped = new Set<string>();
  const holdBack = (trigger: JobTrigger, what: string, job?: string): boolean => {
    if (trigger !== "catch-up" || !firstStart) return false;
    heldBack.push(what);
    if (job) skipped.add(job);
    return true;
  };
  /** Runs `work`; a failure gets its line too, then goes on to the scheduler's log. */
  const reported = async (what: string, work: () => Promise<string | undefined>) => {
    try {
      const line = await work();
      if (line) report(line);
    } catch (error) {
      report(`${what}: failed: ${redactUrlsIn(error instanceof Error ? error.message : String(error))}`);
      throw error;
    }
  };

  const scheduler = createScheduler(
    [
      {
        name: "scan",
        cron: config.scanSchedule,
        lastRunAt: async () => (await store.scans.listScans({ limit: 1 }))[0]?.startedAt,
        run: async (trigger) => {
          const results = await scans.run();
          const named = results.length > 1;
          for (const result of results) {
            const what = named ? `scan ${result.source}` : "scan";
            if (result.ok) report(describeScan(result.outcome, what));
            else report(`${what}: failed: ${redactUrlsIn(describeFailure(result.error))}`);
          }
          if (results.length === 0) report("scan: failed: see the log");
          if (!results.some((r) => r.ok)) return;
          if (!chatConfigured() || holdBack(trigger, "owner messages")) return;
          await reported("owner messages", async () => describeOwnerMessages(await notifyOwners(warden)));
        },
      },
      {
        // Daily at 08:00 (TZ): reminders, escalations and expired Keeps.
        name: "follow-ups",
        cron: FOLLOW_UP_SCHEDULE,
        lastRunAt: () => store.audit.lastEventAt("followups.ran"),
        run: async () => {
          // Nothing to follow up before warden has messaged anyone; and this pass, which also
          // queues owner messages (for Keeps that expired), must not be the one to message first.
          if (!chatConfigured() || !(await store.outbox.hasMessagedBefore())) {
            return void skipped.add("follow-ups");
          }
          await reported("follow-ups", async () => {
            const mark = await store.outbox.outboxMark();
            const result = await notifyOwners(warden, { followUps: true });
            await store.audit.appendAudit({
              at: warden.now(),
              event: "followups.ran",
              actor: "warden",
              detail: {},
            });
            return describeFollowUps({
              reminders: (await store.outbox.countQueuedSince(mark, "reminder")).queued,
              escalations: (await store.outbox.countQueuedSince(mark, "escalation")).queued,
              ...result,
            });
          });
        },
      },
      {
        name: "digest",
        cron: config.digestSchedule,
        lastRunAt: () => store.digests.lastDigestAt(),
        run: async (trigger) => {
          const targets = configuredChats(config).filter((t) => t.digestChannel).length;
          if (targets === 0) return void skipped.add("digest");
          if (holdBack(trigger, "the digest", "digest")) return;
          await reported("digest", async () => {
            const mark = await store.outbox.outboxMark();
            await postDigest(warden);
            return describeDigest((await store.outbox.countQueuedSince(mark, "digest")).sent, targets);
          });
        },
      },
      // REVIEW_SCHEDULE (default off): an access review over every source, its messages sent.
      ...(config.reviews.schedule
        ? [
            {
              name: "review",
              cron: config.reviews.schedule,
              lastRunAt: () => store.audit.lastEventAt("review.scheduled"),
              run: async (trigger: JobTrigger) => {
                // A first start does not open a campaign, which would message every owner at once.
                if (holdBack(trigger, "the access review", "review")) return;
                await reported("review", async () =>
                  describeScheduledReview(await startScheduledReview(warden)),
                );
              },
            },
          ]
        : []),
    ],
    {
      timeZone: config.timeZone,
      now: warden.now,
      logger: warden.logger.child({ component: "scheduler" }),
      slots: createSlotLedger(store, warden.now),
    },
  );

  return {
    start: () => scheduler.start(),
    stop: () => scheduler.stop(),
    /**
     * Runs, once, each job whose latest slot passed while warden was down (see createScheduler),
     * holding back messages on a first start; ends with a "catch-up: done" line. Returns the names
     * of the jobs that were due.
     */
    async catchUp(): Promise<string[]> {
      firstStart = !(await store.outbox.hasMessagedBefore());
      heldBack.length = 0;
      skipped.clear();
      const due = await scheduler.catchUp();
      firstStart = false;
      if (heldBack.length > 0) {
        const next = nextRun(config.scanSchedule, warden.now(), config.timeZone);
        report(
          `first start: warden has not messaged anyone from this database yet, so it does not catch up ${heldBack.join(" and ")} now; owners are first messaged at the next scan slot${next ? ` (${next.toISOString().slice(0, 16).replace("T", " ")} UTC)` : ""} or by \`warden notify\` (\`warden notify --preview\` shows who would get what).`,
        );
      }
      const ran = due.filter((name) => !skipped.has(name));
      report(`catch-up: done (${ran.length > 0 ? `ran: ${ran.join(", ")}` : "nothing to run"})`);
      return due;
    },
  };
}

/** A failed source scan in the words its scan row records (redacted by the caller). */
function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
