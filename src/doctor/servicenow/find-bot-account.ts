import type { RawRecord, ServiceNowClient } from "../../sources/servicenow/client-types.js";
import type { ServiceNowMapping } from "../../sources/servicenow/mapping.js";

/**
 * The bot's own sys_user record: by user_name (Basic auth, or a configured name), else by the
 * session's own user (`javascript:gs.getUserID()`, the "is (dynamic) Me" filter) for OAuth, where
 * the acting user is the OAuth Application User warden is not told about. One GET either way.
 */
export async function findBotAccount(
  client: ServiceNowClient,
  mapping: ServiceNowMapping,
  botName: string | undefined,
  fields: string[],
): Promise<RawRecord | undefined> {
  if (botName !== undefined) {
    const rows = await client.findByField(mapping.user.table, "user_name", botName, fields);
    return rows[0];
  }
  // At most one row matches, so keyset paging stops after the first request.
  for await (const page of client.list(mapping.user.table, {
    query: "sys_id=javascript:gs.getUserID()",
    fields,
    pageSize: 1,
  })) {
    return page[0];
  }
  return undefined;
}
