/**
 * Fixed identifiers of Microsoft Graph and Entra ID that warden relies on.
 */

/** appId of the Microsoft Graph service principal, the same in every tenant (https://learn.microsoft.com/en-us/graph/permissions-reference). */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Microsoft's own tenant: first-party apps have it as appOwnerOrganizationId (https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in). */
export const MICROSOFT_TENANT_ID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

/**
 * Graph pages of at most 999 items, the documented maximum `$top` of /applications and
 * /servicePrincipals (https://learn.microsoft.com/en-us/graph/api/application-list): fewer round trips.
 */
export const GRAPH_PAGE_SIZE = 999;
