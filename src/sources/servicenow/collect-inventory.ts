import type { ApiCall, BlindSpot, Inventory, MachineIdentity, Owner } from "../../core/model.js";
import type { CollectOptions } from "../source-connector.js";
import type { RawRecord, ServiceNowClient } from "./client-types.js";
import { type ServiceNowMapping, USER_FIELDS } from "./mapping.js";
import { formatDateTime, parseBool, parseDateTime, parseInteger, refValue, str } from "./parse-values.js";
import { readSignal } from "./read-signal.js";
import { toPathTemplate } from "./to-path-template.js";

export interface CollectContext {
  client: ServiceNowClient;
  mapping: ServiceNowMapping;
  privilegedRoles: readonly string[];
  /** Characters of values per IN-list request (default IN_LIST_CHARS). */
  inListChars?: number;
}

const DAY = 86_400_000;

interface UserRecord {
  id: string;
  userName: string;
  name: string;
  email: string | undefined;
  active: boolean;
  lockedOut: boolean;
  wsao: boolean;
  lastLoginAt: Date | undefined;
  createdAt: Date | undefined;
  ownerRef: string | undefined;
}

function toUser(record: RawRecord, ownerField: string): UserRecord | undefined {
  const id = str(record.sys_id);
  const userName = str(record.user_name);
  if (!id || !userName) return undefined;
  return {
    id,
    userName,
    name: str(record.name) ?? userName,
    email: str(record.email),
    active: parseBool(record.active, true) ?? true,
    lockedOut: parseBool(record.locked_out, false) ?? false,
    wsao: parseBool(record.web_service_access_only, false) ?? false,
    lastLoginAt: parseDateTime(record.last_login_time),
    createdAt: parseDateTime(record.sys_created_on),
    ownerRef: refValue(record[ownerField]),
  };
}

/**
 * Budget for the values of one `fieldIN a,b,c` condition. Many servers and proxies refuse request
 * lines over 8 KB, and the rest of the URL (encoded fields, the other conditions) needs room.
 */
export const IN_LIST_CHARS = 6000;

