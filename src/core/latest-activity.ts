import type { MachineIdentity } from "./model.js";

/** The latest of some dates, ignoring missing ones; undefined when none is given. */
export function latest(...dates: (Date | undefined)[]): Date | undefined {
  let best: Date | undefined;
  for (const date of dates) if (date && (!best || date > best)) best = date;
  return best;
}

/**
 * The latest activity of any kind the scan saw: REST call, UI login, last_login_time, Basic auth
 * last seen, OAuth token issued. It is what warden remembers as the account's history.
 */
export function latestActivity(identity: MachineIdentity): Date | undefined {
  return latest(
    identity.lastApiCallAt,
    identity.lastUiLoginAt,
    identity.lastLoginAt,
    identity.lastBasicAuthAt,
    identity.lastOAuthTokenAt,
  );
}
