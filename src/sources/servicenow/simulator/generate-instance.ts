/**
 * Deterministic generation of a simulated instance: the readable demo dataset, or a scaled one
 * for the benchmark. Dates are relative to `now`; the same seed and `now` give the same data.
 */
import { buildDemoInstance } from "./demo-instance.js";
import type { InstanceData } from "./instance-data.js";
import { createPrng } from "./prng.js";
import { buildScaledInstance, type InstanceScale } from "./scaled-instance.js";

export type { DemoScenario } from "./demo-instance.js";
export { DEMO_SCENARIOS } from "./demo-instance.js";
export type { InstanceScale } from "./scaled-instance.js";

export interface GenerateInstanceOptions {
  /** Default 1. */
  seed?: number;
  /** The instance's "today"; every date is relative to it. */
  now: Date;
  /** Without it, the small demo dataset (about 40 people, 25 service accounts). */
  scale?: InstanceScale;
}

/** Generates an instance's data. */
export function generateInstance(options: GenerateInstanceOptions): InstanceData {
  const seed = options.seed ?? 1;
  const rng = createPrng(seed);
  return options.scale
    ? buildScaledInstance(rng, options.now, seed, options.scale)
    : buildDemoInstance(rng, options.now, seed);
}
