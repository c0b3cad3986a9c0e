import type { Signal } from "../../core/model.js";
import { ENTRA_PATHS } from "../../sources/entra/collect-entra-inventory.js";
import type { GraphClient } from "../../sources/entra/graph-client.js";
import type { GraphDirectoryObject } from "../../sources/entra/graph-types.js";
import { SCAN_PERMISSIONS, type ScanPermission } from "./entra-permissions.js";

/** One Graph listing a scan reads, probed with one cheap request ($top=1). */
export interface EntraSignalProbe {
  name: string;
  /** The path reported in blind spots (as the collector reports it). */
  path: string;
  /** Signals a refusal blinds; empty when a scan cannot run without it. */
  signals: readonly Signal[];
  permission: ScanPermission;
  /** Reads one item; resolves to what was found (for the PASS line), or a warning. */
  read(graph: GraphClient): Promise<{ detail: string; warn?: { detail: string; signal: Signal } }>;
}

interface Page<T> {
  value?: T[];
}

const permission = (least: string): ScanPermission => {
  const found = SCAN_PERMISSIONS.find((p) => p.least === least);
  if (!found) throw new Error(`no scan permission ${least}`);
  return found;
};
const one = "1";
const some = (n: number | undefined, what: string) =>
  n === 0 ? `readable (no ${what} in this tenant yet)` : "readable";

/** The probes, in the order a scan reads (collect-entra-inventory.ts). */
export const ENTRA_SIGNAL_PROBES: readonly EntraSignalProbe[] = [
  {
    name: "read applications",
    path: ENTRA_PATHS.applications,
    signals: [],
    permission: permission("Application.Read.All"),
    async read(graph) {
      const page = await graph.get<Page<{ owners?: GraphDirectoryObject[] | null }>>(
        ENTRA_PATHS.applications,
        {
          $select: "id,appId,displayName,passwordCredentials,keyCredentials",
          $expand: "owners($select=id,displayName,mail,userPrincipalName,accountEnabled)",
          $top: one,
        },
      );
      const owners = page.value?.[0]?.owners ?? [];
      // "Limited information": without User.Read.All a user owner comes back as its id only
      // (https://learn.microsoft.com/en-us/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects).
      const hidden = owners.some(
        (o) =>
          o["@odata.type"] === "#microsoft.graph.user" &&
          (o.displayName ?? null) === null &&
          (o.userPrincipalName ?? null) === null,
      );
      return {
        detail: `Applications with credentials and owners: ${some(page.value?.length, "application")}.`,
        ...(hidden
          ? {
              warn: {
                signal: "owners" as const,
                detail:
                  "Owners come back without names or mail (Graph's limited information): grant User.Read.All, or owners cannot be messaged and no_owner cannot be judged.",
              },
            }
          : {}),
      };
    },
  },
  {
    name: "read service principals",
    path: ENTRA_PATHS.servicePrincipals,
    signals: [],
    permission: permission("Application.Read.All"),
    async read(graph) {
      const page = await graph.get<Page<unknown>>(ENTRA_PATHS.servicePrincipals, {
        $select: "id,appId,accountEnabled,appOwnerOrganizationId",
        $top: one,
      });
      return { detail: `Service principals: ${some(page.value?.length, "service principal")}.` };
    },
  },
  {
    name: "read application permissions",
    path: ENTRA_PATHS.graphServicePrincipal,
    signals: ["app_permissions"],
    permission: permission("Application.Read.All"),
    async read(graph) {
      const sp = await graph.get<{ id: string; appRoles?: unknown[] | null }>(
        ENTRA_PATHS.graphServicePrincipal,
        {
          $select: "id,appRoles",
        },
      );
      await graph.get<Page<unknown>>(
        `/v1.0/servicePrincipals/${encodeURIComponent(sp.id)}/appRoleAssignedTo`,
        {
          $select: "principalId,appRoleId",
          $top: one,
        },
      );
      return {
        detail: `Microsoft Graph's ${sp.appRoles?.length ?? 0} application permissions and who holds them: readable.`,
      };
    },
  },
  {
    name: "read directory roles",
    path: ENTRA_PATHS.roleAssignments,
    signals: ["directory_roles"],
    permission: permission("RoleManagement.Read.Directory"),
    async read(graph) {
      await graph.get<Page<unknown>>(ENTRA_PATHS.roleAssignments, {
        $select: "principalId,roleDefinitionId",
        $top: one,
      });
      return { detail: "Directory role assignments: readable." };
    },
  },
  {
    name: "read sign-in activity",
    path: ENTRA_PATHS.spSignIns,
    signals: ["sign_ins"],
    permission: permission("AuditLog.Read.All"),
    async read(graph) {
      await graph.get<Page<unknown>>(ENTRA_PATHS.spSignIns, { $top: one });
      return { detail: "Service principal sign-in activity (beta report): readable." };
    },
  },
  {
    name: "read credential sign-ins",
    path: ENTRA_PATHS.credentialSignIns,
    signals: ["credential_sign_ins"],
    permission: permission("AuditLog.Read.All"),
    async read(graph) {
      await graph.get<Page<unknown>>(ENTRA_PATHS.credentialSignIns, { $top: one });
      return { detail: "Per-credential sign-in activity (beta report): readable." };
    },
  },
];
