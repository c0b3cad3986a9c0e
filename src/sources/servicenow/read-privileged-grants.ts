import type { RawRecord, ServiceNowClient } from "./client-types.js";
import type { ServiceNowMapping } from "./mapping.js";
import { parseBool, str } from "./parse-values.js";

/** A privileged role granted to the account directly: one sys_user_has_role row with inherited=false. */
export interface DirectGrant {
  role: string;
  /** The sys_user_role sys_id, which an Undo grants again. */
  roleId: string;
  /** The sys_user_has_role row, which Remove privileged role deletes. */
  rowId: string;
}

/** A privileged role the account holds through a group (or a containing role): left alone. */
export interface InheritedGrant {
  role: string;
  /** The group that grants it, where the instance says (granted_by); "" when it does not. */
  group: string;
}

export interface PrivilegedGrants {
  direct: DirectGrant[];
  inherited: InheritedGrant[];
  /**
   * Roles whose row did not say whether it is inherited (the field missing or unreadable, as an
   * ACL on `inherited` leaves it): neither list can hold them, and nothing is removed while any
   * is here, since deleting a group's row would not hold and deleting a direct one is the point.
   */
  unclear: string[];
}

/**
 * Fields read per grant. `inherited` is the m2m's flag for a role that comes from a group or a
 * containing role: the role engine keeps those rows in sync from sys_user_grmember and contained
 * roles (https://www.servicenow.com/docs/r/zurich/api-reference/scripts/r_ExecutionOrderScriptsAndEngines.html),
 * so deleting one would not hold. `granted_by` names the group; Role Management V2 deprecates it
 * (https://www.servicenow.com/docs/r/zurich/platform-security/access-control/Role-Mgmt-V2.html), so an
 * instance may leave it empty and the role is then named "inherited" without a group.
 */
const grantFields = (roleField: string, roleNameField: string) =>
  ["sys_id", roleField, roleNameField, "inherited", "granted_by", "granted_by.name"] as const;

/** The m2m's role reference field, from its dot-walked name field (`role.name` → `role`). */
export const roleFieldOf = (mapping: ServiceNowMapping): string =>
  mapping.userRole.roleNameField.slice(0, Math.max(0, mapping.userRole.roleNameField.indexOf(".")));

/** A reference's sys_id ({link,value} or plain), "" when empty. */
const refValue = (value: unknown): string => str(value) ?? "";

function toGrant(
  row: RawRecord,
  roleField: string,
  roleNameField: string,
): { inherited: boolean | undefined; direct: DirectGrant; group: string } | undefined {
  const role = str(row[roleNameField]);
  const roleId = refValue(row[roleField]);
  const rowId = str(row.sys_id);
  if (!role || !roleId || !rowId) return undefined;
  return {
    inherited: parseBool(row.inherited),
    direct: { role, roleId, rowId },
    group: str(row["granted_by.name"]) ?? refValue(row.granted_by),
  };
}

/**
 * The account's privileged roles as sys_user_has_role holds them right now, direct and inherited
 * apart, each list sorted by role name (so two reads of the same grants compare equal).
 */
export async function readPrivilegedGrants(
  client: ServiceNowClient,
  mapping: ServiceNowMapping,
  userId: string,
  privilegedRoles: readonly string[],
): Promise<PrivilegedGrants> {
  const { table, userField, roleNameField } = mapping.userRole;
  const grants: PrivilegedGrants = { direct: [], inherited: [], unclear: [] };
  const roles = privilegedRoles.filter((r) => /^[\w.-]+$/.test(r));
  // A sys_id is letters and digits: anything else could change the encoded query, so it is not sent.
  if (roles.length === 0 || !/^[\w-]+$/.test(userId)) return grants;
  const query = `${userField}=${userId}^${roleNameField}IN${roles.join(",")}`;
  const roleField = roleFieldOf(mapping);
  for await (const page of client.list(table, { query, fields: grantFields(roleField, roleNameField) })) {
    for (const row of page) {
      const grant = toGrant(row, roleField, roleNameField);
      if (!grant) continue;
      if (grant.inherited === undefined) grants.unclear.push(grant.direct.role);
      else if (grant.inherited) grants.inherited.push({ role: grant.direct.role, group: grant.group });
      else grants.direct.push(grant.direct);
    }
  }
  const byRole = (a: { role: string }, b: { role: string }) =>
    a.role < b.role ? -1 : a.role > b.role ? 1 : 0;
  grants.direct.sort((a, b) => byRole(a, b) || (a.roleId < b.roleId ? -1 : 1));
  grants.inherited.sort((a, b) => byRole(a, b) || (a.group < b.group ? -1 : 1));
  grants.unclear.sort();
  return grants;
}

/**
 * The account values remediation compares and records: the roles held directly (role and role
 * id, no row id: a role granted again gets a new row but is the same grant) and the inherited ones
 * with their group, each as canonical JSON. The direct ones are unknown (null) while a row does not
 * say which it is: "none granted directly" would then be a guess.
 */
export function grantValues(grants: PrivilegedGrants): {
  directPrivilegedRoles: string | null;
  inheritedPrivilegedRoles: string;
} {
  const direct = [
    ...new Map(grants.direct.map((g) => [g.roleId, { role: g.role, roleId: g.roleId }])).values(),
  ];
  return {
    directPrivilegedRoles: grants.unclear.length > 0 ? null : JSON.stringify(direct),
    inheritedPrivilegedRoles: JSON.stringify(grants.inherited.map((g) => ({ role: g.role, group: g.group }))),
  };
}

/** The direct grants a recorded `directPrivilegedRoles` value lists (an Undo grants them again). */
export function parseDirectGrants(value: unknown): { role: string; roleId: string }[] {
  if (typeof value !== "string") return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((g) => {
      const { role, roleId } = (g ?? {}) as { role?: unknown; roleId?: unknown };
      return typeof role === "string" && typeof roleId === "string" ? [{ role, roleId }] : [];
    });
  } catch {
    return [];
  }
}

/** "No privileged role granted directly", as grantValues writes it. */
export const NO_DIRECT_GRANTS = "[]";
