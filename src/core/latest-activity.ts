import type { MachineIdentity } from "./model.js";

/** The latest of some dates, ignoring missing ones; undefined when none is given. */
export function latest(...dates: (Date | undefined)[]): Date | undefined {
  let best: Date | undefined;
  for (const date of dates) if (date && (!best || date > best)) best = date;
  return best;
}

/**
 * The latest activity of any kind the scan saw: REST call, UI login, last_login_time, Basic auth
 * last seen, OAuth token issued; for an Entra service principal its sign-ins (any flow, and
 * app-only as a client) and the latest sign-in with any of its credentials, which is still
 * readable when the service principal report is not. It is what warden remembers as the
 * account's history.
 */
export function latestActivity(identity: MachineIdentity): Date | undefined {
  const entra = identity.attributes.kind === "entra" ? identity.attributes : undefined;
  return latest(
    identity.lastApiCallAt,
    identity.lastUiLoginAt,
    identity.lastLoginAt,
    identity.lastBasicAuthAt,
    identity.lastOAuthTokenAt,
    entra?.lastSignInAt,
    entra?.lastAppOnlySignInAt,
    ...(identity.credentials ?? []).map((c) => c.lastUsedAt),
  );
}
