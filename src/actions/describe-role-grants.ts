/**
 * Role names of a recorded `directPrivilegedRoles` / `inheritedPrivilegedRoles` value (the
 * ServiceNow connector records them as JSON lists, read-privileged-grants.ts), inherited ones with
 * the group that grants them: "security_admin (inherited from group Platform Admins)".
 */
export function describeRoleGrants(value: unknown): string[] {
  if (typeof value !== "string") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((r) => {
    if (r === null || typeof r !== "object") return [];
    const { role, group } = r as { role?: unknown; group?: unknown };
    if (typeof role !== "string") return [];
    if (!("group" in r)) return [role];
    return [
      typeof group === "string" && group ? `${role} (inherited from group ${group})` : `${role} (inherited)`,
    ];
  });
}

/** The roles listed in `after` but not in `before` (what a write added). */
export function addedRoles(before: unknown, after: unknown): string[] {
  const had = new Set(describeRoleGrants(before));
  return describeRoleGrants(after).filter((r) => !had.has(r));
}
