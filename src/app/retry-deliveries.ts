import { type DeliveryResult, deliverOutbox } from "../notify/deliver-outbox.js";
import { afterDeliveryTasks, inDeliveryLane } from "../notify/delivery-lane.js";
import { RETRY_MAX_MS } from "../notify/retry-delay.js";
import { chatTarget, configuredChats } from "./chat-targets.js";
import type { Warden } from "./open-warden.js";

/**
 * Sends what is due on `platform` now, in the delivery lane. `causeCleared`: an event says the
 * cause of waiting failures may be gone (a Teams install or conversationUpdate), so every waiting
 * message of the platform is due at once, whatever its backoff. Resolves undefined when nothing
 * was due or the platform is not configured.
 */
export async function retryDeliveries(
  warden: Warden,
  platform: "slack" | "teams",
  options: { causeCleared?: boolean } = {},
): Promise<DeliveryResult | undefined> {
  const { store, now } = warden;
  if (options.causeCleared) await store.outbox.retryWaitingNow(platform, now());
  const due = await store.outbox.nextDueAt(platform);
  if (!due || due > now()) return undefined;
  return inDeliveryLane(store, async () => {
    const target = await chatTarget(warden, platform);
    if (!target) return undefined;
    return deliverOutbox({
      store,
      sender: target.sender,
      now,
      logger: warden.logger,
      adminChannel: target.adminChannel,
    });
  });
}

/** Timer functions, injectable for tests. */
export interface RetryTimers {
  set(callback: () => void, ms: number): { unref?: () => void };
  clear(handle: unknown): void;
}

/**
 * `warden serve`'s retry timer: after every delivery task (and once at start) it is set for the
 * moment the next waiting message is due (its backoff over, or a cached "not found" expired), and
 * then sends what is due. Between notify runs, a failed message is thus retried on its backoff
 * schedule instead of waiting for the next scheduled run.
 */
export function startRetryTimer(
  warden: Warden,
  timers: RetryTimers = {
    set: (callback, ms) => setTimeout(callback, ms),
    clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
  },
): { stop(): void } {
  const { store, now, config, logger } = warden;
  const platforms = configuredChats(config).map((chat) => chat.platform);
  let handle: unknown;
  let stopped = false;

  const fire = () => {
    handle = undefined;
    const runs = platforms.map((platform) =>
      retryDeliveries(warden, platform).catch((error: unknown) =>
        logger.error({ err: error, platform }, "retrying queued messages failed"),
      ),
    );
    // Also when nothing was due after all (no delivery task then re-arms it).
    void Promise.allSettled(runs).then(arm);
  };
  const arm = () => {
    void nextDue()
      .then((next) => {
        // Checked once the store has answered: the last answer sets the one timer.
        if (stopped) return;
        if (handle !== undefined) timers.clear(handle);
        handle = undefined;
        if (next !== undefined) set(next);
      })
      .catch((error: unknown) => {
        // Once stopped, the store may be closing: nothing is armed any more anyway.
        if (!stopped) logger.error({ err: error }, "could not read when queued messages are due");
      });
  };
  const nextDue = async (): Promise<number | undefined> => {
    const due: number[] = [];
    for (const platform of platforms) {
      const at = await store.outbox.nextDueAt(platform);
      if (at) due.push(at.getTime());
    }
    return due.sort((a, b) => a - b)[0];
  };
  const set = (next: number) => {
    // At least a second (no busy loop), at most the longest backoff (a clock change is noticed).
    const delay = Math.min(Math.max(next - now().getTime(), 1000), RETRY_MAX_MS);
    const timer = timers.set(fire, delay);
    timer.unref?.();
    handle = timer;
  };
  const unsubscribe = afterDeliveryTasks(store, arm);
  arm();
  return {
    stop() {
      stopped = true;
      unsubscribe();
      if (handle !== undefined) timers.clear(handle);
      handle = undefined;
    },
  };
}
