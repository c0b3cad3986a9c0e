import type { EntraTenantDescription } from "./describe-entra-tenant.js";

/**
 * Graph's page limits the bound rests on. /applications and /servicePrincipals serve at most 999
 * items a page (https://learn.microsoft.com/en-us/graph/api/application-list,
 * https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list). The other listings
 * (appRoleAssignedTo, role assignments and definitions, the two beta sign-in activity reports)
 * document no maximum `$top`: the bound grants them the same 999, the most any Graph directory
 * listing serves (and what the simulated tenant serves), so it stays a lower bound whatever their
 * real limit is.
 */
const PAGE = 999;
/** "$batch" carries at most 20 requests (https://learn.microsoft.com/en-us/graph/json-batching). */
const BATCH = 20;

/** What the bound assumes, printed with it. */
export const ENTRA_LOWER_BOUND_ASSUMPTIONS =
  "the best plan any client could use with Graph's limits: one token request; pages of 999 for every listing (the documented maximum for applications and service principals, granted to the listings that document none); owners by $expand on the applications' pages (free, but at most 20 owners and no nextLink, so an app with 20 or more owners needs its own /owners listing); service principals filtered to the tenant's own (appOwnerOrganizationId); Graph's permission catalogue one GET; every page request packed into $batch requests of 20, except that a listing's next page needs the previous page's nextLink, so each listing takes at least one round per page";

export interface EntraLowerBound {
  /** With $batch: the figure warden's request count is held against. */
  total: number;
  /** The same pages, one request each (no $batch). */
  unbatched: number;
  explanation: string;
}

/**
 * The fewest HTTP requests that can carry what a scan reads from a tenant holding `tenant`,
 * whatever the plan (ENTRA_LOWER_BOUND_ASSUMPTIONS).
 */
export function computeEntraLowerBound(tenant: EntraTenantDescription): EntraLowerBound {
  const pages = (items: number) => Math.max(1, Math.ceil(items / PAGE));
  // Each chain is a listing whose pages follow one another (nextLink), with the requests it needs first.
  const chains: [string, number][] = [
    // The crowded apps' /owners listings need the application pages first (to know which apps):
    // one more round after them, each listing one page (no app has 999 owners).
    ["applications with credentials and owners", pages(tenant.applications)],
    ["owners of apps with 20 or more", tenant.crowdedApplications],
    ["own service principals", pages(tenant.ownServicePrincipals)],
    // Graph's service principal (its id and appRoles), then its appRoleAssignedTo pages.
    ["Graph's permissions and their assignments", 1 + pages(tenant.graphAppRoleAssignments)],
    ["role definitions", pages(tenant.roleDefinitions)],
    ["role assignments", pages(tenant.roleAssignments)],
    ["service principal sign-ins", pages(tenant.spSignIns)],
    ["credential sign-ins", pages(tenant.credentialSignIns)],
  ];
  const totalPages = chains.reduce((n, [, p]) => n + p, 0);
  const rounds = Math.max(
    pages(tenant.applications) + (tenant.crowdedApplications > 0 ? 1 : 0),
    ...chains.slice(2).map(([, p]) => p),
  );
  const batched = Math.max(rounds, Math.ceil(totalPages / BATCH));
  return {
    total: 1 + batched,
    unbatched: 1 + totalPages,
    explanation: `token 1 + max(${rounds} rounds of the longest chain, ceil(${totalPages} pages / ${BATCH})) = ${1 + batched}; the pages: ${chains.map(([name, p]) => `${name} ${p}`).join(" + ")}`,
  };
}
