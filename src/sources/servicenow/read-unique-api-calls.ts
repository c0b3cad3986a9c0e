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
  await reader.client.aggregateEach(
    tx.table,
    {
      query: `${tx.typeField}=${tx.restType}^sys_created_on>=${reader.ago(7)}`,
      groupBy: [tx.userField, tx.urlField, ...(tx.methodField ? [tx.methodField] : [])],
      count: true,
    },
    (row) => fold(row, byName, tx),
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
): void {
  const name = row.groupBy[tx.userField];
  const url = row.groupBy[tx.urlField];
  if (!name || !url) return;
  const method = (tx.methodField && row.groupBy[tx.methodField]) || "*";
  const path = toPathTemplate(url);
  const calls = byName.get(name) ?? new Map<string, ApiCall>();
  const key = `${method} ${path}`;
  const call = calls.get(key) ?? { method, path, count: 0 };
  call.count += row.count;
  calls.set(key, call);
  byName.set(name, calls);
}
