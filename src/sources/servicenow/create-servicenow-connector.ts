import type { AccountIntent, AccountState, AccountValues, SourceConnector } from "../source-connector.js";
import type { RawRecord, ServiceNowClient } from "./client-types.js";
import { collectInventory } from "./collect-inventory.js";
import { DEFAULT_MAPPING, DEFAULT_PRIVILEGED_ROLES, type ServiceNowMapping } from "./mapping.js";
import { parseBool, str } from "./parse-values.js";
import { SERVICENOW_SOURCE } from "./servicenow-source.js";

export interface ServiceNowConnectorOptions {
  client: ServiceNowClient;
  /** The source name accounts are stored under; default "servicenow". */
  name?: string;
  mapping?: ServiceNowMapping;
  privilegedRoles?: readonly string[];
  /** Characters of values per IN-list request; see IN_LIST_CHARS. */
  inListChars?: number;
}

const STATE_FIELDS = ["sys_id", "user_name", "active", "locked_out", "web_service_access_only"] as const;

/** warden's name of each sys_user field remediation writes (the names decisions record). */
const FIELD_OF = {
  active: "active",
  lockedOut: "locked_out",
  webServiceAccessOnly: "web_service_access_only",
} as const;

/**
 * What each intent writes to sys_user. Disable also locks out, which ends live sessions
 * (https://www.servicenow.com/docs/r/zurich/platform-administration/user-administration/t_CreateAUser.html);
 * restrict sets Web Service Access Only, so the account can no longer log into the UI
 * (https://www.servicenow.com/docs/r/zurich/platform-administration/user-administration/c_NonInteractiveSessions.html).
 */
const INTENDED: Record<"disable" | "restrict_to_api", AccountValues> = {
  disable: { active: false, lockedOut: true },
  restrict_to_api: { webServiceAccessOnly: true },
};

function toState(record: RawRecord | undefined): AccountState | undefined {
  const id = str(record?.sys_id);
  const userName = str(record?.user_name);
  if (!record || !id || !userName) return undefined;
  return {
    id,
    userName,
    values: {
      active: parseBool(record.active, true) ?? true,
      lockedOut: parseBool(record.locked_out, false) ?? false,
      webServiceAccessOnly: parseBool(record.web_service_access_only, false) ?? false,
    },
  };
}

/** The sys_user values for `values`; fields remediation does not write are left out. */
function toRecordValues(values: AccountValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, column] of Object.entries(FIELD_OF)) {
    const value = values[field];
    if (typeof value === "boolean") out[column] = String(value);
  }
  return out;
}

/** ServiceNow behind the source-connector port. */
export function createServiceNowConnector(options: ServiceNowConnectorOptions): SourceConnector {
  const { client } = options;
  const name = options.name ?? SERVICENOW_SOURCE;
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const table = mapping.user.table;
  const intendedValues = (intent: AccountIntent): AccountValues | undefined => {
    switch (intent.kind) {
      case "restore":
        return intent.values;
      case "remove_expired_credentials":
        // ServiceNow lists no credentials of an account (its passwords are never shown).
        return undefined;
      default:
        return INTENDED[intent.kind];
    }
  };
  return {
    kind: "servicenow",
    name,
    get requestCount() {
      return client.requestCount;
    },
    collectInventory: (collect) =>
      collectInventory(
        {
          source: name,
          client,
          mapping,
          privilegedRoles: options.privilegedRoles ?? DEFAULT_PRIVILEGED_ROLES,
          ...(options.inListChars ? { inListChars: options.inListChars } : {}),
        },
        collect,
      ),
    readAccount: async (id) => toState(await client.get(table, id, STATE_FIELDS)),
    intendedValues,
    sourceFields: toRecordValues,
    apply: async (id, intent) => {
      const values = toRecordValues(intendedValues(intent) ?? {});
      await client.patch(table, id, values, STATE_FIELDS);
      // Read back rather than trust the echo: without field rights ServiceNow omits fields silently.
      return toState(await client.get(table, id, STATE_FIELDS));
    },
  };
}
