import type { EntraAttributes, EntraOwner, MachineIdentity } from "../model.js";
import { defineRule, type RuleVerdict } from "./rule-definition.js";

/**
 * Nobody to ask: no owner, an owner who left, or one warden cannot reach by email. For an Entra
 * application, an owner is an enabled user with a mail address; groups and service principals
 * can own an app but cannot be asked.
 */
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
    if (identity.attributes.kind === "entra") return judgeEntra(identity.attributes, seesAll);
    if (!seesAll) return "undecided";
    const problem = ownerProblem(identity);
    if (!problem) return undefined;
    return finding(problem, [problem]);
  },
});

function finding(summary: string, details: string[]): RuleVerdict {
  return { severity: "medium", summary, evidence: details.map((detail) => ({ signal: "owners", detail })) };
}

function ownerProblem(identity: MachineIdentity): string | undefined {
  const owner = identity.owner;
  if (!owner) {
    return identity.ownerRef ? "Owner reference points to a user that no longer exists" : "No owner is set";
  }
  if (!owner.active) return `Owner ${owner.name} (${owner.userName}) is no longer active`;
  if (!owner.email) return `Owner ${owner.name} (${owner.userName}) has no email address`;
  return undefined;
}

/**
 * Entra: the owners come with the application listing (Application.Read.All), each with its
 * object type; only their names, mail and state need User.Read.All. So an app with no owner, or
 * owned only by groups and service principals, is decided even when the owners signal is blind;
 * one with user owners is undecided then (they may be enabled and have mail).
 */
function judgeEntra(entra: EntraAttributes, seesAll: boolean): RuleVerdict {
  const users = entra.owners.filter((o) => o.kind === "user");
  const each = entra.owners.map((o) => `Owner ${describeOwner(o)}`);
  if (entra.owners.length === 0) {
    return finding("No owner is set on the app registration", ["App registration owners: none"]);
  }
  if (users.length === 0) {
    return finding(
      `Owned only by ${entra.owners.length === 1 ? "a group or service principal" : "groups or service principals"}, which warden cannot ask`,
      each,
    );
  }
  if (!seesAll) return "undecided";
  if (users.some((u) => u.enabled === true && u.mail !== undefined)) return undefined;
  return finding("No owner is an enabled user with a mail address", each);
}

const KIND_WORDS: Record<EntraOwner["kind"], string> = {
  user: "user",
  group: "group",
  servicePrincipal: "service principal",
  other: "directory object",
};

/** "Carol Left (user, disabled)", "Dan NoMail (user, no mail)", "Platform team (group)". */
function describeOwner(owner: EntraOwner): string {
  const name = owner.displayName ?? owner.userPrincipalName ?? owner.id;
  const notes: string[] = [KIND_WORDS[owner.kind]];
  if (owner.kind === "user") {
    if (owner.enabled === false) notes.push("disabled");
    else if (owner.enabled === undefined) notes.push("state unknown");
    if (owner.mail === undefined) notes.push("no mail");
  }
  return `${name} (${notes.join(", ")})`;
}
