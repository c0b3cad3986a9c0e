import type { AccountState, AccountStateChange, SourceConnector } from "../source-connector.js";
import type { RawRecord, ServiceNowClient } from "./client-types.js";
import { collectInventory } from "./collect-inventory.js";
import { DEFAULT_MAPPING, DEFAULT_PRIVILEGED_ROLES, type ServiceNowMapping } from "./mapping.js";
import { parseBool, str } from "./parse-values.js";

export interface ServiceNowConnectorOptions {
  client: ServiceNowClient;
  mapping?: ServiceNowMapping;
  privilegedRoles?: readonly string[];
  /** Characters of values per IN-list request; see IN_LIST_CHARS. */
  inListChars?: number;
}

const STATE_FIELDS = ["sys_id", "user_name", "active", "locked_out", "web_service_access_only"] as const;

function toState(record: RawRecord | undefined): AccountState | undefined {
  const id = str(record?.sys_id);
  const userName = str(record?.user_name);
  if (!record || !id || !userName) return undefined;
  return {
    id,
    userName,
    active: parseBool(record.active, true) ?? true,
    lockedOut: parseBool(record.locked_out, false) ?? false,
    webServiceAccessOnly: parseBool(record.web_service_access_only, false) ?? false,
  };
}

/** ServiceNow behind the source-connector port. */
export function createServiceNowConnector(options: ServiceNowConnectorOptions): SourceConnector {
  const { client } = options;
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const table = mapping.user.table;
  return {
    name: "servicenow",
    get requestCount() {
      return client.requestCount;
    },
    collectInventory: (collect) =>
      collectInventory(
        {
          client,
          mapping,
          privilegedRoles: options.privilegedRoles ?? DEFAULT_PRIVILEGED_ROLES,
          ...(options.inListChars ? { inListChars: options.inListChars } : {}),
        },
        collect,
      ),
    readAccount: async (id) => toState(await client.get(table, id, STATE_FIELDS)),
    findAccountByName: async (userName) =>
      toState((await client.findByField(table, "user_name", userName, STATE_FIELDS))[0]),
    changeAccount: async (id, change: AccountStateChange) => {
      const values: Record<string, string> = {};
      if (change.active !== undefined) values.active = String(change.active);
      if (change.lockedOut !== undefined) values.locked_out = String(change.lockedOut);
      if (change.webServiceAccessOnly !== undefined)
        values.web_service_access_only = String(change.webServiceAccessOnly);
      await client.patch(table, id, values, STATE_FIELDS);
      // Read back rather than trust the echo: without field rights ServiceNow omits fields silently.
      return toState(await client.get(table, id, STATE_FIELDS));
    },
  };
}
