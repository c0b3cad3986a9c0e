/**
 * A small seeded pseudo-random generator (mulberry32). The simulator must produce the same
 * instance for the same seed on every machine, so Math.random is never used for data.
 */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** 32 lowercase hex characters, the shape of a ServiceNow sys_id. */
  sysId(): string;
}

/** "0000".."ffff", so a sys_id is eight lookups instead of number formatting and padding. */
const HEX4: readonly string[] = Array.from({ length: 65536 }, (_, i) => i.toString(16).padStart(4, "0"));

function hex8(n: number): string {
  return (HEX4[n >>> 16] ?? "") + (HEX4[n & 0xffff] ?? "");
}

/** Creates a generator whose sequence depends only on `seed`. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 4294967296;
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error("pick() needs a non-empty array");
      return item;
    },
    sysId: () => hex8(nextUint32()) + hex8(nextUint32()) + hex8(nextUint32()) + hex8(nextUint32()),
  };
}