/** Splits values into comma lists of at most `budget` characters each (URL-encoding aside). */
export function chunkByLength(values: readonly string[], budget: number): string[][] {
  const result: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const value of values) {
    if (current.length > 0 && length + 1 + value.length > budget) {
      result.push(current);
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? 1 : 0) + value.length;
    current.push(value);
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** IN lists are comma-separated and `^` starts a new condition: such values cannot be listed safely. */
const listable = (value: string): boolean => !/[,^]/.test(value);

/**
 * Discovers ServiceNow's machine identities and gathers their signals, the way the Machine Identity
 * Console defines them: accounts with Web Service Access Only, plus every account that made REST
 * calls, minus internal integration users. Counts come from the Aggregate API (never by downloading
 * log rows); record sets are keyset-paged. A signal the instance hides becomes a blind spot.
 */
export async function collectInventory(context: CollectContext, options: CollectOptions): Promise<Inventory> {
  const { client, mapping } = context;
  const batches = (values: readonly string[]) => chunkByLength(values, context.inListChars ?? IN_LIST_CHARS);
  const { now } = options;
  const progress = options.onProgress ?? (() => {});
  const ago = (days: number) => formatDateTime(new Date(now.getTime() - days * DAY));
  const blindSpots: BlindSpot[] = [];
  const requestsBefore = client.requestCount;
  const tx = mapping.transaction;
  const userFields = [...USER_FIELDS, mapping.user.ownerField];
  const users = new Map<string, UserRecord>();
  const discoveredBy = new Map<string, Set<"wsao" | "api_activity">>();
  const mark = (id: string, reason: "wsao" | "api_activity") => {
    const set = discoveredBy.get(id) ?? new Set();
    set.add(reason);
    discoveredBy.set(id, set);
  };

  // 1. Accounts with Web Service Access Only (disabled ones too: they stay in the population).
  progress({ phase: "web-service-only accounts", done: 0 });
  for await (const page of client.list(mapping.user.table, {
    query: "web_service_access_only=true^internal_integration_user!=true",
    fields: userFields,
  })) {
    for (const record of page) {
      const user = toUser(record, mapping.user.ownerField);
      if (!user) continue;
      users.set(user.id, user);
      mark(user.id, "wsao");
    }
    progress({ phase: "web-service-only accounts", done: users.size });
  }

  // 2. REST activity per account: 30-day counts, and the latest call as far back as dormancy looks.
  progress({ phase: "API activity" });
  const restQuery = `${tx.typeField}=${tx.restType}`;
  const activity = await readSignal(blindSpots, "api_calls", tx.table, async () => {
    const recent = await client.aggregate(tx.table, {
      query: `${restQuery}^sys_created_on>=${ago(30)}`,
      groupBy: [tx.userField],
      count: true,
    });
    const longer = await client.aggregate(tx.table, {
      query: `${restQuery}^sys_created_on>=${ago(Math.max(options.dormantDays, 30))}`,
      groupBy: [tx.userField],
      count: true,
      max: ["sys_created_on"],
    });
    const oldest = await client.aggregate(tx.table, {
      query: restQuery,
      count: true,
      min: ["sys_created_on"],
    });
    const byName = new Map<string, { calls30d: number; last: Date | undefined }>();
    for (const row of longer) {
      const name = row.groupBy[tx.userField];
      if (name) byName.set(name, { calls30d: 0, last: parseDateTime(row.max.sys_created_on) });
    }
    for (const row of recent) {
      const name = row.groupBy[tx.userField];
      if (!name) continue;
      const entry = byName.get(name) ?? { calls30d: 0, last: undefined };
      entry.calls30d = row.count;
      byName.set(name, entry);
    }
    return { byName, since: parseDateTime(oldest[0]?.min.sys_created_on), rows: oldest[0]?.count ?? 0 };
  });
  if (activity && activity.rows === 0) {
    // An ACL can hide every row without an error; an instance with no REST call at all is unlikely.
    blindSpots.push({
      signal: "api_calls",
      table: tx.table,
      reason: `${tx.table} returned no REST transactions at all: the bot account probably cannot read it (grant read on ${tx.table}).`,
    });
  }

  // 3. Accounts that made API calls but are not web-service-only: fetch them by name.
  if (activity) {
    const known = new Set([...users.values()].map((u) => u.userName));
    const names = [...activity.byName.keys()].filter((name) => !known.has(name));
    progress({ phase: "API-calling accounts", done: 0 });
    const add = (record: RawRecord) => {
      const user = toUser(record, mapping.user.ownerField);
      if (!user || parseBool(record.internal_integration_user, false)) return;
      users.set(user.id, user);
      mark(user.id, "api_activity");
    };
    for (const batch of batches(names.filter(listable))) {
      for await (const page of client.list(mapping.user.table, {
        query: `user_nameIN${batch.join(",")}^internal_integration_user!=true`,
        fields: userFields,
      })) {
        page.forEach(add);
      }
    }
    for (const name of names.filter((n) => !listable(n))) {
      (await client.findByField(mapping.user.table, "user_name", name, userFields)).forEach(add);
    }
    for (const user of users.values()) if (activity.byName.has(user.userName)) mark(user.id, "api_activity");
  }
  const identityIds = [...discoveredBy.keys()];

  // 4. Roles, inherited ones included.
  progress({ phase: "roles" });
  const roles = await readSignal(blindSpots, "roles", mapping.userRole.table, async () => {
    const byUser = new Map<string, string[]>();
    const { userField, roleNameField } = mapping.userRole;
    const addRows = (page: RawRecord[]) => {
      for (const row of page) {
        const user = refValue(row[userField]);
        const role = str(row[roleNameField]);
        if (!user || !role) continue;
        const list = byUser.get(user) ?? [];
        if (!list.includes(role)) list.push(role);
        byUser.set(user, list);
      }
    };
    // Web-service-only accounts through a dot-walked condition (one paged query); the others by id.
    for await (const page of client.list(mapping.userRole.table, {
      query: `${userField}.web_service_access_only=true^${userField}.internal_integration_user!=true`,
      fields: [userField, roleNameField],
    })) {
      addRows(page);
    }
    const others = identityIds.filter((id) => !users.get(id)?.wsao);
    for (const batch of batches(others)) {
      for await (const page of client.list(mapping.userRole.table, {
        query: `${userField}IN${batch.join(",")}`,
        fields: [userField, roleNameField],
      })) {
        addRows(page);
      }
    }
    return byUser;
  });

  // 5. Owners that are not identities themselves.
  progress({ phase: "owners" });
  const owners = await readSignal(blindSpots, "owners", mapping.user.table, async () => {
    const missing = [
      ...new Set(
        identityIds.map((id) => users.get(id)?.ownerRef).filter((r): r is string => !!r && !users.has(r)),
      ),
    ];
    const found = new Map<string, UserRecord>();
    for (const batch of batches(missing.filter(listable))) {
      for await (const page of client.list(mapping.user.table, {
        query: `sys_idIN${batch.join(",")}`,
        fields: userFields,
      })) {
        for (const record of page) {
          const user = toUser(record, mapping.user.ownerField);
          if (user) found.set(user.id, user);
        }
      }
    }
    return found;
  });

  // 6. Interactive logins of the accounts that can log in (web-service-only accounts cannot).
  progress({ phase: "UI logins" });
  const lh = mapping.loginHistory;
  const logins = await readSignal(blindSpots, "ui_logins", lh.table, async () => {
    const byUser = new Map<string, { count: number; last: Date | undefined }>();
    const interactive = identityIds.filter((id) => !users.get(id)?.wsao);
    for (const batch of batches(interactive)) {
      const rows = await client.aggregate(lh.table, {
        query: `${lh.userField}IN${batch.join(",")}^sys_created_on>=${ago(30)}`,
        groupBy: [lh.userField],
        count: true,
        max: ["sys_created_on"],
      });
      for (const row of rows) {
        const user = row.groupBy[lh.userField];
        if (user) byUser.set(user, { count: row.count, last: parseDateTime(row.max.sys_created_on) });
      }
    }
    const oldest = await client.aggregate(lh.table, { count: true, min: ["sys_created_on"] });
    return { byUser, since: parseDateTime(oldest[0]?.min.sys_created_on), rows: oldest[0]?.count ?? 0 };
  });
  if (logins && logins.rows === 0) {
    blindSpots.push({
      signal: "ui_logins",
      table: lh.table,
      reason: `${lh.table} returned no logins at all: the bot account probably lacks role user_login_history_viewer.`,
    });
  }

  // 7. Authentication methods: Basic-auth usage table, and OAuth tokens issued.
  progress({ phase: "authentication methods" });
  const ba = mapping.basicAuth;
  const basic = await readSignal(blindSpots, "auth_methods", ba.table, async () => {
    const byUser = new Map<string, { lastSeen: Date | undefined; count: number }>();
    for await (const page of client.list(ba.table, {
      query: `${ba.lastSeenField}>=${ago(Math.max(options.dormantDays, 30))}`,
      fields: [ba.userField, ba.lastSeenField, ba.countField],
    })) {
      for (const row of page) {
        const user = refValue(row[ba.userField]);
        if (user) {
          byUser.set(user, {
            lastSeen: parseDateTime(row[ba.lastSeenField]),
            count: parseInteger(row[ba.countField]) ?? 1,
          });
        }
      }
    }
    return byUser;
  });
  const ot = mapping.oauthToken;
  const oauth = await readSignal(blindSpots, "oauth_tokens", ot.table, async () => {
    const rows = await client.aggregate(ot.table, {
      query: `sys_created_on>=${ago(30)}`,
      groupBy: [ot.userField],
      count: true,
    });
    return new Map(rows.map((row) => [row.groupBy[ot.userField] ?? "", row.count]));
  });

  // 8. Unique API calls of the last 7 days: one grouped count, templated here.
  progress({ phase: "unique API calls" });
  const uniqueCalls = await readSignal(blindSpots, "unique_api_calls", tx.table, async () => {
    const groupBy = [tx.userField, tx.urlField, ...(tx.methodField ? [tx.methodField] : [])];
    const rows = await client.aggregate(tx.table, {
      query: `${restQuery}^sys_created_on>=${ago(7)}`,
      groupBy,
      count: true,
    });
    const byName = new Map<string, Map<string, ApiCall>>();
    for (const row of rows) {
      const name = row.groupBy[tx.userField];
      const url = row.groupBy[tx.urlField];
      if (!name || !url) continue;
      const method = (tx.methodField && row.groupBy[tx.methodField]) || "*";
      const path = toPathTemplate(url);
      const calls = byName.get(name) ?? new Map<string, ApiCall>();
      const key = `${method} ${path}`;
      const call = calls.get(key) ?? { method, path, count: 0 };
      call.count += row.count;
      calls.set(key, call);
      byName.set(name, calls);
    }
    return byName;
  });

  const privileged = new Set(context.privilegedRoles);
  const since30 = new Date(now.getTime() - 30 * DAY);
  const ownerOf = (ref: string | undefined): Owner | undefined => {
    if (!ref) return undefined;
    const user = users.get(ref) ?? owners?.get(ref);
    return user
      ? {
          id: user.id,
          userName: user.userName,
          name: user.name,
          email: user.email,
          active: user.active && !user.lockedOut,
        }
      : undefined;
  };

  const identities: MachineIdentity[] = identityIds.map((id) => {
    const user = users.get(id) as UserRecord;
    const api = activity?.byName.get(user.userName);
    const login = logins?.byUser.get(id);
    const basicUse = basic?.get(id);
    const basicRecent = basicUse?.lastSeen && basicUse.lastSeen >= since30 ? basicUse.count : 0;
    const oauthTokens = oauth?.get(id) ?? 0;
    const calls30d = api?.calls30d ?? 0;
    const accountRoles = roles?.get(id) ?? [];
    return {
      source: "servicenow",
      id,
      userName: user.userName,
      name: user.name,
      email: user.email,
      active: user.active,
      lockedOut: user.lockedOut,
      webServiceAccessOnly: user.wsao,
      createdAt: user.createdAt,
      lastLoginAt: user.lastLoginAt,
      roles: accountRoles,
      privilegedRoles: accountRoles.filter((r) => privileged.has(r)),
      ownerRef: user.ownerRef,
      owner: ownerOf(user.ownerRef),
      apiCalls30d: calls30d,
      lastApiCallAt: api?.last,
      // WSAO accounts cannot log into the UI, so "no logins" is known for them even without the table.
      uiLogins30d: user.wsao ? 0 : logins ? (login?.count ?? 0) : undefined,
      lastUiLoginAt: login?.last,
      uniqueApiCalls7d: [...(uniqueCalls?.get(user.userName)?.values() ?? [])].sort(
        (a, b) => b.count - a.count,
      ),
      authMethods30d: basic
        ? {
            basic: basicRecent,
            oauth: oauthTokens,
            // Calls we cannot attribute to Basic or OAuth (API keys, certificates, or unknown).
            other: basicRecent === 0 && oauthTokens === 0 ? calls30d : 0,
          }
        : undefined,
      lastBasicAuthAt: basicUse?.lastSeen,
      discoveredBy: [...(discoveredBy.get(id) ?? [])],
    };
  });

  return {
    source: "servicenow",
    collectedAt: now,
    identities,
    blindSpots,
    coverage: { apiLogSince: activity?.since, uiLoginLogSince: logins?.since },
    requests: client.requestCount - requestsBefore,
  };
}
