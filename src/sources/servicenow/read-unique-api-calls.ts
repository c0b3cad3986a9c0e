import type { ApiCall } from "../../core/model.js";
import { createPacer } from "../../yield-to-loop.js";
import type { AggregateRow } from "./client-types.js";
import type { ServiceNowMapping } from "./mapping.js";
import type { SignalReader } from "./signal-reader.js";
import { toPathTemplate } from "./to-path-template.js";

/**
 * The last 7 days' unique API calls per user_name: a grouped count by account, URL (and method
 * where the instance has such a column), folded into path templates here. URLs carry record ids
 * and query strings, so the groups are many (about 110,000 at 50,000 identities). One request for
 * the week transfers each group once; splitting it by day would send most of them seven times.
 */
export async function readUniqueApiCalls(reader: SignalReader): Promise<Map<string, ApiCall[]>> {
  const tx = reader.mapping.transaction;
  const byName = new Map<string, Map<string, ApiCall>>();
  // A few dozen templates recur in every account's calls: one string each, not one per call
  // (about 7% of a 20,000-identity inventory's heap was copies of the same templates).
  const strings = new Map<string, string>();
  const intern = (value: string): string => {
    const known = strings.get(value);
    if (known !== undefined) return known;
    strings.set(value, value);
    return value;
  };
  await reader.client.aggregateEach(
    tx.table,
    {
      query: `${tx.typeField}=${tx.restType}^sys_created_on>=${reader.ago(7)}`,
      groupBy: [tx.userField, tx.urlField, ...(tx.methodField ? [tx.methodField] : [])],
      count: true,
    },
    (row) => fold(row, byName, tx, intern),
  );
  // One entry per calling account (50,000 in a big instance): the event loop is given back every few ms.
  const pace = createPacer();
  const out = new Map<string, ApiCall[]>();
  for (const [name, calls] of byName) {
    await pace();
    out.set(
      name,
      [...calls.values()].sort((a, b) => b.count - a.count),
    );
  }
  return out;
}

function fold(
  row: AggregateRow,
  byName: Map<string, Map<string, ApiCall>>,
  tx: ServiceNowMapping["transaction"],
  intern: (value: string) => string,
): void {
  const name = row.groupBy[tx.userField];
  const url = row.groupBy[tx.urlField];
  if (!name || !url) return;
  const method = intern((tx.methodField && row.groupBy[tx.methodField]) || "*");
  const path = intern(toPathTemplate(url));
  const calls = byName.get(name) ?? new Map<string, ApiCall>();
  const key = `${method} ${path}`;
  const call = calls.get(key) ?? { method, path, count: 0 };
  call.count += row.count;
  calls.set(key, call);
  byName.set(name, calls);
}
