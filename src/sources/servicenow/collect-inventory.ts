import type { BlindSpot, DiscoveryReason, Inventory, MachineIdentity, Owner } from "../../core/model.js";
import { createPacer } from "../../yield-to-loop.js";
import type { CollectOptions } from "../source-connector.js";
import { chunkByLength, IN_LIST_CHARS } from "./chunk-by-length.js";
import type { ServiceNowClient } from "./client-types.js";
import type { ServiceNowMapping } from "./mapping.js";
import { readApiActivity } from "./read-api-activity.js";
import { readBasicAuthUse, readOAuthTokens } from "./read-auth-methods.js";
import { readRoles } from "./read-roles.js";
import { readSignal } from "./read-signal.js";
import { readUiLogins } from "./read-ui-logins.js";
import { readUniqueApiCalls } from "./read-unique-api-calls.js";
import { readUsersById, readUsersByName, readWebServiceOnlyUsers, type UserRecord } from "./read-users.js";
import { createSignalReader } from "./signal-reader.js";

export interface CollectContext {
  /** The source name the identities are stored under (the connector's name). */
  source: string;
  client: ServiceNowClient;
  mapping: ServiceNowMapping;
  privilegedRoles: readonly string[];
  /** Characters of values per IN-list request (default IN_LIST_CHARS). */
  inListChars?: number;
}

const DAY = 86_400_000;

/**
 * Discovers ServiceNow's machine identities and gathers their signals, the way the Machine Identity
 * Console defines them: accounts with Web Service Access Only, plus every account with evidence of
 * API use in any signal (REST transactions, a Basic-auth usage record, OAuth tokens issued to it),
 * minus internal integration users. Counts come from the Aggregate API (never by downloading log
 * rows); record sets are keyset-paged. A signal the instance hides becomes a blind spot.
 */
