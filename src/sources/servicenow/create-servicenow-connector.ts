import { SourceError } from "../../errors.js";
import type { AccountIntent, AccountState, AccountValues, SourceConnector } from "../source-connector.js";
import { ADMIN_GRANTED_ROLES, whoMayGrant } from "./admin-granted-roles.js";
import {
  BASIC_AUTH_API_ROLE,
  DENY_BASIC_AUTH,
  readBasicAuthDecision,
  writeBasicAuthDecision,
} from "./basic-auth-decision.js";
import type { RawRecord, ServiceNowClient } from "./client-types.js";
import { collectInventory } from "./collect-inventory.js";
import { DEFAULT_MAPPING, DEFAULT_PRIVILEGED_ROLES, type ServiceNowMapping } from "./mapping.js";
import { parseBool, str } from "./parse-values.js";
import {
  grantValues,
  NO_DIRECT_GRANTS,
  type PrivilegedGrants,
  parseDirectGrants,
  readPrivilegedGrants,
  roleFieldOf,
} from "./read-privileged-grants.js";
import { SERVICENOW_SOURCE } from "./servicenow-source.js";
import { tablePath } from "./table-path.js";

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

/** Answers of a table warden cannot read (absent, or refused by an ACL). */
const UNREADABLE: ReadonlySet<string> = new Set([
  "E_SOURCE_BAD_REQUEST",
  "E_SOURCE_FORBIDDEN",
  "E_SOURCE_NOT_FOUND",
]);

/** The grants of `roles` only. */
function grantsOf(grants: PrivilegedGrants, roles: ReadonlySet<string>): PrivilegedGrants {
  return {
    direct: grants.direct.filter((g) => roles.has(g.role)),
    inherited: grants.inherited.filter((g) => roles.has(g.role)),
    unclear: grants.unclear.filter((r) => roles.has(r)),
  };
}

/**
 * How the account holds the role that lets Basic auth through the restriction whatever its
 * decision, as a list describeRoleGrants reads ("[]": it does not hold it).
 */
function bypassValue(grants: PrivilegedGrants): string {
  return JSON.stringify([
    ...grants.direct.map((g) => ({ role: g.role })),
    ...grants.inherited.map((g) => ({ role: g.role, group: g.group })),
    ...grants.unclear.map((role) => ({ role })),
  ]);
}

