import type { TenantData } from "../sources/entra/simulator/tenant-data.js";

/** What the Entra lower bound needs to know of a simulated tenant: how many of each thing it holds. */
export interface EntraTenantDescription {
  applications: number;
  /** Service principals of the tenant's own applications (the identities a scan finds). */
  ownServicePrincipals: number;
  /** Every service principal in the tenant (Microsoft's and other tenants' apps too). */
  servicePrincipals: number;
  graphAppRoleAssignments: number;
  roleAssignments: number;
  roleDefinitions: number;
  spSignIns: number;
  credentialSignIns: number;
  /** Applications with 20 owners or more: $expand cannot tell whether it returned them all. */
  crowdedApplications: number;
}

export function describeEntraTenant(data: TenantData): EntraTenantDescription {
  const appIds = new Set(data.applications.map((a) => a.appId));
  return {
    applications: data.applications.length,
    ownServicePrincipals: data.servicePrincipals.filter(
      (sp) => sp.appOwnerOrganizationId === data.tenantId && appIds.has(sp.appId),
    ).length,
    servicePrincipals: data.servicePrincipals.length,
    graphAppRoleAssignments: data.graphAppRoleAssignments.length,
    roleAssignments: data.roleAssignments.length,
    roleDefinitions: data.roleDefinitions.length,
    spSignIns: data.spSignIns.size,
    credentialSignIns: data.credentialSignIns.size,
    crowdedApplications: data.applications.filter((a) => a.ownerIds.length >= 20).length,
  };
}
