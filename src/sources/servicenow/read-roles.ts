import { createPacer } from "../../yield-to-loop.js";
import { isListable } from "./chunk-by-length.js";
import type { AggregateOptions } from "./client-types.js";
import { str } from "./parse-values.js";
import type { SignalReader } from "./signal-reader.js";

/** An identity whose roles are asked for by name (or by sys_id when its name cannot be listed). */
export interface RoleHolder {
  id: string;
  userName: string;
}

/**
 * Roles per account (sys_id → role names, sorted), inherited ones included, as grouped Aggregate
 * API counts of sys_user_has_role by user and role
 * (https://www.servicenow.com/docs/r/zurich/api-reference/rest-apis/c_AggregateAPI.html): one
 * group per grant instead of one row per grant, and no page limit on the groups. Web-service-only
 * accounts in one dot-walked condition; the other identities by user_name (shorter than a sys_id,
 * so more fit in a URL), or by sys_id for a name an IN list cannot carry. The groups name roles by
 * sys_id; their names come from one list of sys_user_role, which is small.
 */
export async function readRoles(
  reader: SignalReader,
  others: readonly RoleHolder[],
): Promise<Map<string, string[]>> {
  const { client } = reader;
  const { table, userField, roleNameField, roleTable } = reader.mapping.userRole;
  // "role.name": the reference to the role and the role's name field.
  const dot = roleNameField.indexOf(".");
  const roleField = roleNameField.slice(0, dot);
  const nameField = roleNameField.slice(dot + 1);
  const roleIdsByUser = new Map<string, Set<string>>();
  const grouped = (query: string): AggregateOptions => ({
    query,
    groupBy: [userField, roleField],
    count: true,
  });
  const add = (row: { groupBy: Record<string, string> }) => {
    const user = row.groupBy[userField];
    const role = row.groupBy[roleField];
    if (!user || !role) return;
    const set = roleIdsByUser.get(user) ?? new Set<string>();
    set.add(role);
    roleIdsByUser.set(user, set);
  };
  const queries = [
    `${userField}.web_service_access_only=true^${userField}.internal_integration_user!=true`,
    ...reader
      .batches(others.map((o) => o.userName).filter(isListable))
      .map((batch) => `${userField}.user_nameIN${batch.join(",")}`),
    ...reader
      .batches(others.filter((o) => !isListable(o.userName)).map((o) => o.id))
      .map((batch) => `${userField}IN${batch.join(",")}`),
  ];
  for (const query of queries) await client.aggregateEach(table, grouped(query), add);

  const names = new Map<string, string>();
  if (roleIdsByUser.size > 0) {
    for await (const page of client.list(roleTable, { fields: [nameField] })) {
      for (const row of page) {
        const id = str(row.sys_id);
        const name = str(row[nameField]);
        if (id && name) names.set(id, name);
      }
    }
  }
  const byUser = new Map<string, string[]>();
  // One entry per account (50,000 in a big instance): the event loop is given back every few ms.
  const pace = createPacer();
  for (const [user, ids] of roleIdsByUser) {
    await pace();
    // A role an ACL hides from the role list cannot be named, as its dot-walked name could not be.
    const roles = [...new Set([...ids].flatMap((id) => names.get(id) ?? []))].sort();
    byUser.set(user, roles);
  }
  return byUser;
}
