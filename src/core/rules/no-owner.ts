import type { MachineIdentity } from "../model.js";
import { defineRule } from "./rule-definition.js";

/** Nobody to ask: no owner, an owner who left, or one warden cannot reach by email. */
export const noOwner = defineRule({
  name: "no_owner",
  title: "No owner",
  opened: "lost their owner",
  resolved: "got an owner",
  remediation: "assign_owner",
  remediationText: "Assign an owner",
  weight: 0.3,
  signals: ["owners"],
  judge({ identity, options, seesAll }) {
    // An owner assigned in chat settles the rule (warden messages them), even when the source's
    // owner reference is empty or its signal is blind.
    if (options.assignedOwners?.has(identity.id)) return undefined;
    if (!seesAll) return "undecided";
    const problem = ownerProblem(identity);
    if (!problem) return undefined;
    return { severity: "medium", summary: problem, evidence: [{ signal: "owners", detail: problem }] };
  },
});

function ownerProblem(identity: MachineIdentity): string | undefined {
  const owner = identity.owner;
  if (!owner) {
    return identity.ownerRef ? "Owner reference points to a user that no longer exists" : "No owner is set";
  }
  if (!owner.active) return `Owner ${owner.name} (${owner.userName}) is no longer active`;
  if (!owner.email) return `Owner ${owner.name} (${owner.userName}) has no email address`;
  return undefined;
}
