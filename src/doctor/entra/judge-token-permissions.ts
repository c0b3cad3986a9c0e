import type { WardenMode } from "../../config/load-config.js";
import { DEFAULT_PRIVILEGED_GRAPH_PERMISSIONS } from "../../sources/entra/privileged-defaults.js";
import type { DoctorCheck } from "../doctor-types.js";
import { entraCheck } from "./entra-check-types.js";
import {
  grants,
  REMEDIATION_ALL,
  REMEDIATION_OWNED_BY,
  REMEDIATION_PERMISSIONS,
  SCAN_PERMISSIONS,
} from "./entra-permissions.js";
import type { TokenClaims } from "./read-token-claims.js";

const GRANT_HOW =
  "add it under App registrations > warden > API permissions > Microsoft Graph > Application permissions, then Grant admin consent";

/**
 * The application permissions the token carries (its `roles` claim) against what a read-only scan
 * needs and what remediation needs. Judged from the token only: the probes that follow ask Graph.
 */
export function judgeTokenPermissions(claims: TokenClaims | undefined, mode: WardenMode): DoctorCheck[] {
  if (claims === undefined) {
    return [
      entraCheck(
        "token permissions",
        "warn",
        "The access token is not a readable JWT, so its permissions cannot be listed: the probes below say what Graph allows.",
      ),
    ];
  }
  const roles = [...claims.roles].sort();
  const checks: DoctorCheck[] = [];
  const held = roles.length > 0 ? roles.join(", ") : "none";
  const missing = SCAN_PERMISSIONS.filter((p) => !grants(roles, p));
  const [required] = SCAN_PERMISSIONS;
  if (missing.length === 0) {
    checks.push(
      entraCheck(
        "token permissions",
        "pass",
        `The token carries ${held}: everything a read-only scan reads (${SCAN_PERMISSIONS.map((p) => p.least).join(", ")}, or Directory.Read.All).`,
      ),
    );
  } else {
    const lines = missing.map((p) => `${p.least} (for ${p.reads})`);
    const cannotScan = required !== undefined && missing.includes(required);
    checks.push(
      entraCheck(
        "token permissions",
        cannotScan ? "fail" : "warn",
        `The token carries ${held}. Missing for a read-only scan: ${lines.join("; ")}. ${cannotScan ? "Scans cannot run without Application.Read.All" : "Until granted, those signals are blind spots"}: ${GRANT_HOW}.`,
      ),
    );
  }
  checks.push(judgeRemediation(roles, mode));
  return checks;
}

/** Remediation is opt-in, and its permissions are Tier 0: the doctor says which the token has. */
function judgeRemediation(roles: readonly string[], mode: WardenMode): DoctorCheck {
  const write = REMEDIATION_PERMISSIONS.filter((p) => roles.includes(p));
  // Privileged permissions warden never uses (its scan reads, its actions need only the above).
  const extra = roles.filter(
    (r) => DEFAULT_PRIVILEGED_GRAPH_PERMISSIONS.includes(r) && !REMEDIATION_PERMISSIONS.includes(r),
  );
  const extraText =
    extra.length > 0
      ? ` It also carries ${extra.join(", ")}, which warden never uses: remove them (each is Tier 0, a path to Global Administrator).`
      : "";
  if (write.length === 0) {
    return entraCheck(
      "remediation permissions",
      extra.length > 0 ? "warn" : "pass",
      `Read-only (recommended default): Graph refuses Disable and Remove expired credential (403) until you opt in. To opt in, grant ${REMEDIATION_OWNED_BY} and make warden's app an owner of the apps it may change; note that it is Tier 0 (an app that can add a secret to another app can act as it).${extraText}`,
    );
  }
  if (mode === "dry-run") {
    return entraCheck(
      "remediation permissions",
      "warn",
      `The token carries ${write.join(", ")} but WARDEN_MODE=dry-run never writes: remove it (Tier 0: it can add a secret to an app and act as it).${extraText}`,
    );
  }
  if (write.includes(REMEDIATION_ALL) || write.includes("Directory.ReadWrite.All")) {
    return entraCheck(
      "remediation permissions",
      "warn",
      `The token carries ${write.join(", ")}: remediation works on every app, and warden itself is a Tier 0 identity (it can add a secret to any app and act as it). Prefer ${REMEDIATION_OWNED_BY} with warden's app as an owner of the apps it may change.${extraText}`,
    );
  }
  return entraCheck(
    "remediation permissions",
    "warn",
    `The token carries ${REMEDIATION_OWNED_BY} (remediation opted in): Disable and Remove expired credential work on the apps warden's app owns, and Graph refuses the others (403). It is Tier 0 all the same: guard ENTRA_CLIENT_SECRET as a Global Administrator's password.${extraText}`,
  );
}
