/**
 * The roster behind the fake Bot Connector: Teams accounts keyed by email and UPN, lookup the way
 * `GET v3/conversations/:id/members/:userId` accepts ids (Teams id, AAD object id, UPN or email),
 * and `pagedmembers` paging.
 */

/** A TeamsChannelAccount-like member as the connector returns it. */
export interface FakeTeamsMember {
  /** Teams user id, "29:…". */
  id: string;
  aadObjectId: string;
  name: string;
  email: string;
  userPrincipalName: string;
  givenName?: string;
  surname?: string;
  tenantId: string;
  userRole: string;
}

/** Input for `addTeamsMember`; ids are generated when omitted. */
export interface FakeTeamsMemberInput {
  name: string;
  email: string;
  /** Defaults to `email` (real tenants may differ, e.g. `rstevens@…` vs `Rick.Stevens@…`). */
  userPrincipalName?: string;
  id?: string;
  aadObjectId?: string;
  tenantId?: string;
}

/** Tenant id the fake uses unless told otherwise. */
export const FAKE_TENANT_ID = "00000000-0000-0000-0000-0000000000aa";

let generated = 0;

/** Fills in ids and adds the member to `roster` under its email and its UPN. */
export function addTeamsMember(
  roster: Map<string, FakeTeamsMember>,
  input: FakeTeamsMemberInput,
): FakeTeamsMember {
  generated += 1;
  const serial = String(generated).padStart(12, "0");
  const member: FakeTeamsMember = {
    id: input.id ?? `29:1fake-${serial}`,
    aadObjectId: input.aadObjectId ?? `00000000-0000-4000-8000-${serial}`,
    name: input.name,
    email: input.email,
    userPrincipalName: input.userPrincipalName ?? input.email,
    tenantId: input.tenantId ?? FAKE_TENANT_ID,
    userRole: "user",
  };
  roster.set(member.email, member);
  roster.set(member.userPrincipalName, member);
  return member;
}

/** Distinct members in insertion order (the map holds each one under email and UPN). */
export function uniqueMembers(roster: Map<string, FakeTeamsMember>): FakeTeamsMember[] {
  return [...new Set(roster.values())];
}

/** Finds a member by Teams id, AAD object id, email or UPN (the last two case-insensitively). */
export function findTeamsMember(
  roster: Map<string, FakeTeamsMember>,
  key: string,
): FakeTeamsMember | undefined {
  const lower = key.toLowerCase();
  return uniqueMembers(roster).find(
    (m) =>
      m.id === key ||
      m.aadObjectId === key ||
      m.email.toLowerCase() === lower ||
      m.userPrincipalName.toLowerCase() === lower,
  );
}

/** One page of `pagedmembers`. */
export interface MembersPage {
  members: FakeTeamsMember[];
  continuationToken?: string;
}

/** Default page size when the caller sends none. */
const DEFAULT_PAGE_SIZE = 200;

/**
 * Slices the roster into pages; the continuation token is an opaque offset.
 * Returns undefined for a token this fake did not issue.
 */
export function pageOfMembers(
  roster: Map<string, FakeTeamsMember>,
  pageSizeParam: string | null,
  token: string | null,
): MembersPage | undefined {
  const all = uniqueMembers(roster);
  const parsedSize = Number(pageSizeParam);
  const size =
    pageSizeParam && Number.isInteger(parsedSize) && parsedSize > 0 ? parsedSize : DEFAULT_PAGE_SIZE;
  let offset = 0;
  if (token) {
    const match = /^fake-offset-(\d+)$/.exec(token);
    if (!match) return undefined;
    offset = Number(match[1]);
  }
  const members = all.slice(offset, offset + size);
  const next = offset + size;
  return next < all.length ? { members, continuationToken: `fake-offset-${next}` } : { members };
}
