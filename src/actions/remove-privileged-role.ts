import type { ActionDefinition } from "./action-definition.js";
import { addedRoles, describeRoleGrants } from "./describe-role-grants.js";

/** The rule whose open finding offers the action on a ServiceNow account. */
export const PRIVILEGED_RULE = "privileged";

/**
 * Removes the privileged roles granted directly to a ServiceNow account: its sys_user_has_role rows
 * with inherited=false whose role is privileged, read again right before the delete. Inherited
 * ones come with a group (or a containing role) and would come back from it, so they are left alone
 * and named with the group that grants them. Undo re-grants exactly the roles removed. Dangerous:
 * an integration that needs the role stops working where it used it.
 */
export const removePrivilegedRole = {
  kind: "remove_privileged_role",
  id: "warden_remove_privileged_role",
  title: "Remove privileged role",
  style: "danger",
  fixes: ["reduce_roles"],
  confirm: (userName) =>
    `The privileged roles granted directly to ${userName} will be removed in ServiceNow; roles inherited from a group stay. Calls that need those roles will be refused. You can undo it for 24 hours.`,
  reversible: true,
  offeredFor: (account) =>
    (account.sourceKind ?? "servicenow") === "servicenow" &&
    account.findings.some((f) => f.rule === PRIVILEGED_RULE),
  intent: "remove_privileged_roles",
  done: "Privileged roles removed",
  wouldHave: "would have had its directly granted privileged roles removed",
  failed: "Removing privileged roles",
  already: "No privileged role was granted directly any more",
  detail: (before, after) => {
    const removed = addedRoles(after?.directPrivilegedRoles, before?.directPrivilegedRoles);
    const inherited = describeRoleGrants((after ?? before)?.inheritedPrivilegedRoles);
    const parts = [
      ...(removed.length > 0 ? [`removed ${removed.join(", ")}`] : []),
      ...(inherited.length > 0
        ? [`left alone: ${inherited.join(", ")}; an inherited role stays while the account is in the group`]
        : []),
    ];
    return parts.length > 0 ? parts.join("; ") : undefined;
  },
} as const satisfies ActionDefinition<"remove_privileged_role">;