/** ServiceNow behind the source-connector port. */
export function createServiceNowConnector(options: ServiceNowConnectorOptions): SourceConnector {
  const { client } = options;
  const name = options.name ?? SERVICENOW_SOURCE;
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const table = mapping.user.table;
  const privilegedRoles = options.privilegedRoles ?? DEFAULT_PRIVILEGED_ROLES;
  const roleTable = mapping.userRole.table;
  const privilegedSet: ReadonlySet<string> = new Set(privilegedRoles);
  const bypassSet: ReadonlySet<string> = new Set([BASIC_AUTH_API_ROLE]);
  // One request reads both: the privileged roles and the Basic-auth bypass role.
  const readRoles = [...new Set([...privilegedRoles, BASIC_AUTH_API_ROLE])];
  const intendedValues = (intent: AccountIntent): AccountValues | undefined => {
    switch (intent.kind) {
      case "restore":
        return intent.values;
      case "remove_expired_credentials":
        // ServiceNow lists no credentials of an account (its passwords are never shown).
        return undefined;
      case "remove_privileged_roles":
        return { directPrivilegedRoles: NO_DIRECT_GRANTS };
      case "block_basic_auth":
        return { basicAuthDecision: DENY_BASIC_AUTH };
      default:
        return INTENDED[intent.kind];
    }
  };

  /**
   * The sys_user fields remediation writes, the privileged roles held directly and inherited
   * (read-privileged-grants.ts), and whether it holds the Basic-auth bypass role: what every
   * decision records before and after.
   */
  const readAccount = async (id: string): Promise<AccountState | undefined> => {
    const state = toState(await client.get(table, id, STATE_FIELDS));
    if (!state) return undefined;
    const basicAuthDecision = await readBasicAuthDecision(client, mapping, state.id);
    let roles: AccountValues = {
      directPrivilegedRoles: null,
      inheritedPrivilegedRoles: null,
      basicAuthApiRole: null,
    };
    try {
      const grants = await readPrivilegedGrants(client, mapping, state.id, readRoles);
      roles = {
        ...grantValues(grantsOf(grants, privilegedSet)),
        basicAuthApiRole: bypassValue(grantsOf(grants, bypassSet)),
      };
    } catch (error) {
      // Roles warden may not read are unknown (null), not a reason to refuse a Disable.
      if (!(error instanceof SourceError && UNREADABLE.has(error.code))) throw error;
    }
    return { ...state, values: { ...state.values, ...roles, basicAuthDecision } };
  };

  /**
   * Deletes the privileged roles granted directly, as they are right now (read again here, right
   * before the deletes); inherited rows are never touched: the role engine would put them back from
   * the group, and the group's other members share them.
   */
  const removeDirectGrants = async (id: string) => {
    const grants = await readPrivilegedGrants(client, mapping, id, privilegedRoles);
    if (grants.unclear.length > 0) {
      throw new SourceError(
        "E_SOURCE_FORBIDDEN",
        `${roleTable} does not show whether ${grants.unclear.join(", ")} is granted directly or through a group (its inherited field is missing: an ACL may hide it), so warden removed nothing; remove the direct grant in ServiceNow, or let warden's account read ${roleTable}.inherited`,
        { method: "DELETE", url: tablePath(roleTable) },
      );
    }
    const removed: typeof grants.direct = [];
    try {
      for (const grant of grants.direct) {
        await client.remove(roleTable, grant.rowId);
        removed.push(grant);
      }
    } catch (error) {
      // Refused (or cut off) after some rows went: the decision fails, and a failed decision has no
      // Undo, so the roles already removed are granted back here rather than lost to the owner.
      const notBack: string[] = [];
      for (const grant of removed) {
        try {
          await grantRole(id, grant.roleId);
        } catch {
          notBack.push(grant.role);
        }
      }
      if (notBack.length === 0 || !(error instanceof SourceError)) throw error;
      throw new SourceError(
        error.code,
        `${error.message} The roles removed before it could not all be granted back: ${notBack.join(", ")}; grant them again in ServiceNow if the account needs them.`,
        { status: error.status, method: error.method, url: error.url, cause: error },
      );
    }
  };

  const grantRole = (id: string, roleId: string) =>
    client.create(roleTable, { [mapping.userRole.userField]: id, [roleFieldOf(mapping)]: roleId }, [
      "sys_id",
    ]);

  /** Grants again each recorded direct role the account does not hold directly now (an Undo). */
  const regrant = async (id: string, recorded: unknown) => {
    const held = new Set(
      (await readPrivilegedGrants(client, mapping, id, privilegedRoles)).direct.map((g) => g.roleId),
    );
    for (const grant of parseDirectGrants(recorded)) {
      if (held.has(grant.roleId)) continue;
      try {
        await grantRole(id, grant.roleId);
      } catch (error) {
        if (!(error instanceof SourceError && error.code === "E_SOURCE_FORBIDDEN")) throw error;
        if (!ADMIN_GRANTED_ROLES.has(grant.role)) throw error;
        throw new SourceError(
          error.code,
          `ServiceNow refused to grant ${grant.role} again: ${whoMayGrant(grant.role)}, and warden's account is not one; grant it in ServiceNow if the account still needs it.`,
          { status: error.status, method: error.method, url: error.url, cause: error },
        );
      }
      held.add(grant.roleId);
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
    readAccount,
    intendedValues,
    sourceFields: toRecordValues,
    apply: async (id, intent) => {
      if (intent.kind === "remove_privileged_roles") {
        await removeDirectGrants(id);
        return readAccount(id);
      }
      if (intent.kind === "block_basic_auth") {
        await writeBasicAuthDecision(client, mapping, id, DENY_BASIC_AUTH);
        return readAccount(id);
      }
      const wanted = intendedValues(intent) ?? {};
      const values = toRecordValues(wanted);
      if (Object.keys(values).length > 0) await client.patch(table, id, values, STATE_FIELDS);
      if (intent.kind === "restore" && "directPrivilegedRoles" in wanted) {
        await regrant(id, wanted.directPrivilegedRoles);
      }
      if (intent.kind === "restore" && "basicAuthDecision" in wanted) {
        const previous = wanted.basicAuthDecision;
        await writeBasicAuthDecision(client, mapping, id, typeof previous === "string" ? previous : null);
      }
      // Read back rather than trust the echo: without field rights ServiceNow omits fields silently.
      return readAccount(id);
    },
  };
}
