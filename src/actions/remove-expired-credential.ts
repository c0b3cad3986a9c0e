import type { ActionDefinition } from "./action-definition.js";

/** The rule whose open finding offers the action (declared with the Entra rules in core/rules/). */
export const CREDENTIAL_EXPIRED_RULE = "credential_expired";

/**
 * Deletes the application's expired secrets and certificates, and only those: the ones still
 * expired when warden re-reads the application right before writing. Not reversible (a deleted
 * secret cannot be restored), so it is confirmed and offers no Undo. An expired credential no
 * longer signs anyone in, so nothing that works stops; removing it takes away a credential an
 * attacker could reuse once it is renewed in place, and the noise of the finding.
 */
export const removeExpiredCredential = {
  kind: "remove_expired_credential",
  id: "warden_remove_expired_credential",
  title: "Remove expired credential",
  style: "danger",
  fixes: ["remove_credential"],
  confirm: (userName) =>
    `The expired secrets and certificates of ${userName} will be deleted from its app registration; valid ones stay. Expired credentials no longer sign in, so nothing that works now stops. This cannot be undone.`,
  reversible: false,
  offeredFor: (account) => account.findings.some((f) => f.rule === CREDENTIAL_EXPIRED_RULE),
  intent: "remove_expired_credentials",
  done: "Expired credentials removed",
  wouldHave: "would have had its expired credentials removed",
  failed: "Removing expired credentials",
  already: "No credential was expired any more",
} as const satisfies ActionDefinition<"remove_expired_credential">;
