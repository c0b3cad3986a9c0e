import type { Credential, EntraAttributes, EntraOwner, MachineIdentity } from "../../../src/core/model.js";

/** The fixed "today" of the focused Entra rule tests. */
export const NOW = new Date("2026-11-23T12:00:00Z");
export const DAY = 86_400_000;
export const at = (offsetDays: number) => new Date(NOW.getTime() + offsetDays * DAY);

export const ALICE: EntraOwner = {
  id: "0b0a1ce0-0000-4000-a000-000000000001",
  kind: "user",
  displayName: "Alice Ng",
  mail: "alice@example.com",
  userPrincipalName: "alice@example.com",
  enabled: true,
};

/** A secret valid from `startDays` to `endDays` (offsets from NOW). */
export function secret(
  id: string,
  startDays: number,
  endDays: number,
  extra: Partial<Credential> = {},
): Credential {
  return {
    id,
    type: "secret",
    name: id,
    hint: `${id.slice(0, 3)}`,
    createdAt: at(startDays),
    expiresAt: at(endDays),
    ...extra,
  };
}

export function certificate(id: string, startDays: number, endDays: number): Credential {
  return { id, type: "certificate", name: `CN=${id}`, createdAt: at(startDays), expiresAt: at(endDays) };
}

/**
 * A healthy Entra service principal as the collector builds it: owned by an enabled user with
 * mail, signed in yesterday, one secret valid for 90 more days, no privilege. Each test changes one thing.
 */
export function entraApp(
  changes: Partial<MachineIdentity> = {},
  attributes: Partial<Omit<EntraAttributes, "kind">> = {},
): MachineIdentity {
  const attrs: EntraAttributes = {
    kind: "entra",
    appId: "5e1f0c9a-0000-4000-a000-0000000000aa",
    applicationObjectId: "5e1f0c9a-0000-4000-a000-0000000000bb",
    servicePrincipalType: "Application",
    owners: [ALICE],
    lastSignInAt: at(-1),
    lastAppOnlySignInAt: at(-1),
    graphPermissions: ["User.Read.All"],
    directoryRoles: [],
    ...attributes,
  };
  const owner = attrs.owners.find((o) => o.kind === "user");
  return {
    source: "entra",
    id: "5e1f0c9a-0000-4000-a000-0000000000cc",
    userName: "billing-sync",
    name: "billing-sync",
    active: true,
    attributes: attrs,
    createdAt: at(-400),
    lastLoginAt: attrs.lastSignInAt,
    roles: [...attrs.graphPermissions, ...attrs.directoryRoles],
    privilegedRoles: [],
    ownerRef: attrs.owners[0]?.id,
    owner: owner
      ? {
          id: owner.id,
          userName: owner.userPrincipalName ?? owner.id,
          name: owner.displayName ?? owner.id,
          email: owner.mail,
          active: owner.enabled === true,
        }
      : undefined,
    credentials: [secret("s-live", -30, 90, { lastUsedAt: at(-1) })],
    apiCalls30d: 0,
    uniqueApiCalls7d: [],
    discoveredBy: ["service_principal"],
    ...changes,
  };
}
