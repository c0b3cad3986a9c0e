import type { Signal } from "../../core/model.js";

/**
 * One thing a scan reads from Graph, the application permission that grants it with least
 * privilege, and the broader ones Graph also accepts (the "higher privileged" column of each API
 * page: https://learn.microsoft.com/en-us/graph/api/application-list,
 * https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list,
 * https://learn.microsoft.com/en-us/graph/api/application-list-owners,
 * https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roleassignments,
 * https://learn.microsoft.com/en-us/graph/api/reportroot-list-serviceprincipalsigninactivities?view=graph-rest-beta).
 */
export interface ScanPermission {
  /** What it reads, in an operator's words. */
  reads: string;
  least: string;
  alsoGrantedBy: readonly string[];
  /** Signals that are blind without it; empty for what a scan cannot do without. */
  signals: readonly Signal[];
}

/** What a read-only scan needs, in the order of the collector's requests (collect-entra-inventory.ts). */
export const SCAN_PERMISSIONS: readonly ScanPermission[] = [
  {
    reads: "applications, service principals, credentials and Microsoft Graph application permissions",
    least: "Application.Read.All",
    alsoGrantedBy: ["Directory.Read.All", "Application.ReadWrite.All", "Directory.ReadWrite.All"],
    signals: [],
  },
  {
    reads: "owners' names, mail and whether they are enabled",
    least: "User.Read.All",
    alsoGrantedBy: ["Directory.Read.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
    signals: ["owners"],
  },
  {
    reads: "directory roles held by service principals",
    least: "RoleManagement.Read.Directory",
    alsoGrantedBy: [
      "RoleManagement.Read.All",
      "Directory.Read.All",
      "RoleManagement.ReadWrite.Directory",
      "Directory.ReadWrite.All",
    ],
    signals: ["directory_roles"],
  },
  {
    reads: "sign-in activity of service principals and credentials (also needs Entra ID P1 or P2)",
    least: "AuditLog.Read.All",
    alsoGrantedBy: ["Directory.Read.All"],
    signals: ["sign_ins", "credential_sign_ins"],
  },
];

/**
 * Remediation (Disable, Remove expired credential), opt-in: least privilege is
 * Application.ReadWrite.OwnedBy, which acts only on apps warden's own app is an owner of
 * (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-update,
 * https://learn.microsoft.com/en-us/graph/api/application-removepassword). Both are Tier 0: an app
 * that can add a secret to another app can sign in as it (https://github.com/emiliensocchi/azure-tiering).
 */
export const REMEDIATION_OWNED_BY = "Application.ReadWrite.OwnedBy";
export const REMEDIATION_ALL = "Application.ReadWrite.All";
export const REMEDIATION_PERMISSIONS = [REMEDIATION_OWNED_BY, REMEDIATION_ALL, "Directory.ReadWrite.All"];

/** Whether `roles` grant `permission` (its least-privileged name or a broader one). */
export const grants = (roles: readonly string[], permission: ScanPermission): boolean =>
  roles.includes(permission.least) || permission.alsoGrantedBy.some((p) => roles.includes(p));
