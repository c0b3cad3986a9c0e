/**
 * The admin channel's "assign an owner" control (Slack users_select, Teams email input): not a
 * decision button (no action payload, nothing written to the source), and admins only
 * (canAssignOwner in remediation/can-act-on.ts).
 */
export const assignOwnerControl = {
  kind: "assign_owner",
  /** Slack action_id / Teams verb: stable, it is in messages already sent. */
  id: "warden_assign_owner",
  title: "Assign owner",
} as const;
