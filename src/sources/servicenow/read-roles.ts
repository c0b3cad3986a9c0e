import type { RawRecord } from "./client-types.js";
import { refValue, str } from "./parse-values.js";
import type { SignalReader } from "./signal-reader.js";

/**
 * Roles per account (sys_id → role names), inherited ones included. Web-service-only accounts come
 * from one paged, dot-walked query; the other identities by id.
 */
export async function readRoles(
  reader: SignalReader,
  otherIdentityIds: readonly string[],
): Promise<Map<string, string[]>> {
  const { client } = reader;
  const { table, userField, roleNameField } = reader.mapping.userRole;
  const byUser = new Map<string, string[]>();
  const add = (page: RawRecord[]) => {
    for (const row of page) {
      const user = refValue(row[userField]);
      const role = str(row[roleNameField]);
      if (!user || !role) continue;
      const list = byUser.get(user) ?? [];
      if (!list.includes(role)) list.push(role);
      byUser.set(user, list);
    }
  };
  const fields = [userField, roleNameField];
  for await (const page of client.list(table, {
    query: `${userField}.web_service_access_only=true^${userField}.internal_integration_user!=true`,
    fields,
  })) {
    add(page);
  }
  for (const batch of reader.batches(otherIdentityIds)) {
    for await (const page of client.list(table, { query: `${userField}IN${batch.join(",")}`, fields }))
      add(page);
  }
  return byUser;
}
