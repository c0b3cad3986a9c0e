import { createTask, type ScheduledTask } from "node-cron";
import type { Logger } from "../logger.js";
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

export interface SchedulerOptions {
  timeZone: string | undefined;
  now: () => Date;
  logger: Logger;
}

/**
 * node-cron wiring, and nothing else: each job on its cron expression in the configured time zone,
 * never overlapping itself. At start, a job whose latest scheduled time passed while warden was
 * down (it last ran before that time) runs once — not once per missed slot.
 */
export function createScheduler(jobs: readonly Job[], options: SchedulerOptions) {
  const { logger } = options;
  const guarded = (job: Job, trigger: JobTrigger) => async () => {
    try {
      await job.run(trigger);
    } catch (error) {
      logger.error({ err: error, job: job.name }, "scheduled job failed");
    }
  };
  const tasks: ScheduledTask[] = jobs.map((job) =>
    createTask(job.cron, guarded(job, "slot"), {
      name: job.name,
      noOverlap: true,
      ...(options.timeZone ? { timezone: options.timeZone } : {}),
    }),
  );
  return {
    /** Jobs that missed their latest slot: run each once now. Returns their names. */
    async catchUp(): Promise<string[]> {
      // Every job is judged before any runs: a catch-up run must not hide another job's missed slot.
      const missed: Job[] = [];
      for (const job of jobs) {
        const due = previousRun(job.cron, options.now(), options.timeZone);
        const last = await job.lastRunAt();
        if (due !== undefined && (last === undefined || last < due)) missed.push(job);
      }
      for (const job of missed) {
        logger.info({ job: job.name }, "catching up a run missed while warden was down");
        await guarded(job, "catch-up")();
      }
      return missed.map((job) => job.name);
    },
    async start(): Promise<void> {
      for (const task of tasks) await task.start();
    },
    async stop(): Promise<void> {
      for (const task of tasks) await task.destroy();
    },
  };
}
