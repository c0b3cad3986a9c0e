/**
 * What counts as privileged for an Entra service principal by default (the rule task makes it
 * configurable). Graph application permissions: Maester's MT.1050/MT.1051 "Tier 0" list (direct
 * or indirect path to Global Administrator), built on emiliensocchi/azure-tiering
 * (https://github.com/emiliensocchi/azure-tiering). Directory roles: those Microsoft labels
 * PRIVILEGED (https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference),
 * by template id so a renamed or localised role still matches.
 */
export const DEFAULT_PRIVILEGED_GRAPH_PERMISSIONS: readonly string[] = [
  "RoleManagement.ReadWrite.Directory",
  "RoleAssignmentSchedule.ReadWrite.Directory",
  "PrivilegedAccess.ReadWrite.AzureADGroup",
  "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
  "UserAuthenticationMethod.ReadWrite.All",
  "User.DeleteRestore.All",
  "User.EnableDisableAccount.All",
  "Policy.ReadWrite.ConditionalAccess",
  "AppRoleAssignment.ReadWrite.All",
  "Application.ReadWrite.All",
  "Application.ReadWrite.OwnedBy",
  "Directory.ReadWrite.All",
  "Group.ReadWrite.All",
  "GroupMember.ReadWrite.All",
  "RoleEligibilitySchedule.ReadWrite.Directory",
  "RoleManagementPolicy.ReadWrite.Directory",
  "RoleManagementPolicy.ReadWrite.AzureADGroup",
  "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
  "Policy.ReadWrite.PermissionGrant",
  "Policy.ReadWrite.AuthenticationMethod",
  "AdministrativeUnit.ReadWrite.All",
  "EntitlementManagement.ReadWrite.All",
  "Domain.ReadWrite.All",
  "Organization.ReadWrite.All",
  "User.ReadWrite.All",
  "User-PasswordProfile.ReadWrite.All",
  "DeviceManagementConfiguration.ReadWrite.All",
  "DeviceManagementRBAC.ReadWrite.All",
];

/** Template ids of privileged directory roles (Global Administrator, Privileged Role Administrator, …). */
export const DEFAULT_PRIVILEGED_ROLE_TEMPLATES: readonly string[] = [
  "62e90394-69f5-4237-9190-012177145e10", // Global Administrator
  "e8611ab8-c189-46e8-94e1-60213ab1f814", // Privileged Role Administrator
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13", // Privileged Authentication Administrator
  "fe930be7-5e62-47db-91af-98c3a49a38b1", // User Administrator
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", // Application Administrator
  "158c047a-c907-4556-b7ef-446551a6b5f7", // Cloud Application Administrator
  "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2", // Hybrid Identity Administrator
  "29232cdf-9323-42fd-ade2-1d097af3e4de", // Exchange Administrator (CISA highly privileged)
  "f28a1f50-f6e7-4571-818b-6a12f2af6b6c", // SharePoint Administrator (CISA highly privileged)
  "194ae4cb-b126-40b2-bd5b-6091b380977d", // Security Administrator
  "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", // Conditional Access Administrator
  "c4e39bd9-1100-46d3-8c65-fb160da0071f", // Authentication Administrator
  "3a2c62db-5318-420d-8d74-23affee5d9d5", // Intune Administrator
  "9360feb5-f418-4baa-8175-e2a00bac4301", // Directory Writers
  "8329153b-31d0-4727-b945-745eb3bc5f31", // Domain Name Administrator
  "be2f45a1-457d-42af-a067-6ec1fa63bc45", // External Identity Provider Administrator
  "729827e3-9c14-49f7-bb1b-9608f156bbb8", // Helpdesk Administrator
  "966707d0-3269-4727-9be2-8c3a10f19b9d", // Password Administrator
  "cf1c38e5-3621-4004-a7cb-879624dced7c", // Application Developer
];