export async function collectInventory(context: CollectContext, options: CollectOptions): Promise<Inventory> {
  const { client, mapping } = context;
  const { now, dormantDays } = options;
  const reader = createSignalReader(client, mapping, now, (values) =>
    chunkByLength(values, context.inListChars ?? IN_LIST_CHARS),
  );
  const progress = options.onProgress ?? (() => {});
  const blindSpots: BlindSpot[] = [];
  const requestsBefore = client.requestCount;
  const users = new Map<string, UserRecord>();
  const discoveredBy = new Map<string, Set<DiscoveryReason>>();
  const discover = (user: UserRecord, reason: DiscoveryReason) => {
    if (user.internalIntegration) return;
    users.set(user.id, user);
    discoveredBy.set(user.id, (discoveredBy.get(user.id) ?? new Set()).add(reason));
  };

  progress({ phase: "web-service-only accounts", done: 0 });
  const wsao = await readWebServiceOnlyUsers(reader, (done) =>
    progress({ phase: "web-service-only accounts", done }),
  );
  // Loops over every account (tens of thousands) give the event loop back every few ms.
  const pace = createPacer();
  for (const user of wsao) {
    await pace();
    discover(user, "wsao");
  }

  progress({ phase: "API activity" });
  const tx = mapping.transaction;
  const activity = await readSignal(blindSpots, "api_calls", tx.table, () =>
    readApiActivity(reader, dormantDays),
  );
  if (activity && activity.rows === 0) {
    // An ACL can hide every row without an error; an instance with no REST call at all is unlikely.
    blindSpots.push({
      signal: "api_calls",
      table: tx.table,
      reason: `${tx.table} returned no REST transactions at all: the bot account probably cannot read it (grant read on ${tx.table}).`,
    });
  }

  // Basic auth and OAuth are read before the accounts are settled: each is evidence of API use on
  // its own, so an account seen only there is a machine identity too.
  progress({ phase: "authentication methods" });
  const basic = await readSignal(blindSpots, "auth_methods", mapping.basicAuth.table, () =>
    readBasicAuthUse(reader),
  );
  const oauth = await readSignal(blindSpots, "oauth_tokens", mapping.oauthToken.table, () =>
    readOAuthTokens(reader),
  );

  progress({ phase: "API-calling accounts" });
  if (activity) {
    const byName = new Map<string, UserRecord>();
    for (const user of users.values()) {
      await pace();
      byName.set(user.userName, user);
    }
    const unknown: string[] = [];
    for (const name of activity.byName.keys()) {
      await pace();
      if (!byName.has(name)) unknown.push(name);
    }
    for (const user of await readUsersByName(reader, unknown)) {
      await pace();
      discover(user, "api_activity");
    }
    for (const user of users.values()) {
      await pace();
      if (activity.byName.has(user.userName)) discover(user, "api_activity");
    }
  }
  // Usage records and tokens name the account by sys_id: the ones not known yet are read by id.
  const evidenceIds = new Set([...(basic?.keys() ?? []), ...(oauth?.byUser.keys() ?? [])]);
  const unknownIds = [...evidenceIds].filter((id) => !users.has(id));
  const byId = new Map((await readUsersById(reader, unknownIds)).map((u) => [u.id, u]));
  for (const id of evidenceIds) {
    await pace();
    const user = users.get(id) ?? byId.get(id);
    if (!user) continue; // a deleted account, or one an ACL hides
    if (basic?.has(id)) discover(user, "basic_auth");
    if (oauth?.byUser.has(id)) discover(user, "oauth_tokens");
  }
  const identityIds = [...discoveredBy.keys()];
  const interactiveIds = identityIds.filter((id) => !users.get(id)?.wsao);

  progress({ phase: "roles" });
  const roles = await readSignal(blindSpots, "roles", mapping.userRole.table, () =>
    readRoles(
      reader,
      interactiveIds.map((id) => ({ id, userName: users.get(id)?.userName ?? "" })),
    ),
  );

  progress({ phase: "UI logins" });
  const lh = mapping.loginHistory;
  const since30 = new Date(now.getTime() - 30 * DAY);
  // Every interactive login updates last_login_time, so an account whose last_login_time is older
  // than 30 days has no UI login to count: only the others need the login history.
  const mayHaveLoggedIn = interactiveIds.filter((id) => {
    const user = users.get(id);
    return !user?.lastLoginKnown || (user.lastLoginAt !== undefined && user.lastLoginAt >= since30);
  });
  const logins = await readSignal(blindSpots, "ui_logins", lh.table, () =>
    readUiLogins(reader, mayHaveLoggedIn),
  );
  if (logins && logins.rows === 0) {
    blindSpots.push({
      signal: "ui_logins",
      table: lh.table,
      reason: `${lh.table} returned no logins at all: the bot account probably lacks role user_login_history_viewer.`,
    });
  }

  progress({ phase: "unique API calls" });
  const uniqueCalls = await readSignal(blindSpots, "unique_api_calls", tx.table, () =>
    readUniqueApiCalls(reader),
  );

  const privileged = new Set(context.privilegedRoles);
  // Owners come dot-walked inside each account's record; an owner that is an identity itself is
  // read the same way, so it agrees with that identity's own record.
  const ownerOf = (user: UserRecord): Owner | undefined => {
    const owner = user.owner;
    if (!owner) return undefined;
    return {
      id: owner.id,
      userName: owner.userName,
      name: owner.name,
      email: owner.email,
      active: owner.active && !owner.lockedOut,
    };
  };

  // 50,000 identities take a few hundred ms to assemble: the event loop is given back every few ms.
  const identities: MachineIdentity[] = [];
  for (const id of identityIds) {
    await pace();
    identities.push(toIdentity(id));
  }
  function toIdentity(id: string): MachineIdentity {
    const user = users.get(id) as UserRecord;
    const api = activity?.byName.get(user.userName);
    const login = logins?.byUser.get(id);
    const basicUse = basic?.get(id);
    const basicRecent = basicUse?.lastSeen && basicUse.lastSeen >= since30 ? basicUse.count : 0;
    const tokens = oauth?.byUser.get(id);
    const oauthTokens = tokens?.count30d ?? 0;
    const calls30d = api?.calls30d ?? 0;
    const accountRoles = roles?.get(id) ?? [];
    return {
      source: context.source,
      id,
      userName: user.userName,
      name: user.name,
      email: user.email,
      active: user.active,
      attributes: { kind: "servicenow", lockedOut: user.lockedOut, webServiceAccessOnly: user.wsao },
      createdAt: user.createdAt,
      lastLoginAt: user.lastLoginAt,
      roles: accountRoles,
      privilegedRoles: accountRoles.filter((r) => privileged.has(r)),
      ownerRef: user.ownerRef,
      owner: ownerOf(user),
      apiCalls30d: calls30d,
      lastApiCallAt: api?.last,
      uiLogins30d: logins ? (login?.count ?? 0) : undefined,
      lastUiLoginAt: login?.last,
      uniqueApiCalls7d: uniqueCalls?.get(user.userName) ?? [],
      authMethods30d: basic
        ? {
            basic: basicRecent,
            oauth: oauthTokens,
            // Calls we cannot attribute to Basic or OAuth (API keys, certificates, or unknown).
            other: basicRecent === 0 && oauthTokens === 0 ? calls30d : 0,
          }
        : undefined,
      lastBasicAuthAt: basicUse?.lastSeen,
      oauthTokens30d: oauth ? oauthTokens : undefined,
      lastOAuthTokenAt: tokens?.last,
      discoveredBy: [...(discoveredBy.get(id) ?? [])],
    };
  }

  return {
    source: context.source,
    collectedAt: now,
    identities,
    blindSpots,
    coverage: {
      apiLogSince: activity?.since,
      uiLoginLogSince: logins?.since,
      oauthTokensSince: oauth?.since,
    },
    requests: client.requestCount - requestsBefore,
  };
}
