import { createRatePacer, type RatePacer } from "./rate-pacer.js";

const pacers = new WeakMap<object, RatePacer>();

/**
 * The one pacer of a platform connection (a Slack WebClient, a Teams adapter): senders are created
 * per delivery run, while the platform counts calls across runs, so the budget is kept here.
 */
export function sharedPacer(connection: object): RatePacer {
  let pacer = pacers.get(connection);
  if (!pacer) {
    pacer = createRatePacer();
    pacers.set(connection, pacer);
  }
  return pacer;
}
