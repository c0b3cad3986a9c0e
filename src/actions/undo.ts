import type { ActionDefinition } from "./action-definition.js";
import { addedRoles } from "./describe-role-grants.js";

/** How long after a reversible action its Undo is offered and accepted. */
export const UNDO_WINDOW_MS = 86_400_000;

/**
 * Undo: restores the values recorded before a reversible action, while the account still holds
 * what that action wrote. Offered with the decision's outcome line, not as a plain button.
 */
export const undo = {
  kind: "undo",
  id: "warden_undo",
  title: "Undo",
  reversible: false,
  intent: "restore",
  done: "Undone (previous values restored)",
  wouldHave: "would have been undone",
  failed: "Undo",
  // An undone Remove privileged role names the roles granted again.
  detail: (before, after) => {
    const granted = addedRoles(before?.directPrivilegedRoles, after?.directPrivilegedRoles);
    return granted.length > 0 ? `granted again: ${granted.join(", ")}` : undefined;
  },
} as const satisfies ActionDefinition<"undo">;
