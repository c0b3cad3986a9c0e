import { createTask, type ScheduledTask } from "node-cron";
import type { Logger } from "../logger.js";
import type { JobSlot } from "../store/job-slots.js";
import { previousRun } from "./previous-run.js";

/** Why a job runs: its cron slot came, or its latest slot passed while warden was down. */
export type JobTrigger = "slot" | "catch-up";

/** One recurring job: when it runs, what it does, and when it last ran (from the store). */
export interface Job {
  name: string;
  cron: string;
  run: (trigger: JobTrigger) => Promise<void>;
  lastRunAt: () => Promise<Date | undefined>;
}

/**
 * The runs of every replica on one database (store.schedule, bound to this process as holder):
 * a run goes ahead only where `claim` wins it, is renewed while it runs, and is finished after.
 */
export interface SlotLedger {
  claim(run: JobSlot): Promise<boolean>;
  renew(run: JobSlot): Promise<boolean>;
  finish(run: JobSlot): Promise<void>;
  /** Runs a replica claimed and stopped renewing before they finished. */
  abandoned(): Promise<JobSlot[]>;
}

export interface SchedulerOptions {
  timeZone: string | undefined;
  now: () => Date;
  logger: Logger;
  /** Without one (a test's scheduler), every slot runs here. */
  slots?: SlotLedger;
  /** How often a running job's claim is renewed, and abandoned runs are looked for. */
  renewEveryMs?: number;
}

/** A claim lives this long unrenewed: a replica that dies is replaced within a minute. */
export const SLOT_LEASE_MS = 45_000;
const RENEW_EVERY_MS = 15_000;

/**
 * node-cron wiring, and nothing else: each job on its cron expression in the configured time zone,
 * never overlapping itself. At start, a job whose latest scheduled time passed while warden was
 * down (it last ran before that time) runs once — not once per missed slot.
 *
 * With a slot ledger, replicas on one database share the slots: each slot (and each catch-up of
 * a missed one) runs on the replica that claims it first; the others skip it. The holder renews
 * its claim while the job runs; a claim left unrenewed for SLOT_LEASE_MS (its replica died
 * mid-run) is taken over by the next replica that looks (every `renewEveryMs`).
 */
export function createScheduler(jobs: readonly Job[], options: SchedulerOptions) {
  const { logger, slots } = options;
  const renewEveryMs = options.renewEveryMs ?? RENEW_EVERY_MS;
  const renewals = new Set<NodeJS.Timeout>();
  /** Jobs running in this process: a takeover never overlaps this replica's own run. */
  const running = new Set<string>();

  /** Runs `job` for `slot` if this replica claims it; false when it did not run here. */
  const runSlot = async (job: Job, trigger: JobTrigger, slot: Date | string): Promise<boolean> => {
    if (running.has(job.name)) return false;
    const run = { job: job.name, slot: typeof slot === "string" ? slot : slot.toISOString() };
    running.add(job.name);
    try {
      if (slots && !(await slots.claim(run))) {
        logger.info({ job: job.name, slot: run.slot }, "another replica runs this slot");
        return false;
      }
      const renewal = slots
        ? setInterval(() => {
            slots
              .renew(run)
              .catch((error: unknown) => logger.warn({ err: error, job: job.name }, "could not renew"));
          }, renewEveryMs)
        : undefined;
      if (renewal) {
        renewal.unref();
        renewals.add(renewal);
      }
      try {
        await job.run(trigger);
      } catch (error) {
        logger.error({ err: error, job: job.name }, "scheduled job failed");
      } finally {
        if (renewal) {
          clearInterval(renewal);
          renewals.delete(renewal);
        }
      }
      // A failed run is finished too: it is retried at the next slot, not by every replica in turn.
      await slots?.finish(run);
      return true;
    } catch (error) {
      logger.error({ err: error, job: job.name }, "could not claim or finish a scheduled run");
      return false;
    } finally {
      running.delete(job.name);
    }
  };

  /** Takes over the runs other replicas claimed and abandoned; returns the names of those run here. */
  const sweep = async (): Promise<string[]> => {
    if (!slots) return [];
    const ran: string[] = [];
    for (const run of await slots.abandoned()) {
      const job = jobs.find((j) => j.name === run.job);
      if (!job) continue;
      logger.warn(
        { job: job.name, slot: run.slot },
        "taking over a run whose replica stopped before finishing it",
      );
      if (await runSlot(job, "slot", run.slot)) ran.push(job.name);
    }
    return ran;
  };
  let sweeper: NodeJS.Timeout | undefined;

  const tasks: ScheduledTask[] = jobs.map((job) =>
    // node-cron's context date is the slot's time: every replica names the slot alike.
    createTask(job.cron, (context) => runSlot(job, "slot", floorToMinute(context.date)), {
      name: job.name,
      noOverlap: true,
      ...(options.timeZone ? { timezone: options.timeZone } : {}),
    }),
  );
  return {
    /** Jobs that missed their latest slot: run each once now. Returns their names. */
    async catchUp(): Promise<string[]> {
      // Every job is judged before any runs: a catch-up run must not hide another job's missed slot.
      const missed: { job: Job; due: Date }[] = [];
      for (const job of jobs) {
        const due = previousRun(job.cron, options.now(), options.timeZone);
        const last = await job.lastRunAt();
        if (due !== undefined && (last === undefined || last < due)) missed.push({ job, due });
      }
      const ran: string[] = [];
      for (const { job, due } of missed) {
        logger.info({ job: job.name }, "catching up a run missed while warden was down");
        // The missed slot is claimed like the slot itself: replicas starting together run it once.
        if (await runSlot(job, "catch-up", due)) ran.push(job.name);
      }
      return ran;
    },
    sweep,
    async start(): Promise<void> {
      for (const task of tasks) await task.start();
      if (slots) {
        sweeper = setInterval(() => {
          sweep().catch((error: unknown) =>
            logger.error({ err: error }, "could not look for abandoned runs"),
          );
        }, renewEveryMs);
        sweeper.unref();
      }
    },
    /** Stops the schedules and this replica's renewals: a run still going here is no longer held. */
    async stop(): Promise<void> {
      if (sweeper) clearInterval(sweeper);
      for (const renewal of renewals) clearInterval(renewal);
      renewals.clear();
      for (const task of tasks) await task.destroy();
    },
  };
}

const floorToMinute = (date: Date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000);
