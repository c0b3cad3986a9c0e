/**
 * Roles only an admin may grant (security_admin, besides, only from an elevated session), so a
 * user_admin bot account that removed one cannot grant it back on Undo
 * (https://www.servicenow.com/docs/r/zurich/platform-security/c_ElevatedPrivilege.html). The
 * connector words a refused Undo with it, the doctor warns of it.
 */
export const ADMIN_GRANTED_ROLES: ReadonlySet<string> = new Set(["admin", "security_admin"]);

/** Who may grant `role`: "only an admin may grant security_admin (from an elevated session)". */
export function whoMayGrant(role: string): string {
  return `only an admin may grant ${role}${role === "security_admin" ? " (from an elevated session)" : ""}`;
}
