import { randomBytes } from "node:crypto";
import { type InstanceData, insertRow } from "../../src/sources/servicenow/simulator/instance-data.js";

const sysId = () => randomBytes(16).toString("hex");

function rows(data: InstanceData, table: string) {
  const t = data.tables.get(table);
  if (!t) throw new Error(`no table ${table} in the simulated instance`);
  return t;
}

/**
 * Gives `userName` the role `role` through the group `groupName` (created when missing), as the
 * role engine records it: a sys_user_has_role row with inherited=true and granted_by the group.
 */
export function grantThroughGroup(
  data: InstanceData,
  userName: string,
  role: string,
  groupName: string,
): void {
  const user = rows(data, "sys_user").rows.find((r) => r.user_name === userName);
  const roleRow = rows(data, "sys_user_role").rows.find((r) => r.name === role);
  if (!user?.sys_id || !roleRow?.sys_id) throw new Error(`no user ${userName} or role ${role}`);
  const groups = rows(data, "sys_user_group");
  const group =
    groups.rows.find((g) => g.name === groupName) ?? insertRow(groups, { sys_id: sysId(), name: groupName });
  insertRow(rows(data, "sys_user_has_role"), {
    sys_id: sysId(),
    user: user.sys_id,
    role: roleRow.sys_id,
    inherited: "true",
    granted_by: group.sys_id ?? "",
  });
}

/**
 * Gives `userName` the role `role` directly (inherited=false), adding the role to sys_user_role
 * when the instance has none by that name.
 */
export function grantDirectly(data: InstanceData, userName: string, role: string): void {
  const user = rows(data, "sys_user").rows.find((r) => r.user_name === userName);
  if (!user?.sys_id) throw new Error(`no user ${userName}`);
  const roles = rows(data, "sys_user_role");
  const roleRow =
    roles.rows.find((r) => r.name === role) ??
    insertRow(roles, { sys_id: sysId(), name: role, elevated_privilege: "false" });
  insertRow(rows(data, "sys_user_has_role"), {
    sys_id: sysId(),
    user: user.sys_id,
    role: roleRow.sys_id ?? "",
    inherited: "false",
    granted_by: "",
  });
}

/** The role names `userName` holds in the simulated instance, direct ones and inherited ones apart. */
export function heldRoles(data: InstanceData, userName: string): { direct: string[]; inherited: string[] } {
  const user = rows(data, "sys_user").rows.find((r) => r.user_name === userName);
  const names = new Map(rows(data, "sys_user_role").rows.map((r) => [r.sys_id, r.name]));
  const held = rows(data, "sys_user_has_role").rows.filter((r) => r.user === user?.sys_id);
  const named = (inherited: boolean) =>
    held
      .filter((r) => (r.inherited === "true") === inherited)
      .map((r) => names.get(r.role) ?? "?")
      .sort();
  return { direct: named(false), inherited: named(true) };
}
