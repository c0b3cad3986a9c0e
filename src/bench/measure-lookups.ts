import { LOOKUP_MAX_CHARS } from "../chat/parse-lookup-query.js";
import type { MachineIdentity } from "../core/model.js";
import { buildLookup } from "../messages/build-lookup.js";
import type { Repositories } from "../store/store.js";

export interface LookupTiming {
  /** The costliest input's time (its median over the rounds, so a GC pause does not count). */
  worstMs: number;
  worstQuery: string;
  /** The single slowest call, pauses included. */
  slowestCallMs: number;
  medianMs: number;
  lookups: number;
}

/**
 * Times lookups of every kind against a scanned database: hits by user name (in another case),
 * display name and sys_id, typos at the start, middle and end, and the costliest misses for
 * suggestions (inputs of the maximum length, with characters outside the usual alphabet).
 * Each lookup is awaited on its own (nothing else runs meanwhile), so its duration is how long a
 * chat lookup takes; on SQLite every statement runs synchronously, so it is also how long the
 * lookup blocks the event loop. Each input runs `rounds` times; its median is its cost, the
 * slowest of those is the figure.
 */
export async function measureLookups(
  store: Pick<Repositories, "accounts" | "findings" | "decisions" | "reviews">,
  identities: readonly MachineIdentity[],
  rounds = 5,
): Promise<LookupTiming> {
  const sample = identities.filter((_, i) => i % Math.max(1, Math.floor(identities.length / 40)) === 0);
  const queries: string[] = [];
  for (const { id, userName, name } of sample) {
    const middle = Math.floor(userName.length / 2);
    queries.push(
      id,
      userName.toUpperCase(),
      name.toLowerCase(),
      `x${userName.slice(1)}`,
      `${userName.slice(0, middle)}${userName.slice(middle + 1)}`,
      `${userName.slice(0, -1)}#`,
      userName.slice(0, -2),
    );
  }
  queries.push(
    "no-such-account",
    "s",
    "a".repeat(LOOKUP_MAX_CHARS),
    "svc_".repeat(LOOKUP_MAX_CHARS / 4),
    "ä€😀".repeat(Math.floor(LOOKUP_MAX_CHARS / 3)),
    Array.from({ length: LOOKUP_MAX_CHARS }, (_, i) => String.fromCharCode(0x4e00 + i)).join(""),
    "x".repeat(LOOKUP_MAX_CHARS * 100),
  );
  const perQuery = queries.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, query] of queries.entries()) {
      const started = performance.now();
      await buildLookup(store, query);
      perQuery[i]?.push(performance.now() - started);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const medians = perQuery.map(median);
  const worst = medians.reduce((best, ms, i) => (ms > (medians[best] ?? 0) ? i : best), 0);
  return {
    worstMs: medians[worst] ?? 0,
    worstQuery: queries[worst] ?? "",
    slowestCallMs: Math.max(...perQuery.flat()),
    medianMs: median(perQuery.flat()),
    lookups: rounds * queries.length,
  };
}
